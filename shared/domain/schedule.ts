// Schedules: the fields a client may set and their rules, and the stored shape. The wire spellings (aliases, dialects) are in shared/http/schedules.ts.
import * as z from 'zod/mini';
import type { RunStatus } from './run.ts';
import { maxChars, minChars } from './length-checks.ts';
import { LIMITS } from './limits.ts';
import { AGENT_ID_PATTERN, SCHEDULE_ID_PATTERN } from './ids.ts';
import { storableMetadata } from './metadata.ts';
import { NotifyTargetsSchema, type NotifyTarget } from './notification.ts';
import { ScheduleBatchSchema, type ScheduleBatch } from './schedule-batch.ts';

export { LIMITS, maxChars, minChars };

/** The longest spread a schedule may ask for (EventBridge allows up to 1,440; an hour keeps runs near their time). */
export const MAX_FLEXIBLE_WINDOW_MINUTES = 60;

/** The longest deadline: 24 hours, for agents that answer 202 and call back. Synchronous calls end at MAX_SYNC_SECONDS. */
export const MAX_TIMEOUT_SECONDS = 86_400;
/** The longest a synchronous agent call may take: the runner Lambda's 15 minutes less the time kept to record the result. */
export const MAX_SYNC_SECONDS = 840;

/** Retries of a run's agent call (schedule.retry). */
export const MAX_RETRY_ATTEMPTS = 5;
export const DEFAULT_RETRY_BACKOFF_SECONDS = 30;
export const MAX_RETRY_BACKOFF_SECONDS = 3600;

/** How far back a catch-up looks for a missed occurrence: default and maximum, in minutes. */
export const DEFAULT_CATCH_UP_WINDOW_MINUTES = 60;
export const MAX_CATCH_UP_WINDOW_MINUTES = 24 * 60;

export { AGENT_ID_PATTERN, SCHEDULE_ID_PATTERN };

const metadata = storableMetadata(LIMITS.metadataBytes);

const isoInstant = z.iso.datetime({ offset: true }).check(z.meta({ description: 'ISO 8601 instant with Z or an offset.' }));

/** Characters are Unicode code points (as zod and JSON Schema count them); bytes are UTF-8, as DynamoDB counts them. */
const NAME_LIMIT = `name must be at most ${LIMITS.nameChars} characters and ${LIMITS.nameBytes} bytes of UTF-8`;

