// Runs: one execution of an agent, its record and its id; scheduled runs get ids derived from (schedule, scheduled time).
import { createHash } from 'node:crypto';
import type { AgentErrorKind, AgentUsage } from './agent-outcome.ts';

export const OUTPUT_LIMIT_BYTES = 64 * 1024;

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'timed_out', 'skipped', 'cancelled'] as const;
/** cancelled: stopped through POST …/cancel; counted as neither a success nor a failure (the schedule's cancelledCount). */
export type RunStatus = (typeof RUN_STATUSES)[number];

/** The states a run ends in; a run in one of them never changes again. */
export const FINAL_RUN_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'timed_out', 'skipped', 'cancelled'];

export function isFinal(status: RunStatus): boolean {
  return FINAL_RUN_STATUSES.includes(status);
}

/** One call of the agent within a run (a run retries retryable failures: see shared/use-cases/agent-call.ts). */
export interface RunAttempt {
  startedAt: string;
  finishedAt: string | null;
  /** Null for the attempt that succeeded (or that the agent accepted for a callback). */
  error: { message: string; kind: AgentErrorKind } | null;
}

/** What started a run: its schedule firing, a person (trigger), the API (POST /v1/runs), a backfill of past occurrences, or a catch-up of a missed one. */
export type RunTrigger = 'schedule' | 'manual' | 'api' | 'backfill' | 'catch_up' | 'batch';
/** missed: the service found no run for a scheduled time long after it passed (the fire was lost); see detect-missed-runs. */
export type SkipReason = 'disabled' | 'ended' | 'not_started' | 'overlap' | 'budget' | 'deleted' | 'missed';

export interface Run {
  tenantId: string;
  id: string;
  /** Null for a one-off run from POST /v1/runs. */
  scheduleId: string | null;
  userId: string;
  trigger: RunTrigger;
  status: RunStatus;
  reason: SkipReason | null;
  scheduledTime: string | null;
  queuedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  deadlineAt: string | null;
  durationMs: number | null;
  output: string | null;
  truncated: boolean;
  error: { message: string; kind: AgentErrorKind | 'internal' } | null;
  usage: AgentUsage | null;
  agentId: string | null;
  /** For one-off runs: what to run (a scheduled run reads its schedule's task). */
  task: string | null;
  metadata: Record<string, unknown> | null;
  attempt: number;
  executionId: string | null;
  /** Each call of the agent, when the schedule retries (absent or empty before the first call). */
  attempts?: RunAttempt[];
  /** When the agent answered 202 Accepted: the run then waits for the agent's callback until deadlineAt. */
  acceptedAt?: string | null;
  /** When someone asked to cancel it (POST …/cancel); the run ends "cancelled". */
  cancelledAt?: string | null;
  /** The backfill this run belongs to (trigger "backfill"); absent otherwise. */
  backfillId?: string | null;
  /** The batch this run is an item of (trigger "batch"), and the item's index; absent otherwise. */
  batchId?: string | null;
  itemIndex?: number | null;
  /** Epoch seconds: DynamoDB removes the record after the retention period. */
  expiresAt: number;
}

/** A run with nothing happened yet: every timing, result and error field empty. */
export function makeRun(fields: Pick<Run, 'tenantId' | 'id' | 'scheduleId' | 'userId' | 'trigger' | 'status' | 'expiresAt'> & Partial<Run>): Run {
  return {
    reason: null,
    scheduledTime: null,
    queuedAt: null,
    startedAt: null,
    finishedAt: null,
    deadlineAt: null,
    durationMs: null,
    output: null,
    truncated: false,
    error: null,
    usage: null,
    agentId: null,
    task: null,
    metadata: null,
    attempt: 1,
    executionId: null,
    ...fields,
  };
}

function compact(instant: string): string {
  return instant.replace(/[-:]/g, '').replace(/\.\d+/, '');
}

/** Scheduled runs: the same (schedule, scheduled time) always gives the same id, however often it is delivered. */
export function scheduledRunId(scheduleId: string, scheduledTime: string): string {
  const digest = createHash('sha256')
    .update(`${scheduleId}\n${new Date(scheduledTime).toISOString()}`)
    .digest('hex')
    .slice(0, 12);
  return `run_${compact(new Date(scheduledTime).toISOString())}_${digest}`;
}

/** Manual and API runs: time-ordered like scheduled ones, unique by a random suffix. */
export function newRunId(now: Date, random: string): string {
  return `run_${compact(now.toISOString())}_${random.toLowerCase().slice(0, 12)}`;
}

export const RUN_ID_PATTERN = /^run_\d{8}T\d{6}Z_[a-z0-9]{12}$/;

/** A running run is overdue this long after its deadline: the runner's own final write has had its chance. */
export const STUCK_RUN_GRACE_MS = 2 * 60_000;
/** A queued run is overdue this long after it was queued: Lambda's asynchronous retries (1 h at most) are over. */
export const QUEUED_RUN_LIMIT_MS = 75 * 60_000;

/** When an unfinished run counts as stuck and the service ends it; null once it has a final state. */
export function overdueAt(run: Pick<Run, 'status' | 'deadlineAt' | 'queuedAt'>): string | null {
  if (run.status === 'running' && run.deadlineAt) return new Date(Date.parse(run.deadlineAt) + STUCK_RUN_GRACE_MS).toISOString();
  if (run.status === 'queued' && run.queuedAt) return new Date(Date.parse(run.queuedAt) + QUEUED_RUN_LIMIT_MS).toISOString();
  return null;
}

/** Caps the output at 64 KiB (on a character boundary) and says whether it was cut. */
export function capOutput(output: string): { output: string; truncated: boolean } {
  if (Buffer.byteLength(output) <= OUTPUT_LIMIT_BYTES) return { output, truncated: false };
  const cut = Buffer.from(output)
    .subarray(0, OUTPUT_LIMIT_BYTES)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return { output: cut, truncated: true };
}
