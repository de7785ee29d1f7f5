// An in-memory BatchStore with DynamoBatchStore's contract: every method checks all its conditions before it writes
// anything, with no await in between, as DynamoDB's conditional writes and transactions do. Started runs are written
// into the InMemoryRunStore passed in, with its monthly usage, as startItem's transaction does.
import {
  type Batch,
  type BatchCounts,
  type BatchErrorSample,
  type BatchItem,
  type BatchItemInput,
  type BatchItemStatus,
  type BatchStatus,
  ERROR_SAMPLE_SIZE,
} from '#shared/domain/batch.ts';
import type { Run } from '#shared/domain/run.ts';
import type { BatchItemPage, BatchPage, BatchRef, BatchStore, ItemOutcome, StartOutcome, TakenSlot } from '#shared/ports/batch-store.ts';
import type { QuotaReservation } from '#shared/ports/run-store.ts';
import type { IdempotencyRecord } from '#shared/ports/schedule-store.ts';
import type { InMemoryRunStore } from './in-memory-runs.ts';

const clone = <T>(value: T): T => structuredClone(value);

const COUNT_OF: Record<ItemOutcome['status'], keyof BatchCounts> = {
  succeeded: 'succeeded',
  failed: 'failed',
  timed_out: 'timedOut',
  cancelled: 'cancelled',
  skipped: 'skipped',
};

export class InMemoryBatchStore implements BatchStore {
  /** Batch records by `${tenantId}/${batchId}`. */
  readonly batches = new Map<string, Batch>();
  /** Each batch's items by index, under the same key. */
  readonly items = new Map<string, Map<number, BatchItem>>();

  constructor(private readonly runs: InMemoryRunStore) {}

  private key(tenantId: string, batchId: string): string {
    return `${tenantId}/${batchId}`;
  }

  private itemsOf(tenantId: string, batchId: string): Map<number, BatchItem> {
    const key = this.key(tenantId, batchId);
    let items = this.items.get(key);
    if (!items) {
      items = new Map();
      this.items.set(key, items);
    }
    return items;
  }

  private writeItems(batch: Batch, first: number, inputs: BatchItemInput[]): void {
    const items = this.itemsOf(batch.tenantId, batch.id);
    inputs.forEach((input, offset) => {
      const index = first + offset;
      items.set(index, { tenantId: batch.tenantId, batchId: batch.id, index, input: clone(input), status: 'pending', attempt: 1, runId: null });
    });
  }

  /** Idempotency records by `${tenantId}/${userId}/${key}`. */
  readonly keys = new Map<string, IdempotencyRecord>();

  async holdKey(owner: { tenantId: string; userId: string }, record: IdempotencyRecord): Promise<IdempotencyRecord> {
    const key = `${owner.tenantId}/${owner.userId}/${record.key}`;
    const held = this.keys.get(key);
    if (held) return clone(held);
    this.keys.set(key, clone(record));
    return clone(record);
  }

  async create(batch: Batch, items: BatchItemInput[]): Promise<'created' | 'duplicate'> {
    const key = this.key(batch.tenantId, batch.id);
    if (this.batches.has(key)) return 'duplicate';
    this.writeItems(batch, 0, items);
    this.batches.set(key, clone(batch));
    return 'created';
  }

  async append(batch: Batch, items: BatchItemInput[], now: string): Promise<Batch | 'stale'> {
    if (batch.status !== 'draft') return 'stale';
    const key = this.key(batch.tenantId, batch.id);
    // As DynamoBatchStore: the items are written first, then the record if it is still this draft.
    this.writeItems(batch, batch.counts.total, items);
    const stored = this.batches.get(key);
    if (stored?.status !== 'draft' || stored.version !== batch.version) {
      if (stored?.status !== 'draft') {
        const written = this.itemsOf(batch.tenantId, batch.id);
        for (let index = batch.counts.total; index < batch.counts.total + items.length; index += 1) {
          if (index >= (stored?.counts.total ?? 0)) written.delete(index);
        }
      }
      return 'stale';
    }
    const n = items.length;
    const next: Batch = {
      ...stored,
      counts: { ...stored.counts, total: stored.counts.total + n, pending: stored.counts.pending + n },
      roundSize: stored.roundSize + n,
      updatedAt: now,
      version: batch.version + 1,
    };
    this.batches.set(key, next);
    return clone(next);
  }

  async get(tenantId: string, batchId: string): Promise<Batch | undefined> {
    const batch = this.batches.get(this.key(tenantId, batchId));
    return batch && clone(batch);
  }

