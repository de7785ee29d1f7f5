// The items a batch store writes: the batch record, in its tenant's partition, and its items, in a partition of their
// own (one per batch) sorted by index. The record keeps counts, cost and errors as nested maps, so that claims and
// finishing items move one field of them (`counts.running`) without reading the record first.
import type { Batch, BatchCost, BatchCounts, BatchItem, BatchItemInput } from '../../../domain/batch.ts';
import { BATCH_ITEM_SK_PREFIX, BATCH_SK_PREFIX, batchItemSk, batchItemsPk, batchSk, tenantPk } from '../../../table.ts';
import { ENTITY, attributeNames, withoutKeys, type ItemKeys, type StoredItem, type TableKey } from './attributes.ts';

// ---- batch record ----

export type BatchRecordItem = Batch & ItemKeys<typeof ENTITY.batch>;

/**
 * Names batch attributes in one request's expressions, top-level and nested alike: `${name('counts')}.${name('running')}`
 * is the document path counts.running.
 */
export const batchAttributes = attributeNames<BatchRecordItem & BatchCounts & BatchCost & Batch['errors']>;

export function batchKey(tenantId: string, batchId: string): TableKey {
  return { pk: tenantPk(tenantId), sk: batchSk(batchId) };
}

export function batchItem(batch: Batch): BatchRecordItem {
  return { ...batch, ...batchKey(batch.tenantId, batch.id), entity: ENTITY.batch };
}

export function batchFromItem(item: StoredItem): Batch {
  const batch = withoutKeys<Batch>(item);
  return { ...batch, starting: batch.starting ?? {}, startingSince: batch.startingSince ?? {} };
}

/** Where the tenant's batch records begin in its partition (a Query's begins_with). */
export const BATCH_RECORD_PREFIX = BATCH_SK_PREFIX;

/** The batch id a list position (a record's key, e.g. a LastEvaluatedKey) names. */
export function batchIdOfKey(key: StoredItem): string {
  return String(key.sk).slice(BATCH_SK_PREFIX.length);
}

// ---- batch item ----

/**
 * A stored item: the input kept as its JSON text (so any JSON value comes back as it went in, whatever DynamoDB's
 * number range and empty-value rules), and the batch's expiresAt so the items go with it.
 */
export type BatchItemRecord = Omit<BatchItem, 'input'> & ItemKeys<typeof ENTITY.batchItem> & { input: string; expiresAt: number };

export const batchItemAttributes = attributeNames<BatchItemRecord>;

export function batchItemKey(tenantId: string, batchId: string, index: number): TableKey {
  return { pk: batchItemsPk(tenantId, batchId), sk: batchItemSk(index) };
}

/** The partition holding every item of one batch. */
export function batchItemsPartition(tenantId: string, batchId: string): string {
  return batchItemsPk(tenantId, batchId);
}

export const BATCH_ITEM_PREFIX = BATCH_ITEM_SK_PREFIX;

/** A new item at `index`: pending, attempt 1, no run yet. */
export function newBatchItem(batch: Pick<Batch, 'tenantId' | 'id' | 'expiresAt'>, index: number, input: BatchItemInput): BatchItemRecord {
  return {
    ...batchItemKey(batch.tenantId, batch.id, index),
    entity: ENTITY.batchItem,
    tenantId: batch.tenantId,
    batchId: batch.id,
    index,
    input: JSON.stringify(input),
    status: 'pending',
    attempt: 1,
    runId: null,
    expiresAt: batch.expiresAt,
  };
}

export function batchItemFromItem(item: StoredItem): BatchItem {
  const stored = item as unknown as BatchItemRecord;
  return {
    tenantId: stored.tenantId,
    batchId: stored.batchId,
    index: Number(stored.index),
    input: JSON.parse(stored.input) as BatchItemInput,
    status: stored.status,
    attempt: Number(stored.attempt),
    runId: stored.runId ?? null,
  };
}

/** The item index a list position (an item's key, e.g. a LastEvaluatedKey) names. */
export function batchItemIndexOfKey(key: StoredItem): number {
  return Number(String(key.sk).slice(BATCH_ITEM_SK_PREFIX.length));
}
