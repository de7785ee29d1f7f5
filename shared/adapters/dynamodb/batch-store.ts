// Batches in DynamoDB: the batch record holds the counts and the cursor. A slot is taken by one conditional update of
// the record (no two takers collide: each gets the next position), and every item start or end is one transaction over
// the record and the item (and the item's run), so maxConcurrency and the counts hold however many runners take
// slots and finish at once.
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type Batch,
  type BatchCounts,
  type BatchItem,
  type BatchItemInput,
  type BatchItemStatus,
  type BatchStatus,
  ERROR_SAMPLE_SIZE,
} from '../../domain/batch.ts';
import type { Run } from '../../domain/run.ts';
import type { BatchItemPage, BatchPage, BatchRef, BatchStore, ItemOutcome, StartOutcome, TakenSlot } from '../../ports/batch-store.ts';
import type { QuotaReservation } from '../../ports/run-store.ts';
import type { IdempotencyRecord } from '../../ports/schedule-store.ts';
import { moveItem, releaseSlot } from './batch-writes.ts';
import { usageReservation } from './run-usage.ts';
import { idempotencyFromItem, idempotencyKey, idempotencyPut } from './items/schedule.ts';
import { isConditionFailure, isTransactionConflict, transactWrite } from './client.ts';
import type { StoredItem, TransactItem } from './items/attributes.ts';
import { batchAttributes, batchFromItem, batchItem, batchItemAttributes, batchItemKey, batchKey, newBatchItem, type BatchItemRecord } from './items/batch.ts';
import { runAttributes, runItem, usageKey, usageRunsOf } from './items/run.ts';
import { COUNT_OF, reasonsOf, backoff, batchWrite, listBatches, getBatchItem, listBatchItems, resetBatchItems, sleep } from './batch-items.ts';

/** Rounds of transactWrite (each already retries conflicts 4 times) before finishItem gives up on a busy batch. */
const FINISH_ROUNDS = 4;

const FAILED = 'ConditionalCheckFailed';

/**
 * Request costs:
 *   create: 1 GetItem (consistent; an existing batch is left alone), ⌈items / 25⌉ BatchWriteItem (8 at once, plus
 *     retries of unprocessed items), 1 PutItem. append: the BatchWriteItems and 1 UpdateItem.
 *   holdKey: 1 PutItem; when the key is held, 1 GetItem (consistent) more.
 *   get, getItem: 1 GetItem (consistent). update, stop: 1 UpdateItem (returning the record).
 *   takeSlot: 1 UpdateItem (returning the record); refused, 1 GetItem (consistent) more.
 *   startItem: 1 TransactWriteItems (batch + item + run [+ usage]); when an engine omits the cancellation reasons, 1
 *     GetItem more. skipItem: 1 TransactWriteItems (batch + item).
 *   finishItem: 1 TransactWriteItems (item + batch) and 1 GetItem (consistent); for a failure while errors.sample has
 *     room, 1 UpdateItem more (appending to the sample, returning the record).
 *   list, listItems: 1 Query; more, up to MAX_LIST_QUERIES, when a filter or the 1 MB cap leaves the page short.
 *   resetItems: 1 UpdateItem per item, RESET_PARALLELISM at once.
 * A transaction that only collided with another one is retried up to 4 times by transactWrite (then startItem and
 * skipItem throw: their taker's repeated delivery finishes the slot); finishItem tries FINISH_ROUNDS times.
 */
