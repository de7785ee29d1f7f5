// Where run records live, and the writes that keep them and their schedule's counters in step.
import type { Run } from '../domain/run.ts';
import type { RunStatus } from '../domain/run.ts';
import type { Schedule } from '../domain/schedule.ts';
import type { IdempotencyRecord } from './schedule-store.ts';

/** A monthly run quota to reserve against, when the tenant has one. */
export interface QuotaReservation {
  limit: number;
  /** "2026-11" */
  month: string;
}

export type BeginOutcome = 'started' | 'duplicate' | 'schedule_changed' | 'over_budget';

export type RecordOutcome = 'created' | 'duplicate' | 'over_budget' | 'key_taken';

export type FinishOutcome = 'recorded' | 'schedule_gone' | 'schedule_changed' | 'already_final';

/**
 * What a finished run changes on its schedule, written in the same transaction as the run's final state.
 * The write holds only while the schedule's expression, timezone and enabled state are still those of
 * `schedule` (else 'schedule_changed': the runner re-reads it and recomputes nextRunAt); concurrent runs
 * only add to the counters, so they never conflict with one another.
 */
export interface ScheduleOutcome {
  schedule: Schedule;
  status: RunStatus;
  lastRunAt: string;
  lastError: Schedule['lastError'];
  nextRunAt: string | null;
  /** One-time schedules end after their run: disabled, status completed. */
  complete: boolean;
  /**
   * The run holds the schedule's overlap marker (as read): the same write gives it up, on the condition that the run
   * still holds it ('schedule_changed' otherwise: read the schedule again).
   */
  releaseOverlap?: boolean;
}

/** Where a run is stored: enough to read it. */
export interface RunRef {
  tenantId: string;
  scheduleId: string | null;
  runId: string;
}

export interface RunPage {
  items: Run[];
  nextAfter: string | undefined;
}

export interface RunStore {
  /**
   * Starts a scheduled run in one transaction: the run record (absent → created; present → 'duplicate'), the
   * schedule's overlap marker (when `overlap` is 'skip'; the schedule must still exist, be enabled and not be
   * running → else 'schedule_changed') and the quota reservation (→ 'over_budget').
   */
  beginScheduledRun(run: Run, options: { overlap: 'skip' | 'allow'; now: string; quota?: QuotaReservation }): Promise<BeginOutcome>;
  /**
   * Writes a run that needs no agent (skipped) or waits for one (queued); 'duplicate' when the id exists. With an
   * idempotency record (Idempotency-Key) it is written in the same transaction: 'key_taken' when the key already is.
   */
  recordRun(run: Run, quota?: QuotaReservation, idempotency?: IdempotencyRecord): Promise<RecordOutcome>;
  /** queued → running; false when the run is not queued (a repeated delivery). */
  markRunning(run: Run): Promise<boolean>;
  /** The run's final state and, when given, its schedule's counters and last-run fields, atomically, if the run is
   *  still queued or running ('already_final' otherwise: e.g. the sweeper ended it first; nothing was written).
   *  'schedule_gone' when the schedule was deleted meanwhile: the run is recorded alone and nothing is recreated.
   *  'schedule_changed': nothing was written; see ScheduleOutcome. */
  finishRun(run: Run, outcome: ScheduleOutcome | null): Promise<FinishOutcome>;
  /** Unfinished runs overdue before `cutoff` (see overdueAt), oldest first, at most `limit`: the sweeper's query. */
  listOverdue(cutoff: string, limit: number): Promise<RunRef[]>;
  /** Gives up the schedule's overlap marker, if this run still holds it (a later run may have taken it over). */
  releaseOverlap(run: Pick<Run, 'tenantId' | 'scheduleId' | 'id'>): Promise<void>;
  get(tenantId: string, scheduleId: string | null, runId: string): Promise<Run | undefined>;
  /** Newest first; `after` resumes strictly after that run id. */
  list(tenantId: string, scheduleId: string | null, options: { limit: number; after?: string | undefined; status?: RunStatus | undefined }): Promise<RunPage>;
  /** Runs started this month, for budgets. */
  usage(tenantId: string, month: string): Promise<number>;
  /**
   * running → accepted (its agent answered 202 and calls back): writes `acceptedAt`, the later `deadlineAt` (and the
   * run's place in the due index, so the sweeper ends it only past that) and `attempts` when given; then, when this run
   * holds its schedule's overlap marker, extends the marker to the new deadline. False when the run is no longer running.
   */
  markAccepted(run: Run): Promise<boolean>;
}
