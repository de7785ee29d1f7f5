// Schedules in DynamoDB: conditional writes on `version`, per-owner counters kept in the same transactions, and a name-sorted list with bounded cost.
import { BatchGetCommand, DeleteCommand, GetCommand, QueryCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AlreadyExistsError, StaleVersionError } from '../../domain/errors.ts';
import { ownerScope } from '../../domain/owner.ts';
import type { Schedule } from '../../domain/schedule.ts';
import type { IdempotencyRecord, ListSchedulesPage, ListSchedulesQuery, ScheduleCounts, ScheduleRef, ScheduleStore } from '../../ports/schedule-store.ts';
import { DUE_INDEX, DUE_SHARDS, schedulesDuePk } from '../../table.ts';
import { cancellationCodes, isConditionFailure, isTransactionConflict, transactWrite } from './client.ts';
import type { StoredItem, TransactItem } from './items/attributes.ts';
import {
  countersUpdate,
  countsFromItem,
  countsKey,
  idempotencyFromItem,
  idempotencyPut,
  idempotencyKey,
  scheduleAttributes,
  scheduleFromItem,
  scheduleItem,
  scheduleKey,
  scheduleRefOf,
} from './items/schedule.ts';
import { MAX_QUERIES_PER_SCOPE, listSchedules } from './schedule-paging.ts';

// Tests and benches import these from here.
export { scheduleItem } from './items/schedule.ts';
export { MAX_QUERIES_PER_SCOPE } from './schedule-paging.ts';

/** BatchGetItem takes at most this many keys per request. */
const BATCH_GET_MAX_KEYS = 100;

export interface DynamoScheduleStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Lower it only to exercise short pages in tests. */
  maxQueriesPerScope?: number | undefined;
}

/**
 * Request costs:
 *   get, findIdempotency: 1 GetItem (strongly consistent).
 *   releaseIdempotency: 1 DeleteItem.
 *   create: 1 TransactWriteItems (schedule + counters [+ idempotency record]).
 *   update: 1 TransactWriteItems (schedule [+ counters]); no read: the caller passes the schedule as read.
 *   delete: 1 TransactWriteItems (schedule + counters).
 *   list: per owner scope 1 to maxQueriesPerScope (default MAX_QUERIES_PER_SCOPE) Query requests on the byOwnerName
 *     index, the scopes in parallel (see schedule-paging.ts).
 *   counts: 1 strongly consistent BatchGetItem per 100 owner scopes (more only if DynamoDB returns unprocessed keys).
 *   listMissed: DUE_SHARDS Query requests on the byDue index, in parallel, keys only.
 * A transaction that only collided with another one is retried up to 4 times by transactWrite.
 */
