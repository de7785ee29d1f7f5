// Backfills: a schedule's past occurrences in [from, to), run one at a time, as a batch with its own progress record.
// Each occurrence runs under the id its scheduled fire would have had, so one that already ran is never run again.

/** running → done (every occurrence accounted for) | stopped (stopReason says why; the rest were not run). */
export type BackfillStatus = 'running' | 'done' | 'stopped';

/** Why a backfill stopped before its last occurrence: the tenant's monthly run budget, or its schedule was deleted. */
export type BackfillStopReason = 'budget' | 'schedule_deleted';

/** What became of the occurrences before `nextOccurrence`; they partition them. */
export interface BackfillCounts {
  /** Run by this backfill, and succeeded. */
  ran: number;
  /** Had a run already (a scheduled fire, a catch-up, another backfill): not run again. */
  alreadyRan: number;
  /** Run by this backfill, and ended failed, timed_out or skipped. */
  failed: number;
}

export interface Backfill {
  tenantId: string;
  /** bf_… */
  id: string;
  scheduleId: string;
  /** Who started it; its runs are recorded as theirs. */
  userId: string;
  /** The range asked for, [from, to), as UTC instants. */
  from: string;
  to: string;
  /** How many occurrences of the schedule fall in the range (within its startAt/endAt). */
  occurrences: number;
  /**
   * The first occurrence not yet accounted for in `counts`: while running, the one whose run is queued or running
   * (or about to be); null once the last one is accounted for. A stopped backfill keeps the first one it did not run.
   */
  nextOccurrence: string | null;
  /** The last occurrence in the range: occurrences after `nextOccurrence` are computed up to it. */
  lastOccurrence: string;
  /** The schedule's EventBridge expression and timezone when the backfill started: later edits do not move its occurrences. */
  schedulerExpression: string;
  schedulerTimezone: string;
  /** The schedule's startAt when the backfill started: a rate schedule's runs are counted from it. */
  anchor?: string | null;
  counts: BackfillCounts;
  status: BackfillStatus;
  stopReason: BackfillStopReason | null;
  createdAt: string;
  updatedAt: string;
  /** Every change is a conditional write on this: two continuations of the same finished run cannot both advance it. */
  version: number;
  /** Epoch seconds: DynamoDB removes the record with the retention period of runs. */
  expiresAt: number;
}

export const BACKFILL_ID_PREFIX = 'bf';
export const BACKFILL_ID_PATTERN = /^bf_[A-Za-z0-9]{8,40}$/;

/** maxRuns when the request gives none, and the most it may be. */
export const DEFAULT_BACKFILL_MAX_RUNS = 100;
export const MAX_BACKFILL_RUNS = 1000;

/** Occurrences not yet accounted for (the one in flight included). */
export function remainingOf(backfill: Pick<Backfill, 'occurrences' | 'counts'>): number {
  const { ran, alreadyRan, failed } = backfill.counts;
  return Math.max(0, backfill.occurrences - ran - alreadyRan - failed);
}
