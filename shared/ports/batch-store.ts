// Where batches and their items live. The batch record is the one place concurrency is kept: an item starts only
// after a slot is taken on it (one conditional update: cursor and running move together), and then the item, its run
// record and the slot's release are written together.
import type { Batch, BatchCounts, BatchItem, BatchItemInput, BatchItemStatus, BatchStatus } from '../domain/batch.ts';
import type { AgentUsage } from '../domain/agent-outcome.ts';
import type { Run } from '../domain/run.ts';
import type { QuotaReservation } from './run-store.ts';
import type { IdempotencyRecord } from './schedule-store.ts';

export interface BatchRef {
  tenantId: string;
  batchId: string;
}

export interface BatchPage {
  items: Batch[];
  /** Pass as `after` for the next page; undefined on the last one. */
  nextAfter: string | undefined;
}

export interface BatchItemPage {
  items: BatchItem[];
  /** The index to pass as `after` for the next page; undefined on the last one. */
  nextAfter: number | undefined;
}

/** What one finished item adds to its batch (finishItem). */
export interface ItemOutcome {
  /** The item's final status in this round. */
  status: Extract<BatchItemStatus, 'succeeded' | 'failed' | 'timed_out' | 'cancelled' | 'skipped'>;
  usage: AgentUsage | null;
  /** The item's cost at the model's price; null when it reported no usage or the model has no price. */
  usd: number | null;
  /** For failed and timed-out items: counted in errors.byKind, and kept in errors.sample while it has room. */
  error: { kind: string; message: string } | null;
}

/** A slot taken on the batch record (takeSlot): the cursor position it took, and the batch after. */
export interface TakenSlot {
  position: number;
  batch: Batch;
}

