// The batch store's item partition and its paging: writing thousands of items in parallel BatchWriteItem requests,
// reading and resetting items, and Query paging shared by the batch list and the item list.
import { BatchWriteCommand, GetCommand, QueryCommand, UpdateCommand, type BatchWriteCommandInput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BatchCounts, BatchItem, BatchItemStatus, BatchStatus } from '../../domain/batch.ts';
import { StorageUnavailableError } from '../../domain/errors.ts';
import type { BatchItemPage, BatchPage, ItemOutcome } from '../../ports/batch-store.ts';
import { tenantPk } from '../../table.ts';
import { cancellationCodes, isConditionFailure } from './client.ts';
import type { StoredItem } from './items/attributes.ts';
import {
  BATCH_ITEM_PREFIX,
  BATCH_RECORD_PREFIX,
  batchAttributes,
  batchFromItem,
  batchIdOfKey,
  batchKey,
  batchItemAttributes,
  batchItemFromItem,
  batchItemIndexOfKey,
  batchItemKey,
  batchItemsPartition,
} from './items/batch.ts';

/** BatchWriteItem's limit. */
export const WRITE_CHUNK = 25;
/** BatchWriteItem requests in flight at once while items are written (10,000 items: 400 requests). */
const WRITE_PARALLELISM = 8;
/** Times a chunk's UnprocessedItems are sent again (with backoff) before the write gives up. */
const UNPROCESSED_RETRIES = 8;
/** UpdateItem requests in flight at once while items are reset. */
const RESET_PARALLELISM = 16;
/** At most this many Query requests per list or listItems call. */
const MAX_LIST_QUERIES = 10;

export type WriteRequests = NonNullable<BatchWriteCommandInput['RequestItems']>[string];

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const backoff = (attempt: number) => Math.min(2_000, 25 * 2 ** attempt) * (0.5 + Math.random() / 2);

/** Runs `work` over `values` with at most `limit` at once; the first failure rejects (after the running ones settle). */
export async function inParallel<T>(values: readonly T[], limit: number, work: (value: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < values.length) await work(values[next++]!);
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, values.length) }, worker));
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) throw failed.reason;
}

/** 25 requests per BatchWriteItem, WRITE_PARALLELISM at once; unprocessed ones are sent again with backoff. */
export async function batchWrite(client: DynamoDBDocumentClient, tableName: string, all: WriteRequests): Promise<void> {
  const chunks: WriteRequests[] = [];
  for (let start = 0; start < all.length; start += WRITE_CHUNK) chunks.push(all.slice(start, start + WRITE_CHUNK));
  await inParallel(chunks, WRITE_PARALLELISM, async (chunk) => {
    let requests = chunk;
    for (let attempt = 0; requests.length > 0; attempt += 1) {
      if (attempt > UNPROCESSED_RETRIES) {
        throw new StorageUnavailableError('DynamoDB kept some batch items unprocessed; the batch was not written. Try again.');
      }
      if (attempt > 0) await sleep(backoff(attempt));
      const result = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = result.UnprocessedItems?.[tableName] ?? [];
    }
  });
}

/**
 * Query pages until more than `limit` items matched, the partition ends, or MAX_LIST_QUERIES were sent. `resumeAt`
 * is the key to resume strictly after (the last item returned, or the last one read when a filter dropped the rest).
 */
export async function queryPages(
  client: DynamoDBDocumentClient,
  tableName: string,
  query: {
    keyCondition: string;
    filter: string | undefined;
    names: Record<string, string>;
    values: Record<string, unknown>;
    newestFirst: boolean;
    startKey: StoredItem | undefined;
    limit: number;
  },
): Promise<{ items: StoredItem[]; resumeAt: StoredItem | undefined }> {
  const items: StoredItem[] = [];
  let startKey = query.startKey;
  for (let request = 0; request < MAX_LIST_QUERIES && items.length <= query.limit; request += 1) {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: query.keyCondition,
        ...(query.filter ? { FilterExpression: query.filter } : {}),
        ExpressionAttributeNames: query.names,
        ExpressionAttributeValues: query.values,
        ScanIndexForward: !query.newestFirst,
        Limit: query.filter ? Math.max(50, query.limit + 1) : query.limit + 1 - items.length,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
    if (!startKey) break;
  }
  if (items.length > query.limit) return { items: items.slice(0, query.limit), resumeAt: items[query.limit - 1] };
  return { items, resumeAt: startKey };
}

