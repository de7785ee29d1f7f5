// Schedules: the request schemas (with the replaced services' spellings as aliases), the stored shape, and the rules.
import { z } from 'zod';
import { ValidationError } from './errors.ts';
import type { RunStatus } from './run.ts';

import { maxChars, minChars } from './length-checks.ts';
import { LIMITS } from './limits.ts';
import { formatJsonPath, sameJson, storableJsonProblem, STORABLE_JSON_MAX_DEPTH } from './storable-json.ts';

export { LIMITS, maxChars, minChars };

export const SCHEDULE_ID_PATTERN = /^sched_[A-Za-z0-9]{8,40}$/;
export const AGENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * Other spellings of canonical fields, from the seeds' APIs, so their clients work unchanged.
 * `chat_id` (Toolhouse) names the agent to run.
 */
export const FIELD_ALIASES: Record<string, string> = {
  prompt: 'task',
  message: 'task',
  cron_schedule: 'cronExpression',
  cadence: 'cronExpression',
  cron: 'cronExpression',
  active: 'enabled',
  chat_id: 'agentId',
  agent_id: 'agentId',
  environment_id: 'environmentId',
  app_id: 'appId',
  schedule_type: 'scheduleType',
  type: 'scheduleType',
  cron_expression: 'cronExpression',
  scheduled_time: 'scheduledTime',
  start_at: 'startAt',
  end_at: 'endAt',
  overlap_policy: 'overlapPolicy',
  timeout_seconds: 'timeoutSeconds',
};

/** Fields a replaced service sends that carry nothing this service uses; accepted and ignored. */
const IGNORED_FIELDS = new Set(['bundle', 'toolhouse_id', 'agent_config']);

const isoInstant = z.iso.datetime({ offset: true }).meta({ description: 'ISO 8601 instant with Z or an offset.' });

/** DynamoDB stores at most 32 levels; 16 is plenty for anyone's key/values. */
export const METADATA_MAX_DEPTH = STORABLE_JSON_MAX_DEPTH;

/**
 * Free-form JSON that DynamoDB can keep exactly (see storable-json.ts): at most `maxBytes` of JSON and 16 levels,
 * no empty keys, numbers a string would have to carry refused with the path of the first one. zod only checks
 * that it is an object; the storable-JSON check walks it without recursion, so no depth can overflow the stack.
 */
export function storableMetadata(maxBytes: number = LIMITS.metadataBytes) {
  return z
    .record(z.string(), z.unknown())
    .superRefine((value, context) => {
      const problem = storableJsonProblem(value, { maxBytes, maxDepth: METADATA_MAX_DEPTH });
      if (problem) context.addIssue({ code: 'custom', path: problem.path, message: problem.message });
    })
    .meta({ description: `Your own key/values, returned as given: at most ${maxBytes / 1024} KiB of JSON and ${METADATA_MAX_DEPTH} levels, keys non-empty, numbers exact (larger ones as strings).` });
}

const metadata = storableMetadata(LIMITS.metadataBytes);

/** Characters are Unicode code points (as zod and JSON Schema count them); bytes are UTF-8, as DynamoDB counts them. */
const NAME_LIMIT = `name must be at most ${LIMITS.nameChars} characters and ${LIMITS.nameBytes} bytes of UTF-8`;

/** Every field a client may set; all optional here, the rules below say which are needed when. */
export const ScheduleFields = z
  .object({
    name: z
      .string()
      .trim()
      .check(minChars(1), maxChars(LIMITS.nameChars, NAME_LIMIT))
      .refine((value) => Buffer.byteLength(value) <= LIMITS.nameBytes, { message: NAME_LIMIT })
      .meta({ description: `Schedule name (≤ ${LIMITS.nameChars} characters and ≤ ${LIMITS.nameBytes} bytes of UTF-8). Defaults to a description of the cadence.` }),
    description: z.string().check(maxChars(LIMITS.descriptionChars)).nullable(),
    task: z
      .string()
      .refine((value) => Buffer.byteLength(value) <= LIMITS.taskBytes, { message: `task must be at most ${LIMITS.taskBytes} bytes` })
      .meta({ description: 'What the agent is asked to do (≤ 32 KiB). Aliases: prompt, message.' }),
    agentId: z
      .string()
      .regex(AGENT_ID_PATTERN, 'agentId must be 1–64 letters, digits, "_" or "-"')
      .nullable()
      .meta({ description: 'An agent of yours (GET /v1/agents). Omitted: the deployment default agent. Alias: chat_id.' }),
    environmentId: z.string().check(maxChars(128)).nullable(),
    appId: z.string().check(maxChars(128)).nullable().meta({ description: 'The app a schedule belongs to (seed 001 filters lists by it).' }),
    scheduleType: z.enum(['recurring', 'one-time']).meta({ description: 'Inferred from cronExpression / scheduledTime when omitted.' }),
    cronExpression: z.string().check(maxChars(256)).meta({ description: '5-field cron, read in `timezone`. Aliases: cron_schedule, cadence.' }),
    scheduledTime: z.string().check(maxChars(64)).meta({ description: 'One-time: ISO 8601 instant; without an offset it is read in `timezone`.' }),
    timezone: z.string().check(maxChars(64)).meta({ description: 'IANA timezone (default UTC).' }),
    enabled: z.boolean().meta({ description: 'Default true. Alias: active.' }),
    metadata: metadata.nullable(),
    startAt: isoInstant.nullable(),
    endAt: isoInstant.nullable(),
    overlapPolicy: z.enum(['skip', 'allow']).meta({ description: 'skip (default): a run still running makes the next one skipped.' }),
    timeoutSeconds: z.number().int().min(1).max(840).meta({ description: 'Run deadline in seconds (default 300).' }),
    team: z.boolean().meta({ description: 'Create a team-owned schedule, visible to the team. Default: true when your key has a team.' }),
  })
  .partial()
  .strict();