  async list(
    tenantId: string,
    options: { limit: number; after?: string | undefined; status?: BatchStatus | undefined; scheduleId?: string | undefined },
  ): Promise<BatchPage> {
    const matching = [...this.batches.values()]
      .filter((batch) => batch.tenantId === tenantId)
      .filter((batch) => options.after === undefined || batch.id < options.after)
      .filter((batch) => options.status === undefined || batch.status === options.status)
      .filter((batch) => options.scheduleId === undefined || batch.scheduleId === options.scheduleId)
      .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    const items = matching.slice(0, options.limit).map(clone);
    return { items, nextAfter: matching.length > options.limit && items.length > 0 ? items[items.length - 1]!.id : undefined };
  }

  async update(batch: Batch, expected: Batch, options: { round?: boolean } = {}): Promise<Batch | 'stale'> {
    const key = this.key(batch.tenantId, batch.id);
    const stored = this.batches.get(key);
    if (!stored || stored.version !== expected.version) return 'stale';
    if (options.round && (stored.counts.running !== 0 || stored.cursor !== expected.cursor)) return 'stale';
    const own = {
      status: batch.status,
      maxConcurrency: batch.maxConcurrency,
      compute: clone(batch.compute),
      startedAt: batch.startedAt,
      finishedAt: batch.finishedAt,
      cancelledAt: batch.cancelledAt,
      updatedAt: batch.updatedAt,
      version: expected.version + 1,
    };
    const next: Batch = options.round
      ? {
          ...stored,
          ...own,
          round: batch.round,
          cursor: batch.cursor,
          roundSize: batch.roundSize,
          retryIndices: clone(batch.retryIndices),
          counts: clone(batch.counts),
          cost: clone(batch.cost),
          errors: clone(batch.errors),
          meteredItems: batch.meteredItems,
          meteredUsd: batch.meteredUsd,
        }
      : { ...stored, ...own, cost: { ...stored.cost, estimatedUsd: batch.cost.estimatedUsd, actualUsd: batch.cost.actualUsd, basis: batch.cost.basis } };
    this.batches.set(key, next);
    return clone(next);
  }

  async takeSlot(ref: BatchRef, token: string, now: string): Promise<TakenSlot | { refused: true; batch: Batch | undefined }> {
    const key = this.key(ref.tenantId, ref.batchId);
    const stored = this.batches.get(key);
    if (stored && stored.starting[token] !== undefined) return { position: stored.starting[token]!, batch: clone(stored) };
    const active = stored && (stored.status === 'queued' || stored.status === 'running');
    if (!stored || !active || stored.cursor >= stored.roundSize || stored.counts.running >= stored.maxConcurrency)
      return { refused: true, batch: stored && clone(stored) };
    const next: Batch = {
      ...stored,
      cursor: stored.cursor + 1,
      counts: { ...stored.counts, running: stored.counts.running + 1, pending: stored.counts.pending - 1 },
      starting: { ...stored.starting, [token]: stored.cursor },
      startingSince: { ...stored.startingSince, [token]: now },
    };
    this.batches.set(key, next);
    return { position: stored.cursor, batch: clone(next) };
  }

  private withoutToken(stored: Batch, token: string): Batch {
    const { [token]: _position, ...starting } = stored.starting;
    const { [token]: _since, ...startingSince } = stored.startingSince;
    return { ...stored, starting, startingSince };
  }

  async startItem(ref: BatchRef, token: string, item: BatchItem, run: Run, quota?: QuotaReservation): Promise<StartOutcome> {
    const key = this.key(ref.tenantId, ref.batchId);
    const stored = this.batches.get(key);
    const storedItem = this.items.get(key)?.get(item.index);
    // As InMemoryRunStore keys its runs and monthly usage.
    const runKey = `${run.tenantId}/${run.scheduleId ?? '_api'}/${run.id}`;
    const usageKey = quota && `${ref.tenantId}/${quota.month}`;
    if (!stored || stored.starting[token] === undefined) return 'done';
    if (storedItem?.status !== 'pending' || this.runs.items.has(runKey))
      throw new Error(`Batch ${ref.batchId} took a slot for item ${item.index}, but the item is not pending or its run ${run.id} exists.`);
    if (quota && usageKey && !((this.runs.usageByMonth.get(usageKey) ?? 0) < quota.limit)) return 'over_budget';
    this.batches.set(key, this.withoutToken(stored, token));
    this.items.get(key)!.set(item.index, { ...storedItem, status: 'running', attempt: item.attempt, runId: run.id });
    this.runs.items.set(runKey, clone(run));
    if (usageKey) this.runs.usageByMonth.set(usageKey, (this.runs.usageByMonth.get(usageKey) ?? 0) + 1);
    return 'started';
  }