export class DynamoScheduleStore implements ScheduleStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly maxQueriesPerScope: number;

  constructor(options: DynamoScheduleStoreOptions) {
    this.client = options.client;
    this.tableName = options.tableName;
    this.maxQueriesPerScope = Math.max(1, options.maxQueriesPerScope ?? MAX_QUERIES_PER_SCOPE);
  }

  async get(tenantId: string, id: string): Promise<Schedule | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: scheduleKey(tenantId, id), ConsistentRead: true }));
    return result.Item === undefined ? undefined : scheduleFromItem(result.Item);
  }

  async create(schedule: Schedule, idempotency?: IdempotencyRecord): Promise<void> {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const scheduleName = scheduleAttributes();
    const writes: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: scheduleItem(schedule),
          ConditionExpression: `attribute_not_exists(${scheduleName('pk')})`,
          ExpressionAttributeNames: scheduleName.names,
        },
      },
      this.countersUpdate(schedule.tenantId, ownerScope(schedule), 1, schedule.enabled ? 1 : 0),
    ];
    if (idempotency !== undefined) writes.push(idempotencyPut(this.tableName, schedule, idempotency, nowSeconds));
    try {
      await transactWrite(this.client, { TransactItems: writes });
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const codes = cancellationCodes(error);
      const idTaken = codes[0] === 'ConditionalCheckFailed';
      const keyTaken = codes[2] === 'ConditionalCheckFailed';
      const message =
        idTaken && keyTaken
          ? `Schedule id "${schedule.id}" and idempotency key "${idempotency?.key}" are both taken.`
          : idTaken
            ? `Schedule id "${schedule.id}" is taken.`
            : keyTaken
              ? `Idempotency key "${idempotency?.key}" is taken.`
              : `Schedule id "${schedule.id}" or its idempotency key is taken.`;
      throw new AlreadyExistsError(message, { cause: error });
    }
  }

  async findIdempotency(tenantId: string, userId: string, key: string): Promise<IdempotencyRecord | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: idempotencyKey(tenantId, userId, key), ConsistentRead: true }));
    return result.Item === undefined ? undefined : idempotencyFromItem(result.Item, Date.now() / 1000);
  }

  async releaseIdempotency(tenantId: string, userId: string, key: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: idempotencyKey(tenantId, userId, key) }));
  }

  /** 1 transaction, no read: the version condition makes `current` exactly what is stored, so it alone says whether
   *  `enabled` flips (so whether the counters move); a write that lands after `current` was read fails the condition. */
  async update(next: Schedule, current: Schedule): Promise<void> {
    const name = scheduleAttributes();
    const writes: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: scheduleItem(next),
          ConditionExpression: `${name('version')} = :expected`,
          ExpressionAttributeNames: name.names,
          ExpressionAttributeValues: { ':expected': current.version },
        },
      },
    ];
    const before = ownerScope(current);
    const after = ownerScope(next);
    if (before !== after) {
      // The use cases never move a schedule to another owner; handled anyway so the counters cannot drift.
      writes.push(this.countersUpdate(next.tenantId, before, -1, current.enabled ? -1 : 0));
      writes.push(this.countersUpdate(next.tenantId, after, 1, next.enabled ? 1 : 0));
    } else if (current.enabled !== next.enabled) {
      writes.push(this.countersUpdate(next.tenantId, after, 0, next.enabled ? 1 : -1));
    }
    await this.versionedWrite(writes, next.id);
  }

  async delete(schedule: Schedule): Promise<void> {
    const name = scheduleAttributes();
    await this.versionedWrite(
      [
        {
          Delete: {
            TableName: this.tableName,
            Key: scheduleKey(schedule.tenantId, schedule.id),
            ConditionExpression: `${name('version')} = :expected`,
            ExpressionAttributeNames: name.names,
            ExpressionAttributeValues: { ':expected': schedule.version },
          },
        },
        this.countersUpdate(schedule.tenantId, ownerScope(schedule), -1, schedule.enabled ? -1 : 0),
      ],
      schedule.id,
    );
  }

  async list(query: ListSchedulesQuery): Promise<ListSchedulesPage> {
    return listSchedules({ client: this.client, tableName: this.tableName, maxQueriesPerScope: this.maxQueriesPerScope }, query);
  }

  async counts(tenantId: string, ownerScopes: string[]): Promise<ScheduleCounts> {
    const keys = [...new Set(ownerScopes)].map((scope) => countsKey(tenantId, scope));
    const totals = { total: 0, enabled: 0 };
    for (let start = 0; start < keys.length; start += BATCH_GET_MAX_KEYS) {
      let pending: StoredItem[] | undefined = keys.slice(start, start + BATCH_GET_MAX_KEYS);
      for (let attempt = 0; pending !== undefined && pending.length > 0; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
        const result: BatchGetCommandOutput = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }),
        );
        for (const item of result.Responses?.[this.tableName] ?? []) {
          const counts = countsFromItem(item);
          totals.total += counts.total;
          totals.enabled += counts.enabled;
        }
        pending = result.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return totals;
  }

  /** One Query per due-index shard (each at most `limit` keys, no further pages), keys only: its cost follows the late schedules, not the table. */
  async listMissed(cutoff: string, limit: number): Promise<ScheduleRef[]> {
    const shards = await Promise.all(
      Array.from({ length: DUE_SHARDS }, (_, shard) => {
        const name = scheduleAttributes();
        return this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: DUE_INDEX,
            KeyConditionExpression: `${name('gsi2pk')} = :pk AND ${name('gsi2sk')} < :cutoff`,
            ExpressionAttributeNames: name.names,
            ExpressionAttributeValues: { ':pk': schedulesDuePk(shard), ':cutoff': new Date(cutoff).toISOString() },
            Limit: limit,
          }),
        );
      }),
    );
    return shards
      .flatMap((page) => page.Items ?? [])
      .sort((a, b) => String(a.gsi2sk).localeCompare(String(b.gsi2sk)))
      .slice(0, limit)
      .flatMap((item) => scheduleRefOf(item) ?? []);
  }

  private countersUpdate(tenantId: string, scope: string, total: number, enabled: number): TransactItem {
    return countersUpdate(this.tableName, tenantId, scope, total, enabled);
  }

  /** A transaction guarded by a version condition: a failed condition (or a race that outlasts the retries) is a stale version. */
  private async versionedWrite(writes: TransactItem[], id: string): Promise<void> {
    try {
      await transactWrite(this.client, { TransactItems: writes });
    } catch (error) {
      if (isConditionFailure(error)) throw new StaleVersionError(`Schedule ${id} changed or was deleted since it was read.`, { cause: error });
      if (isTransactionConflict(error)) throw new StaleVersionError(`Schedule ${id} is being changed by another request.`, { cause: error });
      throw error;
    }
  }
}
