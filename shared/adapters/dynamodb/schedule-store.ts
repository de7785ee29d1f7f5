// Schedules in DynamoDB: conditional writes on `version`, per-owner counters kept in the same transactions, and a name-sorted list with bounded cost.
import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  QueryCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { AlreadyExistsError, StaleVersionError } from '../../domain/errors.ts';
import { ownerScope } from '../../domain/owner.ts';
import type { Schedule } from '../../domain/schedule.ts';
import type {
  IdempotencyRecord,
  ListSchedulesPage,
  ListSchedulesQuery,
  ScheduleCounts,
  ScheduleFilters,
  ScheduleStore,
} from '../../ports/schedule-store.ts';
import {
  IDEMPOTENCY_TTL_SECONDS,
  KEY_ATTRIBUTES,
  OWNER_NAME_INDEX,
  TABLE,
  countsSk,
  idempotencySk,
  ownerIndexPk,
  ownerIndexSk,
  scheduleSk,
  tenantPk,
} from '../../table.ts';
import { cancellationCodes, isConditionFailure, isTransactionConflict, transactWrite } from './client.ts';

type Item = Record<string, unknown>;
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Adds to an owner's schedule counters (total, enabled); part of every write that changes them. */
export function countersUpdate(tableName: string, tenantId: string, scope: string, total: number, enabled: number): TransactItem {
  return {
    Update: {
      TableName: tableName,
      Key: { pk: tenantPk(tenantId), sk: countsSk(scope) },
      UpdateExpression: 'SET #entity = :entity ADD #total :total, #enabled :enabled',
      ExpressionAttributeNames: { '#entity': 'entity', '#total': 'total', '#enabled': 'enabled' },
      ExpressionAttributeValues: { ':entity': 'counts', ':total': total, ':enabled': enabled },
    },
  };
}

/** At most this many Query requests per owner scope per list call, whatever the table holds. */
export const MAX_QUERIES_PER_SCOPE = 10;
/** With filters, a Query evaluates at most this many items (DynamoDB also stops at 1 MB). */
const MAX_EVALUATED_PER_QUERY = 1000;
const BATCH_GET_MAX_KEYS = 100;