/** Every field a client may set; all optional here, the rules below say which are needed when. */
export const ScheduleFields = z.partial(
  z.strictObject({
    name: z.string().check(
      z.trim(),
      minChars(1),
      maxChars(LIMITS.nameChars, NAME_LIMIT),
      z.refine((value) => Buffer.byteLength(value) <= LIMITS.nameBytes, { message: NAME_LIMIT }),
      z.meta({
        description: `Schedule name (≤ ${LIMITS.nameChars} characters and ≤ ${LIMITS.nameBytes} bytes of UTF-8). Defaults to a description of the cadence.`,
      }),
    ),
    description: z.nullable(z.string().check(maxChars(LIMITS.descriptionChars))),
    task: z.string().check(
      z.refine((value) => Buffer.byteLength(value) <= LIMITS.taskBytes, { message: `task must be at most ${LIMITS.taskBytes} bytes` }),
      z.meta({ description: 'What the agent is asked to do (≤ 32 KiB). Aliases: prompt, message.' }),
    ),
    agentId: z
      .nullable(z.string().check(z.regex(AGENT_ID_PATTERN, 'agentId must be 1–64 letters, digits, "_" or "-"')))
      .check(z.meta({ description: 'An agent of yours (GET /v1/agents). Omitted: the deployment default agent. Alias: chat_id.' })),
    environmentId: z.nullable(z.string().check(maxChars(128))),
    appId: z.nullable(z.string().check(maxChars(128))).check(z.meta({ description: 'The app a schedule belongs to (seed 001 filters lists by it).' })),
    scheduleType: z.enum(['recurring', 'one-time']).check(z.meta({ description: 'Inferred from cronExpression / scheduledTime when omitted.' })),
    cronExpression: z.string().check(maxChars(256), z.meta({ description: '5-field cron, read in `timezone`. Aliases: cron_schedule, cadence.' })),
    rate: z.string().check(
      maxChars(64),
      z.meta({
        description:
          'An interval instead of a cron: "90 minutes", "2 hours", "14 days", "2 weeks" or "rate(90 minutes)"; runs are counted from startAt (default: the next whole minute). Sent to EventBridge as rate(…).',
      }),
    ),
    scheduledTime: z.string().check(maxChars(64), z.meta({ description: 'One-time: ISO 8601 instant; without an offset it is read in `timezone`.' })),
    timezone: z.string().check(maxChars(64), z.meta({ description: 'IANA timezone (default UTC).' })),
    enabled: z.boolean().check(z.meta({ description: 'Default true. Alias: active.' })),
    metadata: z.nullable(metadata),
    startAt: z.nullable(isoInstant),
    endAt: z.nullable(isoInstant),
    overlapPolicy: z.enum(['skip', 'allow']).check(z.meta({ description: 'skip (default): a run still running makes the next one skipped.' })),
    timeoutSeconds: z.number().check(
      z.int(),
      z.gte(1),
      z.lte(MAX_TIMEOUT_SECONDS, `timeoutSeconds must be 1–${MAX_TIMEOUT_SECONDS} (24 hours)`),
      z.meta({
        description: `Run deadline in seconds (default 300, at most ${MAX_TIMEOUT_SECONDS} = 24 h). An agent that answers synchronously has at most ${MAX_SYNC_SECONDS} s (the runner Lambda's limit); one that answers 202 and calls back may use the whole deadline.`,
      }),
    ),
    flexibleWindowMinutes: z.number().check(
      z.int(),
      z.gte(0),
      z.lte(MAX_FLEXIBLE_WINDOW_MINUTES, `flexibleWindowMinutes must be 0–${MAX_FLEXIBLE_WINDOW_MINUTES}, e.g. 15 to spread runs over a quarter of an hour`),
      z.meta({
        description:
          'Spread: each run starts at a time within this many minutes after its scheduled time (0–60, default 0 = on time). Sent to EventBridge as FlexibleTimeWindow.',
      }),
    ),
    catchUp: z.enum(['none', 'latest']).check(
      z.meta({
        description:
          'none (default): occurrences missed while paused (or while the local server was down) are skipped. latest: on resume the most recent one within catchUpWindowMinutes runs once.',
      }),
    ),
    catchUpWindowMinutes: z
      .number()
      .check(
        z.int(),
        z.gte(1),
        z.lte(MAX_CATCH_UP_WINDOW_MINUTES, `catchUpWindowMinutes must be 1–${MAX_CATCH_UP_WINDOW_MINUTES} (24 hours), e.g. 60`),
        z.meta({ description: `How far back a catch-up looks, in minutes (default ${DEFAULT_CATCH_UP_WINDOW_MINUTES}, at most 1,440).` }),
      ),
    retry: z
      .nullable(
        z.partial(
          z.strictObject({
            maxAttempts: z
              .number()
              .check(
                z.int(),
                z.gte(1, `retry.maxAttempts must be 1–${MAX_RETRY_ATTEMPTS}`),
                z.lte(MAX_RETRY_ATTEMPTS, `retry.maxAttempts must be 1–${MAX_RETRY_ATTEMPTS}`),
              ),
            backoffSeconds: z
              .number()
              .check(
                z.int(),
                z.gte(1, `retry.backoffSeconds must be 1–${MAX_RETRY_BACKOFF_SECONDS}`),
                z.lte(MAX_RETRY_BACKOFF_SECONDS, `retry.backoffSeconds must be 1–${MAX_RETRY_BACKOFF_SECONDS}`),
              ),
          }),
        ),
      )
      .check(
        z.meta({
          description: `Retries of the agent call after a retryable failure (network error, HTTP 408/429/5xx, a throttled AWS agent): maxAttempts 1–${MAX_RETRY_ATTEMPTS} (default 1 = no retry), backoffSeconds (default ${DEFAULT_RETRY_BACKOFF_SECONDS}) doubled after each attempt, all within the run's timeoutSeconds.`,
        }),
      ),
    notify: z.nullable(NotifyTargetsSchema),
    batch: z.nullable(ScheduleBatchSchema),
    team: z.boolean().check(z.meta({ description: 'Create a team-owned schedule, visible to the team. Default: true when your key has a team.' })),
  }),
);

export type ScheduleInput = z.infer<typeof ScheduleFields>;

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
  /** The interval of a rate schedule ("90 minutes", "14 days"), counted from startAt; null or absent otherwise. */
  rate?: string | null;
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
  /** Spread: runs start within this many minutes after their scheduled time (0 = on time); absent on older items. */
  flexibleWindowMinutes?: number;
  /** "latest": on resume (and local restart) the most recent missed occurrence within the window runs once; absent = "none". */
  catchUp?: 'none' | 'latest';
  catchUpWindowMinutes?: number;
  /** Retries of the agent call; absent or null = one attempt. */
  retry?: RetryPolicy | null;
  /** Webhooks told about this schedule's runs; absent or null = the tenant default (PUT /v1/notification-settings). */
  notify?: NotifyTarget[] | null;
  /** Each fire runs task over these items as one batch; absent or null = one run per fire. */
  batch?: ScheduleBatch | null;
  /** Runs cancelled through POST …/cancel: counted here, and in runCount, not as successes or failures. */
  cancelledCount?: number;
  /** Scheduled times the service found with no run (missed fires), recorded as skipped runs. */
  missedCount?: number;
  createdAt: string;
  updatedAt: string;
  version: number;
  /** Why the service paused it (e.g. after N consecutive failures); null when a person did. */
  statusReason?: string | null;
  /** The run holding the overlap marker (overlapPolicy "skip") and until when; absent when none runs. */
  runningRunId?: string | null;
  runningUntil?: string | null;
}

export interface RetryPolicy {
  maxAttempts: number;
  backoffSeconds: number;
}

/** The schedule's retry settings with their defaults filled in. */
export function retryPolicyOf(schedule: { retry?: Partial<RetryPolicy> | null | undefined } | null): RetryPolicy {
  return { maxAttempts: schedule?.retry?.maxAttempts ?? 1, backoffSeconds: schedule?.retry?.backoffSeconds ?? DEFAULT_RETRY_BACKOFF_SECONDS };
}

export { ownerScope } from './owner.ts';
