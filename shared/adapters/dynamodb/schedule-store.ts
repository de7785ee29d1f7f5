// Schedules in DynamoDB: conditional writes on `version`, per-owner counters kept in the same transactions, and a name-sorted list with bounded cost.
import { DeleteCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AlreadyExistsError, StaleVersionError } from '../../domain/errors.ts';
import { ownerScope } from '../../domain/owner.ts';
import type { Schedule } from '../../domain/schedule.ts';
import { overdueAt } from '../../domain/run.ts';
import {
  nextFireLateAt,
  type RunReads,
  type IdempotencyRecord,
  type ListSchedulesPage,
  type ListSchedulesQuery,
  type ScheduleCounts,
  type ScheduleRef,
  type ScheduleStore,
} from '../../ports/schedule-store.ts';
import { cancellationCodes, isConditionFailure, isTransactionConflict, transactWrite } from './client.ts';
import type { TransactItem } from './items/attributes.ts';
import {
  countersUpdate,
  countsFromItem,
  countsKey,
  idempotencyFromItem,
  idempotencyPut,
  idempotencyKey,
  scheduleAttributes,
  scheduleItem,
  scheduleKey,
  stateRefOf,
} from './items/schedule.ts';
import { composeSchedule, stateItem, stateKey, stateUpdateFor } from './items/schedule-state.ts';
import { dueIndexKeys, runAttributes, runKey } from './items/run.ts';
import { MAX_QUERIES_PER_SCOPE, listSchedules } from './schedule-paging.ts';
import { batchGetItems, readAllStates, readForRun, readSchedule } from './schedule-reads.ts';

// Tests and benches import these from here.
export { scheduleItem, scheduleItems } from './items/schedule.ts';
export { MAX_QUERIES_PER_SCOPE } from './schedule-paging.ts';

export interface DynamoScheduleStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Lower it only to exercise short pages in tests. */
  maxQueriesPerScope?: number | undefined;
}

/**
 * A schedule is two items, its definition and its state (items/schedule-state.ts). Request costs:
 *   get: 1 strongly consistent Query (both items); a schedule stored before the split gets its state: 1 PutItem, once.
 *   getForRun: 1 eventually consistent BatchGetItem (both items and the agent).
 *   findIdempotency: 1 GetItem (strongly consistent). releaseIdempotency: 1 DeleteItem.
 *   create: 1 TransactWriteItems (definition + state + counters [+ idempotency record]).
 *   update: 1 TransactWriteItems (definition [+ the state fields that change] [+ counters]); no read: the caller
 *     passes the schedule as read.
 *   delete: 1 GetItem (the state's in-flight runs), 1 TransactWriteItems (definition + state + counters) [+ 1
 *     UpdateItem per run in flight: it goes into the due index, so the sweeper ends it if its runner never does].
 *   list: per owner scope 1 to maxQueriesPerScope (default MAX_QUERIES_PER_SCOPE) Query requests on the byOwnerName
 *     index, the scopes in parallel (see schedule-paging.ts), then 1 BatchGetItem for the page's states.
 *   counts: 1 strongly consistent BatchGetItem per 100 owner scopes (more only if DynamoDB returns unprocessed keys).
 *   listMissed: every state (schedule-reads.ts readAllStates): DUE_SHARDS keys-only Queries, 1 BatchGetItem per 100.
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

  get(tenantId: string, id: string): Promise<Schedule | undefined> {
    return readSchedule(this.target, tenantId, id);
  }

  getForRun(tenantId: string, id: string, agentId: string | null): Promise<RunReads> {
    return readForRun(this.target, tenantId, id, agentId);
  }

  private get target() {
    return { client: this.client, tableName: this.tableName };
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
    writes.push({ Put: { TableName: this.tableName, Item: stateItem(schedule) } });
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
    const state = stateUpdateFor(this.tableName, next, current);
    if (state) writes.push(state);
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
    const state = await this.client.send(new GetCommand({ TableName: this.tableName, Key: stateKey(schedule.tenantId, schedule.id), ConsistentRead: true }));
    const inflight = (state.Item?.inflight ?? {}) as Record<string, string>;
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
        { Delete: { TableName: this.tableName, Key: stateKey(schedule.tenantId, schedule.id) } },
      ],
      schedule.id,
    );
    await Promise.all(Object.entries(inflight).map(([runId, deadlineAt]) => this.indexOrphanedRun(schedule, runId, deadlineAt)));
  }

  /**
   * A run in flight when its schedule was deleted was found by the sweeper through the schedule's state; it goes into
   * the due index instead (only while unfinished), so it is still ended if its runner never ends it.
   */
  private async indexOrphanedRun(schedule: Schedule, runId: string, deadlineAt: string): Promise<void> {
    const name = runAttributes();
    const due = dueIndexKeys(runId, overdueAt({ status: 'running', deadlineAt, queuedAt: null })!);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: runKey(schedule.tenantId, schedule.id, runId),
          UpdateExpression: `SET ${name('gsi2pk')} = :pk, ${name('gsi2sk')} = :sk`,
          ConditionExpression: `${name('status')} IN (:queued, :running)`,
          ExpressionAttributeNames: name.names,
          ExpressionAttributeValues: { ':pk': due.gsi2pk, ':sk': due.gsi2sk, ':queued': 'queued', ':running': 'running' },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** The page's definitions, then their states in 1 BatchGetItem (eventually consistent, like the index read). */
  async list(query: ListSchedulesQuery): Promise<ListSchedulesPage> {
    const page = await listSchedules({ client: this.client, tableName: this.tableName, maxQueriesPerScope: this.maxQueriesPerScope }, query);
    if (page.items.length === 0) return page;
    const states = new Map(
      (
        await batchGetItems(
          this.target,
          page.items.map((schedule) => stateKey(schedule.tenantId, schedule.id)),
          false,
        )
      ).map((item) => [String(item.scheduleId), item]),
    );
    return { ...page, items: page.items.map((schedule) => composeSchedule(schedule, states.get(schedule.id))) };
  }

  async counts(tenantId: string, ownerScopes: string[]): Promise<ScheduleCounts> {
    const keys = [...new Set(ownerScopes)].map((scope) => countsKey(tenantId, scope));
    const totals = { total: 0, enabled: 0 };
    for (const item of await batchGetItems(this.target, keys, true)) {
      const counts = countsFromItem(item);
      totals.total += counts.total;
      totals.enabled += counts.enabled;
    }
    return totals;
  }

  /** Read from every state (readAllStates): a state's index keys never move, so no run pays to keep a late-index current. */
  async listMissed(cutoff: string, limit: number): Promise<ScheduleRef[]> {
    const late: Array<{ ref: ScheduleRef; lateAt: string }> = [];
    for (const state of await readAllStates(this.target)) {
      const lateAt = nextFireLateAt(state as unknown as Schedule);
      if (lateAt === null || Date.parse(lateAt) >= Date.parse(cutoff)) continue;
      const ref = stateRefOf(state);
      if (ref) late.push({ ref, lateAt });
    }
    return late
      .sort((a, b) => a.lateAt.localeCompare(b.lateAt))
      .slice(0, limit)
      .map((entry) => entry.ref);
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