const FILTER_FIELDS = ['agentId', 'environmentId', 'appId', 'scheduleType', 'enabled'] as const satisfies readonly (keyof ScheduleFilters)[];

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
 *   update: 1 GetItem (to know whether `enabled` flips) + 1 TransactWriteItems (schedule [+ counters]).
 *   delete: 1 TransactWriteItems (schedule + counters).
 *   list: per owner scope 1 to MAX_QUERIES_PER_SCOPE Query requests on the byOwnerName index, run in parallel.
 *   counts: 1 BatchGetItem (more only if DynamoDB returns unprocessed keys).
 * A transaction that only collided with another one is retried a few times by transactWrite.
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
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: tenantPk(tenantId), sk: scheduleSk(id) }, ConsistentRead: true }),
    );
    return result.Item === undefined ? undefined : fromItem(result.Item);
  }

  async create(schedule: Schedule, idempotency?: IdempotencyRecord): Promise<void> {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const writes: TransactItem[] = [
      { Put: { TableName: this.tableName, Item: scheduleItem(schedule), ConditionExpression: 'attribute_not_exists(pk)' } },
      this.countersUpdate(schedule.tenantId, ownerScope(schedule), 1, schedule.enabled ? 1 : 0),
    ];
    if (idempotency !== undefined) {
      writes.push({
        Put: {
          TableName: this.tableName,
          Item: {
            pk: tenantPk(schedule.tenantId),
            sk: idempotencySk(schedule.userId, idempotency.key),
            entity: 'idempotency',
            userId: schedule.userId,
            key: idempotency.key,
            requestHash: idempotency.requestHash,
            scheduleId: idempotency.scheduleId,
            [TABLE.timeToLiveAttribute]: nowSeconds + IDEMPOTENCY_TTL_SECONDS,
          },
          // An expired record may linger until TTL removes it (up to days later); it no longer holds the key.
          ConditionExpression: 'attribute_not_exists(pk) OR #expiresAt < :now',
          ExpressionAttributeNames: { '#expiresAt': TABLE.timeToLiveAttribute },
          ExpressionAttributeValues: { ':now': nowSeconds },
        },
      });
    }
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
    const result = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: tenantPk(tenantId), sk: idempotencySk(userId, key) }, ConsistentRead: true }),
    );
    const item = result.Item;
    if (item === undefined) return undefined;
    const expiresAt = item[TABLE.timeToLiveAttribute];
    if (typeof expiresAt === 'number' && expiresAt < Date.now() / 1000) return undefined;
    return { key: String(item['key']), requestHash: String(item['requestHash']), scheduleId: String(item['scheduleId']) };
  }

  async releaseIdempotency(tenantId: string, userId: string, key: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: tenantPk(tenantId), sk: idempotencySk(userId, key) } }));
  }

  /** Costs 1 consistent GetItem + 1 transaction: the read tells whether `enabled` flips (so whether the counters move);
   *  the transaction's version condition still catches any write that lands between the two. */
  // The version condition makes `current` exactly what is stored, so the counter deltas need no read.
  async update(next: Schedule, current: Schedule): Promise<void> {
    const expectedVersion = current.version;
    const writes: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: scheduleItem(next),
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': expectedVersion },
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
    const expectedVersion = schedule.version;
    await this.versionedWrite(
      [
        {
          Delete: {
            TableName: this.tableName,
            Key: { pk: tenantPk(schedule.tenantId), sk: scheduleSk(schedule.id) },
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
          },
        },
        this.countersUpdate(schedule.tenantId, ownerScope(schedule), -1, schedule.enabled ? -1 : 0),
      ],
      schedule.id,
    );
  }

  /**
   * Each owner scope is a partition of the byOwnerName index, sorted by scheduleSortKey. Every scope is read (in parallel)
   * until it yields limit + 1 matches, ends, or has used its request budget; the results are merged in index order.
   * A scope cut short by the budget is only known up to where it was read, so the page stops there (it may be short,
   * even empty) and nextAfter resumes from that point.
   */
  async list(query: ListSchedulesQuery): Promise<ListSchedulesPage> {
    const limit = Math.max(1, Math.floor(query.limit));
    const scopes = [...new Set(query.ownerScopes)];
    if (scopes.length === 0) return { items: [], nextAfter: undefined };
    const reads = await Promise.all(scopes.map((scope) => this.readScope(query.tenantId, scope, query.filters, limit, query.after)));

    // Everything at or before `known` has been read in every scope.
    let known: string | undefined;
    for (const read of reads) {
      if (read.readUpTo !== undefined && (known === undefined || compareUtf8(read.readUpTo, known) < 0)) known = read.readUpTo;
    }
    const candidates = reads
      .flatMap((read) => read.items)
      .filter((entry) => known === undefined || compareUtf8(entry.sortKey, known) <= 0)
      .sort((a, b) => compareUtf8(a.sortKey, b.sortKey));

    if (candidates.length > limit) {
      const page = candidates.slice(0, limit);
      return { items: page.map((entry) => entry.schedule), nextAfter: page.at(-1)?.sortKey };
    }
    return { items: candidates.map((entry) => entry.schedule), nextAfter: known };
  }

  async counts(tenantId: string, ownerScopes: string[]): Promise<ScheduleCounts> {
    const keys = [...new Set(ownerScopes)].map((scope) => ({ pk: tenantPk(tenantId), sk: countsSk(scope) }));
    const totals = { total: 0, enabled: 0 };
    for (let start = 0; start < keys.length; start += BATCH_GET_MAX_KEYS) {
      let pending: Item[] | undefined = keys.slice(start, start + BATCH_GET_MAX_KEYS);
      for (let attempt = 0; pending !== undefined && pending.length > 0; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
        const result: BatchGetCommandOutput = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } } }),
        );
        for (const item of result.Responses?.[this.tableName] ?? []) {
          totals.total += numberOr0(item['total']);
          totals.enabled += numberOr0(item['enabled']);
        }
        pending = result.UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return totals;
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

  private async readScope(
    tenantId: string,
    scope: string,
    filters: ScheduleFilters,
    limit: number,
    after: string | undefined,
  ): Promise<{ items: { schedule: Schedule; sortKey: string }[]; readUpTo: string | undefined }> {
    const filter = filterExpression(filters);
    const wanted = limit + 1;
    const items: { schedule: Schedule; sortKey: string }[] = [];
    const names: Record<string, string> = { '#pk': 'gsi1pk', ...filter?.names };
    const values: Record<string, unknown> = { ':pk': ownerIndexPk(tenantId, scope), ...filter?.values };
    if (after !== undefined) {
      names['#sk'] = 'gsi1sk';
      values[':after'] = after;
    }
    let startKey: Item | undefined;
    let evaluated = 0;
    let previousLimit: number | undefined;
    for (let requests = 0; requests < this.maxQueriesPerScope; requests++) {
      const remaining = wanted - items.length;
      const pageLimit = filter === undefined ? remaining : filteredPageLimit(remaining, evaluated, items.length, previousLimit);
      previousLimit = pageLimit;
      const input: QueryCommandInput = {
        TableName: this.tableName,
        IndexName: OWNER_NAME_INDEX,
        KeyConditionExpression: after === undefined ? '#pk = :pk' : '#pk = :pk AND #sk > :after',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ScanIndexForward: true,
        Limit: pageLimit,
        ExclusiveStartKey: startKey,
      };
      if (filter !== undefined) input.FilterExpression = filter.expression;
      const result = await this.client.send(new QueryCommand(input));
      evaluated += result.ScannedCount ?? 0;
      for (const item of result.Items ?? []) items.push({ schedule: fromItem(item), sortKey: String(item['gsi1sk']) });
      startKey = result.LastEvaluatedKey;
      if (startKey === undefined) return { items, readUpTo: undefined };
      if (items.length >= wanted) break;
    }
    return { items, readUpTo: String(startKey?.['gsi1sk']) };
  }
}

