// What clients see of schedules: the view (also the OpenAPI component), the canonical (seed 001) shapes, and the
// snake_case dialects of the other replaced APIs.
import * as z from 'zod/mini';
import { ValidationError } from '../domain/errors.ts';
import { DEFAULT_CATCH_UP_WINDOW_MINUTES, retryPolicyOf, ScheduleFields, type Schedule, type ScheduleInput } from '../domain/schedule.ts';
import { NotifyTargetsSchema } from '../domain/notification.ts';
import { ScheduleBatchSchema } from '../domain/schedule-batch.ts';
import { RUN_STATUSES } from '../domain/run.ts';
import { sameJson } from '../domain/storable-json.ts';
import { toValidationError } from '../domain/validation.ts';
import { maxChars } from '../domain/length-checks.ts';
import { MAX_LIST_LIMIT, MAX_LIST_OFFSET, type ScheduleListParams } from '../use-cases/list-schedules.ts';
import { parseWith } from './validation.ts';
import type { ScheduleList } from '../use-cases/list-schedules.ts';
import { computeNextRunAt } from '../use-cases/schedule-timing.ts';
import { formatInstant } from '../expressions/index.ts';

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
  flexible_window_minutes: 'flexibleWindowMinutes',
  catch_up: 'catchUp',
  catch_up_window_minutes: 'catchUpWindowMinutes',
};

/** Fields a replaced service sends that carry nothing this service uses; accepted and ignored. */
const IGNORED_FIELDS = new Set(['bundle', 'toolhouse_id', 'agent_config']);

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

export function parseScheduleInput(raw: unknown): { input: ScheduleInput; dialect: Dialect } {
  const { body, dialect } = normalizeAliases(raw);
  const result = ScheduleFields.safeParse(body);
  if (!result.success) throw toValidationError(result.error);
  return { input: result.data, dialect };
}

const nullableString = z.nullable(z.string());
const int = z.number().check(z.int());