export type StartOutcome = 'started' | 'over_budget' | 'done';
export interface BatchStore {
  /**
   * Writes the items (indices 0…, pending, attempt 1, the batch's expiresAt) and then the batch record; 'duplicate'
   * when a batch with this id already exists (a scheduled fire delivered twice). A batch found stored before the items
   * are written is left alone, items and all (they may have started since); two deliveries racing both write the same
   * items, and the record is written once.
   */
  create(batch: Batch, items: BatchItemInput[]): Promise<'created' | 'duplicate'>;
  /**
   * Appends items at indices batch.counts.total… to a draft batch and raises its total, pending and roundSize by their
   * number, bumping the version and setting updatedAt to `now`; the batch as it is after, or 'stale' when it is no
   * longer a draft or its version is no longer batch.version. The items are written before the record: a stale append
   * leaves them in place while the batch is still a draft (the next append writes over them), and removes them once
   * it is not. Two appends to one draft must not race: the loser may have written over the winner's items.
   */
  append(batch: Batch, items: BatchItemInput[], now: string): Promise<Batch | 'stale'>;
  /**
   * Holds an Idempotency-Key for a batch create: writes `record` (its batchId the batch about to be created) unless
   * the user's key is held by an unexpired record, and returns the record that holds it — this one, or the earlier
   * one (whose batch may not be stored yet, when its create stopped half-way).
   */
  holdKey(owner: { tenantId: string; userId: string }, record: IdempotencyRecord): Promise<IdempotencyRecord>;
  /** Strongly consistent. */
  get(tenantId: string, batchId: string): Promise<Batch | undefined>;
  /**
   * Newest first (ids are time-ordered); `after` resumes strictly after that batch id. With a filter a page may be
   * short, even empty, and still have a nextAfter: an adapter reads a bounded number of records per call.
   */
  list(
    tenantId: string,
    options: { limit: number; after?: string | undefined; status?: BatchStatus | undefined; scheduleId?: string | undefined },
  ): Promise<BatchPage>;
  /**
   * Writes the batch's own fields — status, maxConcurrency (and compute), startedAt, finishedAt, cancelledAt, updatedAt,
   * cost.estimatedUsd (with cost.actualUsd and cost.basis) — if its version is still `expected.version`; the version
   * becomes expected.version + 1. What claims and finishing items move concurrently (cursor, counts, the token totals,
   * meteredItems, meteredUsd, errors) is left as stored, except with `{ round: true }` (a retry round, or the batch's
   * final status): then round, cursor, roundSize, retryIndices, counts, cost, meteredItems, meteredUsd and errors are
   * written too, on the condition that no item is running and the cursor is still expected.cursor. The batch as
   * stored after, or 'stale'.
   */
  update(batch: Batch, expected: Batch, options?: { round?: boolean }): Promise<Batch | 'stale'>;
  /**
   * Takes a slot for the item at the cursor, in one conditional update of the batch record: cursor + 1, running + 1,
   * pending - 1, starting[token] = the position the cursor was at and startingSince[token] = now — if the batch is
   * queued or running, its cursor inside the round, running < maxConcurrency and `token` not in starting. Concurrent
   * takers never collide: each gets its own position. When `token` is already there (a repeated delivery of its
   * taker), the position it took and the batch as stored; 'refused' (with the batch as stored, undefined when gone)
   * when the batch is full, stopped, ended or at the end of its round. Does not bump the version.
   */
  takeSlot(ref: BatchRef, token: string, now: string): Promise<TakenSlot | { refused: true; batch: Batch | undefined }>;
  /**
   * Starts the item a slot was taken for, in one transaction: the token removed from starting and startingSince (if
   * it is there), the item → running with this attempt and run id (if pending), the run record written queued
   * (absent before), the tenant's monthly usage + 1 when `quota` is given. 'started'; 'over_budget' when the quota is
   * spent (nothing written: skipItem next); 'done' when the token is gone (another process started or skipped it).
   * Throws when the token is there but its item is not pending: the record and its items disagree.
   */
  startItem(ref: BatchRef, token: string, item: BatchItem, run: Run, quota?: QuotaReservation): Promise<StartOutcome>;
  /**
   * Passes over the item a slot was taken for (over budget), in one transaction: the token removed, running - 1,
   * skipped + 1, the item → skipped. 'done' when the token is gone.
   */
  skipItem(ref: BatchRef, token: string, item: BatchItem): Promise<'skipped' | 'done'>;
  /**
   * The item whose current run is `runId` ends, in one transaction: the item running → outcome.status; the batch's
   * running - 1, that status's count + 1 (timed_out: timedOut), cost.tokensIn/tokensOut + the usage's input/output
   * tokens, meteredItems + 1 and meteredUsd + usd when usd is not null, errors.byKind[error.kind] + 1 when there is an
   * error. 'already_final' when the item is not running that run (a repeated delivery) or the batch is gone: nothing
   * changes. Then errors.sample gets { itemIndex, kind, message (at most 500 characters) } while it holds fewer than
   * ERROR_SAMPLE_SIZE — a write of its own, after the transaction, so a crash between them loses that sample entry
   * only. Returns the batch as it is after (strongly consistent). Does not bump the version.
   */
  finishItem(ref: BatchRef & { index: number; runId: string }, outcome: ItemOutcome): Promise<Batch | 'already_final'>;
  /**
   * Stops a batch early (cancel, too many failures): every item still pending is counted cancelled (cancelled +
   * pending, pending 0, whatever they are when it is written), with the status, cancelledAt and finishedAt given in
   * `batch`, if the version is still expected.version and the status expected.status; bumps the version. The batch as
   * written, or 'stale'.
   */
  stop(batch: Batch, expected: Batch): Promise<Batch | 'stale'>;
  getItem(tenantId: string, batchId: string, index: number): Promise<BatchItem | undefined>;
  /**
   * In index order; `after` resumes strictly after that index; `status` filters (and may return short pages, even
   * empty ones with a nextAfter).
   */
  listItems(
    tenantId: string,
    batchId: string,
    options: { limit: number; after?: number | undefined; status?: BatchItemStatus | undefined },
  ): Promise<BatchItemPage>;
  /**
   * Sets the given items back to pending with `attempt` and no run (a retry round, before the batch record's update).
   * Throws when one of them is not stored or is running (the others may have been reset: repeating it is harmless).
   */
  resetItems(tenantId: string, batchId: string, indices: number[], attempt: number): Promise<void>;
}

/** Counts as a record of numbers, for adapters that add to them field by field. */
export const COUNT_FIELDS: readonly (keyof BatchCounts)[] = ['total', 'pending', 'running', 'succeeded', 'failed', 'timedOut', 'cancelled', 'skipped'];