/** How many items the next filtered Query should evaluate: enough for the matches still wanted at the selectivity seen so far. */
function filteredPageLimit(remaining: number, evaluated: number, matched: number, previous: number | undefined): number {
  let estimate: number;
  if (previous === undefined) estimate = remaining * 2;
  else if (matched === 0) estimate = previous * 4;
  else estimate = Math.ceil(((remaining * evaluated) / matched) * 1.25);
  return Math.min(MAX_EVALUATED_PER_QUERY, Math.max(remaining, 25, estimate));
}

function filterExpression(filters: ScheduleFilters): { expression: string; names: Record<string, string>; values: Record<string, unknown> } | undefined {
  const conditions: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  for (const field of FILTER_FIELDS) {
    const value = filters[field];
    if (value === undefined) continue;
    names[`#${field}`] = field;
    values[`:${field}`] = value;
    conditions.push(`#${field} = :${field}`);
  }
  return conditions.length === 0 ? undefined : { expression: conditions.join(' AND '), names, values };
}

/** A schedule as stored: its fields plus the table and index keys (batch loads in tests and benches use it too). */
export function scheduleItem(schedule: Schedule): Item {
  return {
    ...schedule,
    pk: tenantPk(schedule.tenantId),
    sk: scheduleSk(schedule.id),
    gsi1pk: ownerIndexPk(schedule.tenantId, ownerScope(schedule)),
    gsi1sk: ownerIndexSk(schedule),
    entity: 'schedule',
  };
}

function fromItem(item: Item): Schedule {
  const schedule: Item = { ...item };
  for (const key of KEY_ATTRIBUTES) delete schedule[key];
  return schedule as unknown as Schedule;
}

function numberOr0(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

/** DynamoDB orders string keys by their UTF-8 bytes; JS `<` compares UTF-16 units, which differs past U+FFFF. */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