export type ScheduleInput = z.infer<typeof ScheduleFields>;

/** Which request dialect a body used, so the response can answer in kind (see shared/http/schedules.ts). */
export type Dialect = 'v1' | 'toolhouse' | 'agent';

export interface NormalizedBody {
  body: Record<string, unknown>;
  dialect: Dialect;
}

/** Maps alias spellings to canonical fields; two spellings of one field with different values are a 400. */
export function normalizeAliases(raw: unknown): NormalizedBody {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ValidationError('The request body must be a JSON object.', { hint: 'Send e.g. {"name": "Daily report", "cronExpression": "0 9 * * *"}.' });
  }
  // No prototype: a field named "__proto__" or "constructor" stays a field (and is then reported as unknown).
  const body: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  let dialect: Dialect = 'v1';
  for (const [key, value] of Object.entries(raw)) {
    if (IGNORED_FIELDS.has(key)) continue;
    const canonical = Object.hasOwn(FIELD_ALIASES, key) ? FIELD_ALIASES[key]! : key;
    if (key === 'cadence' || key === 'chat_id' || key === 'active') dialect = 'toolhouse';
    if (Object.hasOwn(body, canonical) && !sameJson(body[canonical], value)) {
      throw new ValidationError(`"${key}" and another spelling of ${canonical} were both given, with different values.`, {
        field: canonical,
        hint: `Send only "${canonical}".`,
      });
    }
    body[canonical] = value;
  }
  return { body, dialect };
}

/** Turns zod's issues into one 400 that names each field and says what is wrong. */
export function toValidationError(error: z.ZodError): ValidationError {
  const problems = error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.join('", "');
      return { field: issue.keys[0] ?? '', message: `unknown field${issue.keys.length > 1 ? 's' : ''} "${keys}"` };
    }
    const field = formatJsonPath('', issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment))) || 'body';
    return { field, message: `${field}: ${issue.message}` };
  });
  const first = problems[0];
  return new ValidationError(problems.map((problem) => problem.message).join('; '), {
    field: first?.field,
    problems,
    hint: 'See GET /openapi.json for the fields each request takes.',
  });
}

export function parseScheduleInput(raw: unknown): { input: ScheduleInput; dialect: Dialect } {
  const { body, dialect } = normalizeAliases(raw);
  const result = ScheduleFields.safeParse(body);
  if (!result.success) throw toValidationError(result.error);
  return { input: result.data, dialect };
}

/** The stored schedule. `version` makes updates conditional; `owner` decides who may see it. */
export interface Schedule {
  tenantId: string;
  id: string;
  userId: string;
  teamId: string | null;
  /** "user" schedules are their owner's; "team" schedules are visible to every member of teamId. */
  ownerType: 'user' | 'team';
  name: string;
  description: string | null;
  task: string;
  agentId: string | null;
  environmentId: string | null;
  appId?: string | null;
  scheduleType: 'recurring' | 'one-time';
  cronExpression: string | null;
  scheduledTime: string | null;
  timezone: string;
  enabled: boolean;
  /** "completed": a one-time schedule that has run; it stays disabled. */
  status: 'active' | 'paused' | 'completed';
  schedulerExpression: string;
  schedulerTimezone: string;
  cronDescription: string;
  nextRunAt: string | null;
  lastRunAt: string | null;
  lastRunStatus: RunStatus | null;
  lastError: { message: string; kind: string; at: string } | null;
  runCount: number;
  successCount: number;
  failureCount: number;
  consecutiveFailures: number;
  metadata: Record<string, unknown> | null;
  startAt: string | null;
  endAt: string | null;
  overlapPolicy: 'skip' | 'allow';
  timeoutSeconds: number;
  createdAt: string;
  updatedAt: string;
  version: number;
  /** Why the service paused it (e.g. after N consecutive failures); null when a person did. */
  statusReason?: string | null;
  /** The run holding the overlap marker (overlapPolicy "skip") and until when; absent when none runs. */
  runningRunId?: string | null;
  runningUntil?: string | null;
}

export { ownerScope } from './owner.ts';