/** The schedule as the API returns it (seed 001's object plus run state and the Scheduler's view). */
export const ScheduleView = z
  .object({
    id: z.string().check(z.meta({ example: 'sched_3xK9mQ2vLp8RtY6wZa1B' })),
    object: z.literal('schedule'),
    userId: z.string(),
    teamId: nullableString,
    name: z.string(),
    description: nullableString,
    task: z.string(),
    agentId: nullableString,
    environmentId: nullableString,
    appId: nullableString,
    scheduleType: z.enum(['recurring', 'one-time']),
    cronExpression: nullableString,
    scheduledTime: nullableString,
    rate: nullableString.check(
      z.meta({ description: 'The interval of a rate schedule ("90 minutes"), counted from startAt; null for cron and one-time schedules.' }),
    ),
    timezone: z.string(),
    enabled: z.boolean(),
    status: z.enum(['active', 'paused', 'completed']),
    statusReason: nullableString.check(z.meta({ description: 'Why the service paused it (autoDisableAfterFailures); null otherwise.' })),
    nextRunAt: nullableString.check(z.meta({ description: 'The instant EventBridge Scheduler will fire next (UTC); null when it will not.' })),
    lastRunAt: nullableString,
    lastRunStatus: z.nullable(z.enum(RUN_STATUSES)),
    lastError: z.nullable(z.object({ message: z.string(), kind: z.string(), at: z.string() })),
    runCount: int,
    successCount: int,
    failureCount: int,
    consecutiveFailures: int,
    cancelledCount: int.check(z.meta({ description: 'Runs cancelled through POST …/cancel: in runCount, neither successes nor failures.' })),
    missedCount: int.check(
      z.meta({ description: 'Scheduled times the service found with no run (a lost fire), recorded as skipped runs with reason "missed".' }),
    ),
    schedulerExpression: z.string().check(z.meta({ example: 'cron(0 9 ? * MON-FRI *)' })),
    schedulerTimezone: z.string(),
    cronDescription: z.string().check(z.meta({ example: 'At 09:00, Monday through Friday (America/New_York)' })),
    startAt: nullableString,
    endAt: nullableString,
    overlapPolicy: z.enum(['skip', 'allow']),
    timeoutSeconds: int,
    flexibleWindowMinutes: int,
    catchUp: z.enum(['none', 'latest']),
    catchUpWindowMinutes: int,
    retry: z.object({ maxAttempts: int, backoffSeconds: int }),
    notify: z
      .nullable(NotifyTargetsSchema)
      .check(z.meta({ description: 'Webhooks told about its runs; null: the tenant default (GET /v1/notification-settings).' })),
    batch: z.nullable(ScheduleBatchSchema),
    nextRunWindowEnd: nullableString.check(z.meta({ description: 'The end of the window the next run starts in: nextRunAt plus flexibleWindowMinutes.' })),
    metadata: z.nullable(z.record(z.string(), z.unknown())),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .check(z.meta({ id: 'Schedule' }));

export type ScheduleViewShape = z.infer<typeof ScheduleView>;

/** The schedule as the API returns it; nextRunAt is recomputed when the stored value has passed. */
export function presentSchedule(schedule: Schedule, now: Date): ScheduleViewShape {
  const nextRunAt = schedule.nextRunAt && Date.parse(schedule.nextRunAt) > now.getTime() ? schedule.nextRunAt : computeNextRunAt(schedule, now);
  return {
    id: schedule.id,
    object: 'schedule' as const,
    userId: schedule.userId,
    teamId: schedule.teamId,
    name: schedule.name,
    description: schedule.description,
    task: schedule.task,
    agentId: schedule.agentId,
    environmentId: schedule.environmentId,
    appId: schedule.appId ?? null,
    scheduleType: schedule.scheduleType,
    cronExpression: schedule.cronExpression,
    scheduledTime: schedule.scheduledTime,
    rate: schedule.rate ?? null,
    timezone: schedule.timezone,
    enabled: schedule.enabled,
    status: schedule.status,
    statusReason: schedule.statusReason ?? null,
    nextRunAt,
    lastRunAt: schedule.lastRunAt,
    lastRunStatus: schedule.lastRunStatus,
    lastError: schedule.lastError,
    runCount: schedule.runCount,
    successCount: schedule.successCount,
    failureCount: schedule.failureCount,
    consecutiveFailures: schedule.consecutiveFailures,
    cancelledCount: schedule.cancelledCount ?? 0,
    missedCount: schedule.missedCount ?? 0,
    schedulerExpression: schedule.schedulerExpression,
    schedulerTimezone: schedule.schedulerTimezone,
    cronDescription: schedule.cronDescription,
    startAt: schedule.startAt,
    endAt: schedule.endAt,
    overlapPolicy: schedule.overlapPolicy,
    timeoutSeconds: schedule.timeoutSeconds,
    flexibleWindowMinutes: schedule.flexibleWindowMinutes ?? 0,
    catchUp: schedule.catchUp ?? 'none',
    catchUpWindowMinutes: schedule.catchUpWindowMinutes ?? DEFAULT_CATCH_UP_WINDOW_MINUTES,
    retry: retryPolicyOf(schedule),
    notify: schedule.notify ?? null,
    batch: schedule.batch ?? null,
    nextRunWindowEnd: nextRunAt === null ? null : formatInstant(new Date(Date.parse(nextRunAt) + (schedule.flexibleWindowMinutes ?? 0) * 60_000)),
    metadata: schedule.metadata,
    createdAt: schedule.createdAt,
    updatedAt: schedule.updatedAt,
  };
}

const snake = (key: string): string => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** snake_case keys plus the other APIs' own names (cron_schedule, cadence, prompt, active, last_spawn_error). */
export function snakeSchedule(view: ScheduleViewShape): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(view)) out[snake(key)] = value;
  out.cron_schedule = view.cronExpression;
  out.cadence = view.cronExpression;
  out.prompt = view.task;
  out.active = view.enabled;
  out.last_spawn_error = view.lastError?.message ?? null;
  return out;
}

/** The body for one schedule, in the dialect the request used. */
export function scheduleBody(schedule: Schedule, now: Date, dialect: Dialect): Record<string, unknown> {
  const view = presentSchedule(schedule, now);
  if (dialect === 'agent') return snakeSchedule(view);
  if (dialect === 'toolhouse') return { data: snakeSchedule(view), schedule: view };
  return { schedule: view };
}

export function scheduleListBody(list: ScheduleList, now: Date, dialect: Dialect): Record<string, unknown> {
  const views = list.items.map((item) => presentSchedule(item, now));
  return {
    object: 'list',
    data: dialect === 'agent' ? views.map(snakeSchedule) : views,
    has_more: list.hasMore,
    total_count: list.totalCount,
    stats: list.stats,
    next_cursor: list.nextCursor,
  };
}

const booleanText = z.pipe(
  z.enum(['true', 'false']),
  z.transform((value) => value === 'true'),
);

/** GET /v1/schedules' query string. */
export const ScheduleListQuery = z.strictObject({
  agentId: z.optional(z.string().check(maxChars(64))),
  environmentId: z.optional(z.string().check(maxChars(128))),
  appId: z.optional(z.string().check(maxChars(128))),
  scheduleType: z.optional(z.enum(['recurring', 'one-time'])),
  enabled: z.optional(booleanText),
  scope: z.optional(z.enum(['user', 'team'])).check(z.meta({ description: "Only the caller's own schedules (user) or their team's (team); both by default." })),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(MAX_LIST_LIMIT)), 20),
  offset: z.optional(z.coerce.number().check(z.int(), z.gte(0), z.lte(MAX_LIST_OFFSET))),
  cursor: z.optional(z.string().check(maxChars(2048))),
});

export const parseScheduleListQuery = (raw: unknown): ScheduleListParams => parseWith(ScheduleListQuery, raw);