export class DynamoBatchStore implements BatchStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: { client: DynamoDBDocumentClient; tableName: string }) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  private writeItems(records: BatchItemRecord[]): Promise<void> {
    return batchWrite(
      this.client,
      this.tableName,
      records.map((item) => ({ PutRequest: { Item: item } })),
    );
  }

  async create(batch: Batch, items: BatchItemInput[]): Promise<'created' | 'duplicate'> {
    // A batch already stored may have moved on: rewriting its items would set started ones back to pending.
    if (await this.get(batch.tenantId, batch.id)) return 'duplicate';
    await this.writeItems(items.map((input, index) => newBatchItem(batch, index, input)));
    const name = batchAttributes();
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: batchItem(batch),
          ConditionExpression: `attribute_not_exists(${name('pk')})`,
          ExpressionAttributeNames: name.names,
        }),
      );
      return 'created';
    } catch (error) {
      if (isConditionFailure(error)) return 'duplicate';
      throw error;
    }
  }

  async append(batch: Batch, items: BatchItemInput[], now: string): Promise<Batch | 'stale'> {
    if (batch.status !== 'draft') return 'stale';
    const first = batch.counts.total;
    await this.writeItems(items.map((input, offset) => newBatchItem(batch, first + offset, input)));
    const name = batchAttributes();
    const counts = name('counts');
    const written = await this.updateReturning({
      Key: batchKey(batch.tenantId, batch.id),
      UpdateExpression:
        `SET ${counts}.${name('total')} = ${counts}.${name('total')} + :n, ${counts}.${name('pending')} = ${counts}.${name('pending')} + :n,` +
        ` ${name('roundSize')} = ${name('roundSize')} + :n, ${name('updatedAt')} = :now, ${name('version')} = :next`,
      ConditionExpression: `${name('status')} = :draft AND ${name('version')} = :version`,
      ExpressionAttributeNames: name.names,
      ExpressionAttributeValues: { ':n': items.length, ':now': now, ':next': batch.version + 1, ':draft': 'draft', ':version': batch.version },
    });
    if (written === 'stale') await this.dropUnclaimed(batch, first, items.length);
    return written;
  }

  /**
   * After a stale append: once the batch is no longer a draft, no append will ever count the items it wrote past the
   * total, so they are deleted (while it is a draft, another append may have written there since, and they stay).
   */
  private async dropUnclaimed(batch: Batch, first: number, count: number): Promise<void> {
    const stored = await this.get(batch.tenantId, batch.id);
    if (stored?.status === 'draft') return;
    const from = Math.max(first, stored?.counts.total ?? 0);
    const keys = Array.from({ length: first + count - from }, (_, offset) => batchItemKey(batch.tenantId, batch.id, from + offset));
    await batchWrite(
      this.client,
      this.tableName,
      keys.map((key) => ({ DeleteRequest: { Key: key } })),
    );
  }

  async holdKey(owner: { tenantId: string; userId: string }, record: IdempotencyRecord): Promise<IdempotencyRecord> {
    const now = Math.floor(Date.now() / 1000);
    try {
      await this.client.send(new PutCommand(idempotencyPut(this.tableName, owner, record, now).Put!));
      return record;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const key = idempotencyKey(owner.tenantId, owner.userId, record.key);
      const stored = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
      const held = stored.Item && idempotencyFromItem(stored.Item, now);
      if (!held) throw new Error(`Idempotency-Key ${record.key} is held, but its record could not be read; retry.`);
      return held;
    }
  }

  async get(tenantId: string, batchId: string): Promise<Batch | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: batchKey(tenantId, batchId), ConsistentRead: true }));
    return result.Item ? batchFromItem(result.Item) : undefined;
  }

  list(
    tenantId: string,
    options: { limit: number; after?: string | undefined; status?: BatchStatus | undefined; scheduleId?: string | undefined },
  ): Promise<BatchPage> {
    return listBatches(this.client, this.tableName, tenantId, options);
  }

  async update(batch: Batch, expected: Batch, options: { round?: boolean } = {}): Promise<Batch | 'stale'> {
    const name = batchAttributes();
    const set = ['status', 'maxConcurrency', 'compute', 'startedAt', 'finishedAt', 'cancelledAt', 'updatedAt'] as const;
    const values: Record<string, unknown> = { ':next': expected.version + 1, ':expected': expected.version };
    const assignments: string[] = [`${name('version')} = :next`];
    const assign = (field: keyof Batch & string) => {
      assignments.push(`${name(field)} = :${field}`);
      values[`:${field}`] = batch[field];
    };
    for (const field of set) assign(field);
    let condition = `${name('version')} = :expected`;
    if (options.round) {
      for (const field of ['round', 'cursor', 'roundSize', 'retryIndices', 'counts', 'cost', 'errors', 'meteredItems', 'meteredUsd'] as const) assign(field);
      condition += ` AND ${name('counts')}.${name('running')} = :zero AND ${name('cursor')} = :expectedCursor`;
      values[':zero'] = 0;
      values[':expectedCursor'] = expected.cursor;
    } else {
      // The batch's own part of its cost; the token totals are the finishing items'.
      for (const field of ['estimatedUsd', 'actualUsd', 'basis'] as const) {
        assignments.push(`${name('cost')}.${name(field)} = :cost_${field}`);
        values[`:cost_${field}`] = batch.cost[field];
      }
    }
    return this.updateReturning({
      Key: batchKey(batch.tenantId, batch.id),
      UpdateExpression: `SET ${assignments.join(', ')}`,
      ConditionExpression: condition,
      ExpressionAttributeNames: name.names,
      ExpressionAttributeValues: values,
    });
  }

  /** One conditional UpdateItem of a batch record: the record after, or 'stale' when the condition failed. */
  private async updateReturning(request: {
    Key: StoredItem;
    UpdateExpression: string;
    ConditionExpression: string;
    ExpressionAttributeNames: Record<string, string>;
    ExpressionAttributeValues: Record<string, unknown>;
  }): Promise<Batch | 'stale'> {
    try {
      const result = await this.client.send(new UpdateCommand({ TableName: this.tableName, ...request, ReturnValues: 'ALL_NEW' }));
      return batchFromItem(result.Attributes!);
    } catch (error) {
      if (isConditionFailure(error)) return 'stale';
      throw error;
    }
  }

  async takeSlot(ref: BatchRef, token: string, now: string): Promise<TakenSlot | { refused: true; batch: Batch | undefined }> {
    const name = batchAttributes();
    const counts = name('counts');
    const path = (field: keyof BatchCounts) => `${counts}.${name(field)}`;
    const cursor = name('cursor');
    const starting = `${name('starting')}.#token`;
    try {
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: batchKey(ref.tenantId, ref.batchId),
          // Every operand is read as it was before the update: the token records the position the cursor was at.
          UpdateExpression:
            `SET ${starting} = ${cursor}, ${name('startingSince')}.#token = :now, ${cursor} = ${cursor} + :one,` +
            ` ${path('running')} = ${path('running')} + :one, ${path('pending')} = ${path('pending')} - :one`,
          ConditionExpression:
            `${name('status')} IN (:queued, :running) AND ${cursor} < ${name('roundSize')} AND ${path('running')} < ${name('maxConcurrency')}` +
            ` AND attribute_not_exists(${starting})`,
          ExpressionAttributeNames: { ...name.names, '#token': token },
          ExpressionAttributeValues: { ':now': now, ':one': 1, ':queued': 'queued', ':running': 'running' },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const batch = batchFromItem(result.Attributes!);
      return { position: batch.starting[token]!, batch };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const batch = await this.get(ref.tenantId, ref.batchId);
      const position = batch?.starting[token];
      return position === undefined ? { refused: true, batch } : { position, batch: batch! };
    }
  }

  async startItem(ref: BatchRef, token: string, item: BatchItem, run: Run, quota?: QuotaReservation): Promise<StartOutcome> {
    const runName = runAttributes();
    const writes: TransactItem[] = [
      releaseSlot(this.tableName, ref, token, false),
      moveItem(this.tableName, item, 'running', run),
      {
        Put: {
          TableName: this.tableName,
          Item: runItem(run),
          ConditionExpression: `attribute_not_exists(${runName('pk')})`,
          ExpressionAttributeNames: runName.names,
        },
      },
    ];
    if (quota) writes.push(usageReservation(this.tableName, ref.tenantId, quota));
    try {
      await transactWrite(this.client, { TransactItems: writes });
      return 'started';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const codes = reasonsOf(error);
      if (await this.slotReleased(ref, token, codes)) return 'done';
      if (quota && (codes.length > 0 ? codes[3] === FAILED : await this.overBudget(ref.tenantId, quota))) return 'over_budget';
      throw new Error(`Batch ${ref.batchId} took a slot for item ${item.index}, but the item is not pending or its run ${run.id} exists.`);
    }
  }

  /** Whether a refused startItem/skipItem failed on its slot's release (the first write): someone else ended the slot. */
  private async slotReleased(ref: BatchRef, token: string, codes: readonly (string | undefined)[]): Promise<boolean> {
    if (codes.length > 0) return codes[0] === FAILED;
    return (await this.get(ref.tenantId, ref.batchId))?.starting[token] === undefined;
  }

  private async overBudget(tenantId: string, quota: QuotaReservation): Promise<boolean> {
    const usage = await this.client.send(new GetCommand({ TableName: this.tableName, Key: usageKey(tenantId, quota.month), ConsistentRead: true }));
    return usageRunsOf(usage.Item) >= quota.limit;
  }

  async skipItem(ref: BatchRef, token: string, item: BatchItem): Promise<'skipped' | 'done'> {
    try {
      await transactWrite(this.client, { TransactItems: [releaseSlot(this.tableName, ref, token, true), moveItem(this.tableName, item, 'skipped')] });
      return 'skipped';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const codes = reasonsOf(error);
      if (await this.slotReleased(ref, token, codes)) return 'done';
      throw new Error(`Batch ${ref.batchId} took a slot for item ${item.index}, but the item is not pending.`);
    }
  }

  async finishItem(ref: BatchRef & { index: number; runId: string }, outcome: ItemOutcome): Promise<Batch | 'already_final'> {
    const itemName = batchItemAttributes();
    const finishItem: TransactItem = {
      Update: {
        TableName: this.tableName,
        Key: batchItemKey(ref.tenantId, ref.batchId, ref.index),
        UpdateExpression: `SET ${itemName('status')} = :status`,
        ConditionExpression: `${itemName('status')} = :running AND ${itemName('runId')} = :runId`,
        ExpressionAttributeNames: itemName.names,
        ExpressionAttributeValues: { ':status': outcome.status, ':running': 'running', ':runId': ref.runId },
      },
    };
    const name = batchAttributes();
    const add = (path: string, value: string) => `${path} = ${path} + ${value}`;
    const counts = name('counts');
    const cost = name('cost');
    const set = [
      `${counts}.${name('running')} = ${counts}.${name('running')} - :one`,
      add(`${counts}.${name(COUNT_OF[outcome.status])}`, ':one'),
      add(`${cost}.${name('tokensIn')}`, ':tokensIn'),
      add(`${cost}.${name('tokensOut')}`, ':tokensOut'),
    ];
    const values: Record<string, unknown> = {
      ':one': 1,
      ':tokensIn': outcome.usage?.inputTokens ?? 0,
      ':tokensOut': outcome.usage?.outputTokens ?? 0,
    };
    const names: Record<string, string> = {};
    if (outcome.usd !== null) {
      set.push(add(name('meteredItems'), ':one'), add(name('meteredUsd'), ':usd'));
      values[':usd'] = outcome.usd;
    }
    if (outcome.error) {
      // The kind is a map key of errors.byKind, absent until its first error.
      const byKind = `${name('errors')}.${name('byKind')}.#errorKind`;
      set.push(`${byKind} = if_not_exists(${byKind}, :zero) + :one`);
      names['#errorKind'] = outcome.error.kind;
      values[':zero'] = 0;
    }
    const tally: TransactItem = {
      Update: {
        TableName: this.tableName,
        Key: batchKey(ref.tenantId, ref.batchId),
        UpdateExpression: `SET ${set.join(', ')}`,
        ConditionExpression: `attribute_exists(${name('pk')})`,
        ExpressionAttributeNames: { ...name.names, ...names },
        ExpressionAttributeValues: values,
      },
    };
    for (let round = 1; ; round += 1) {
      try {
        await transactWrite(this.client, { TransactItems: [finishItem, tally] });
        break;
      } catch (error) {
        if (isConditionFailure(error)) return 'already_final';
        if (round >= FINISH_ROUNDS || !isTransactionConflict(error)) throw error;
        await sleep(backoff(round + 2));
      }
    }
    const batch = await this.get(ref.tenantId, ref.batchId);
    if (!batch) throw new Error(`Batch ${ref.batchId} is gone after its item ${ref.index} ended.`);
    if (!outcome.error || batch.errors.sample.length >= ERROR_SAMPLE_SIZE) return batch;
    return (await this.appendSample(ref, outcome.error)) ?? batch;
  }

  /** errors.sample + this failure, while it holds fewer than ERROR_SAMPLE_SIZE: the batch after, or undefined when full. */
  private async appendSample(ref: BatchRef & { index: number }, error: { kind: string; message: string }): Promise<Batch | undefined> {
    const name = batchAttributes();
    const sample = `${name('errors')}.${name('sample')}`;
    const written = await this.updateReturning({
      Key: batchKey(ref.tenantId, ref.batchId),
      UpdateExpression: `SET ${sample} = list_append(${sample}, :entry)`,
      ConditionExpression: `size(${sample}) < :size`,
      ExpressionAttributeNames: name.names,
      ExpressionAttributeValues: { ':entry': [{ itemIndex: ref.index, kind: error.kind, message: error.message.slice(0, 500) }], ':size': ERROR_SAMPLE_SIZE },
    });
    return written === 'stale' ? undefined : written;
  }

  async stop(batch: Batch, expected: Batch): Promise<Batch | 'stale'> {
    const name = batchAttributes();
    const counts = name('counts');
    return this.updateReturning({
      Key: batchKey(batch.tenantId, batch.id),
      // Pending as stored when it is written: slots taken meanwhile are running items, the rest are cancelled.
      UpdateExpression:
        `SET ${name('status')} = :status, ${name('cancelledAt')} = :cancelledAt, ${name('finishedAt')} = :finishedAt, ${name('updatedAt')} = :updatedAt,` +
        ` ${counts}.${name('cancelled')} = ${counts}.${name('cancelled')} + ${counts}.${name('pending')}, ${counts}.${name('pending')} = :zero, ${name('version')} = :next`,
      ConditionExpression: `${name('version')} = :version AND ${name('status')} = :expectedStatus`,
      ExpressionAttributeNames: name.names,
      ExpressionAttributeValues: {
        ':status': batch.status,
        ':cancelledAt': batch.cancelledAt,
        ':finishedAt': batch.finishedAt,
        ':updatedAt': batch.updatedAt,
        ':zero': 0,
        ':next': expected.version + 1,
        ':version': expected.version,
        ':expectedStatus': expected.status,
      },
    });
  }

  getItem(tenantId: string, batchId: string, index: number): Promise<BatchItem | undefined> {
    return getBatchItem(this.client, this.tableName, tenantId, batchId, index);
  }

  listItems(
    tenantId: string,
    batchId: string,
    options: { limit: number; after?: number | undefined; status?: BatchItemStatus | undefined },
  ): Promise<BatchItemPage> {
    return listBatchItems(this.client, this.tableName, tenantId, batchId, options);
  }

  resetItems(tenantId: string, batchId: string, indices: number[], attempt: number): Promise<void> {
    return resetBatchItems(this.client, this.tableName, { tenantId, batchId }, indices, attempt);
  }
}