  async skipItem(ref: BatchRef, token: string, item: BatchItem): Promise<'skipped' | 'done'> {
    const key = this.key(ref.tenantId, ref.batchId);
    const stored = this.batches.get(key);
    const storedItem = this.items.get(key)?.get(item.index);
    if (!stored || stored.starting[token] === undefined) return 'done';
    if (storedItem?.status !== 'pending') throw new Error(`Batch ${ref.batchId} took a slot for item ${item.index}, but the item is not pending.`);
    const released = this.withoutToken(stored, token);
    this.batches.set(key, { ...released, counts: { ...stored.counts, running: stored.counts.running - 1, skipped: stored.counts.skipped + 1 } });
    this.items.get(key)!.set(item.index, { ...storedItem, status: 'skipped' });
    return 'skipped';
  }

  async finishItem(ref: BatchRef & { index: number; runId: string }, outcome: ItemOutcome): Promise<Batch | 'already_final'> {
    const key = this.key(ref.tenantId, ref.batchId);
    const stored = this.batches.get(key);
    const storedItem = this.items.get(key)?.get(ref.index);
    if (!stored || storedItem?.status !== 'running' || storedItem.runId !== ref.runId) return 'already_final';
    const field = COUNT_OF[outcome.status];
    const counts = { ...stored.counts, running: stored.counts.running - 1 };
    counts[field] += 1;
    const metered = outcome.usd !== null;
    const errors = clone(stored.errors);
    if (outcome.error) {
      errors.byKind[outcome.error.kind] = (errors.byKind[outcome.error.kind] ?? 0) + 1;
      if (errors.sample.length < ERROR_SAMPLE_SIZE) {
        errors.sample.push({ itemIndex: ref.index, kind: outcome.error.kind as BatchErrorSample['kind'], message: outcome.error.message.slice(0, 500) });
      }
    }
    const next: Batch = {
      ...stored,
      counts,
      cost: {
        ...stored.cost,
        tokensIn: stored.cost.tokensIn + (outcome.usage?.inputTokens ?? 0),
        tokensOut: stored.cost.tokensOut + (outcome.usage?.outputTokens ?? 0),
      },
      meteredItems: stored.meteredItems + (metered ? 1 : 0),
      meteredUsd: stored.meteredUsd + (metered ? outcome.usd! : 0),
      errors,
    };
    this.items.get(key)!.set(ref.index, { ...storedItem, status: outcome.status });
    this.batches.set(key, next);
    return clone(next);
  }

  async stop(batch: Batch, expected: Batch): Promise<Batch | 'stale'> {
    const key = this.key(batch.tenantId, batch.id);
    const stored = this.batches.get(key);
    if (!stored || stored.version !== expected.version || stored.status !== expected.status) return 'stale';
    const next: Batch = {
      ...stored,
      status: batch.status,
      cancelledAt: batch.cancelledAt,
      finishedAt: batch.finishedAt,
      updatedAt: batch.updatedAt,
      counts: { ...stored.counts, cancelled: stored.counts.cancelled + stored.counts.pending, pending: 0 },
      version: expected.version + 1,
    };
    this.batches.set(key, next);
    return clone(next);
  }

  async getItem(tenantId: string, batchId: string, index: number): Promise<BatchItem | undefined> {
    const item = this.items.get(this.key(tenantId, batchId))?.get(index);
    return item && clone(item);
  }

  async listItems(
    tenantId: string,
    batchId: string,
    options: { limit: number; after?: number | undefined; status?: BatchItemStatus | undefined },
  ): Promise<BatchItemPage> {
    const matching = [...(this.items.get(this.key(tenantId, batchId))?.values() ?? [])]
      .filter((item) => options.after === undefined || item.index > options.after)
      .filter((item) => options.status === undefined || item.status === options.status)
      .sort((a, b) => a.index - b.index);
    const items = matching.slice(0, options.limit).map(clone);
    return { items, nextAfter: matching.length > options.limit && items.length > 0 ? items[items.length - 1]!.index : undefined };
  }

  async resetItems(tenantId: string, batchId: string, indices: number[], attempt: number): Promise<void> {
    const items = this.items.get(this.key(tenantId, batchId));
    for (const index of indices) {
      const item = items?.get(index);
      if (!item || item.status === 'running') throw new Error(`Batch ${batchId} has no item ${index}, or it is running; it was not reset.`);
      items!.set(index, { ...item, status: 'pending', attempt, runId: null });
    }
  }
}