export async function getBatchItem(
  client: DynamoDBDocumentClient,
  tableName: string,
  tenantId: string,
  batchId: string,
  index: number,
): Promise<BatchItem | undefined> {
  const result = await client.send(new GetCommand({ TableName: tableName, Key: batchItemKey(tenantId, batchId, index), ConsistentRead: true }));
  return result.Item ? batchItemFromItem(result.Item) : undefined;
}

export async function listBatchItems(
  client: DynamoDBDocumentClient,
  tableName: string,
  tenantId: string,
  batchId: string,
  options: { limit: number; after?: number | undefined; status?: BatchItemStatus | undefined },
): Promise<BatchItemPage> {
  const name = batchItemAttributes();
  const values: Record<string, unknown> = { ':pk': batchItemsPartition(tenantId, batchId), ':prefix': BATCH_ITEM_PREFIX };
  if (options.status !== undefined) values[':status'] = options.status;
  const page = await queryPages(client, tableName, {
    keyCondition: `${name('pk')} = :pk AND begins_with(${name('sk')}, :prefix)`,
    filter: options.status === undefined ? undefined : `${name('status')} = :status`,
    names: name.names,
    values,
    newestFirst: false,
    startKey: options.after === undefined ? undefined : batchItemKey(tenantId, batchId, options.after),
    limit: options.limit,
  });
  return { items: page.items.map(batchItemFromItem), nextAfter: page.resumeAt && batchItemIndexOfKey(page.resumeAt) };
}

export async function resetBatchItems(
  client: DynamoDBDocumentClient,
  tableName: string,
  ref: { tenantId: string; batchId: string },
  indices: number[],
  attempt: number,
): Promise<void> {
  const { tenantId, batchId } = ref;
  await inParallel(indices, RESET_PARALLELISM, async (index) => {
    const name = batchItemAttributes();
    try {
      await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: batchItemKey(tenantId, batchId, index),
          UpdateExpression: `SET ${name('status')} = :pending, ${name('attempt')} = :attempt, ${name('runId')} = :null`,
          // Never a running item (its run would end into an item that no longer waits for it), nor one never stored.
          ConditionExpression: `attribute_exists(${name('pk')}) AND ${name('status')} <> :running`,
          ExpressionAttributeNames: name.names,
          ExpressionAttributeValues: { ':pending': 'pending', ':attempt': attempt, ':null': null, ':running': 'running' },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new Error(`Batch ${batchId} has no item ${index}, or it is running; it was not reset.`, { cause: error });
      throw error;
    }
  });
}

/** The tenant's batch records, newest first (BatchStore.list). */
export async function listBatches(
  client: DynamoDBDocumentClient,
  tableName: string,
  tenantId: string,
  options: { limit: number; after?: string | undefined; status?: BatchStatus | undefined; scheduleId?: string | undefined },
): Promise<BatchPage> {
  const name = batchAttributes();
  const filters: string[] = [];
  const values: Record<string, unknown> = { ':pk': tenantPk(tenantId), ':prefix': BATCH_RECORD_PREFIX };
  if (options.status !== undefined) {
    filters.push(`${name('status')} = :status`);
    values[':status'] = options.status;
  }
  if (options.scheduleId !== undefined) {
    filters.push(`${name('scheduleId')} = :scheduleId`);
    values[':scheduleId'] = options.scheduleId;
  }
  const page = await queryPages(client, tableName, {
    keyCondition: `${name('pk')} = :pk AND begins_with(${name('sk')}, :prefix)`,
    filter: filters.length > 0 ? filters.join(' AND ') : undefined,
    names: name.names,
    values,
    newestFirst: true,
    startKey: options.after === undefined ? undefined : batchKey(tenantId, options.after),
    limit: options.limit,
  });
  const items = page.items.map(batchFromItem);
  return { items, nextAfter: page.resumeAt && batchIdOfKey(page.resumeAt) };
}

/** The count an item's final status adds to. */
export const COUNT_OF: Record<ItemOutcome['status'], keyof BatchCounts> = {
  succeeded: 'succeeded',
  failed: 'failed',
  timed_out: 'timedOut',
  cancelled: 'cancelled',
  skipped: 'skipped',
};

/** Per transaction item, why it failed: the cancellation reasons, or (when an engine omits them) the message's list. */
export function reasonsOf(error: unknown): (string | undefined)[] {
  const codes = cancellationCodes(error);
  if (codes.length > 0 || !(error instanceof Error)) return codes;
  const listed = /\[([^\]]*)\]/.exec(error.message);
  return listed ? listed[1]!.split(',').map((code) => code.trim()) : [];
}
