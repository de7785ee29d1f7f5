// The items a schedule store writes: the schedule, its owner's counters, and the idempotency record of a create.
import { ownerScope } from '../../../domain/owner.ts';
import type { Schedule } from '../../../domain/schedule.ts';
import type { IdempotencyRecord, ScheduleCounts, ScheduleFilters, ScheduleRef } from '../../../ports/schedule-store.ts';
import { IDEMPOTENCY_TTL_SECONDS, TABLE, countsSk, idempotencySk, ownerIndexPk, ownerIndexSk, scheduleSk, tenantPk } from '../../../table.ts';
import { ENTITY, attributeNames, withoutKeys, type ItemKeys, type StoredItem, type TableKey, type TransactItem } from './attributes.ts';
import { definitionOf, stateItem } from './schedule-state.ts';

// ---- schedule ----

/** A schedule's definition as stored: its fields but what runs change (see schedule-state.ts), its table key and its place in the byOwnerName index. */
export type ScheduleItem = Schedule & ItemKeys<typeof ENTITY.schedule> & { gsi1pk: string; gsi1sk: string };

/** Names schedule attributes in one request's expressions. */
export const scheduleAttributes = attributeNames<ScheduleItem>;

export function scheduleKey(tenantId: string, id: string): TableKey {
  return { pk: tenantPk(tenantId), sk: scheduleSk(id) };
}

/** A schedule's definition item: its fields but the run-owned ones, plus the table and index keys. */
export function scheduleItem(schedule: Schedule): ScheduleItem {
  return {
    ...(definitionOf(schedule) as Schedule),
    ...scheduleKey(schedule.tenantId, schedule.id),
    gsi1pk: ownerIndexPk(schedule.tenantId, ownerScope(schedule)),
    gsi1sk: ownerIndexSk(schedule),
    entity: ENTITY.schedule,
  };
}

/** Both items of a schedule, definition and state (batch loads in tests and benches write them). */
export function scheduleItems(schedule: Schedule): StoredItem[] {
  return [scheduleItem(schedule) as unknown as StoredItem, stateItem(schedule) as unknown as StoredItem];
}

/** The schedule a state's byDue entry points at, from the base table keys the index projects (a KEYS_ONLY index). */
export function stateRefOf(item: StoredItem): ScheduleRef | undefined {
  const partition = /^T#([^#]+)$/.exec(String(item.pk));
  const sort = /^SCHEDULE#(.+)#STATE$/.exec(String(item.sk));
  if (!partition || !sort) return undefined;
  return { tenantId: partition[1]!, scheduleId: sort[1]! };
}

export function scheduleFromItem(item: StoredItem): Schedule {
  return withoutKeys<Schedule>(item);
}

/** The byOwnerName partition holding one owner scope's schedules. */
export function ownerIndexPartition(tenantId: string, scope: string): string {
  return ownerIndexPk(tenantId, scope);
}

/** The attribute holding a schedule's list position (its byOwnerName sort key), on items and on LastEvaluatedKey. */
export const LIST_POSITION_ATTRIBUTE = 'gsi1sk' satisfies keyof ScheduleItem;

/** The list position of a returned item or of a LastEvaluatedKey. */
export function listPositionOf(item: StoredItem | undefined): string {
  return String(item?.[LIST_POSITION_ATTRIBUTE]);
}

/** The schedule attributes a list may filter on, each stored under the filter's own name. */
export const SCHEDULE_FILTER_ATTRIBUTES = ['agentId', 'environmentId', 'appId', 'scheduleType', 'enabled'] as const satisfies readonly (keyof ScheduleFilters &
  keyof ScheduleItem)[];

// ---- counters: one item per owner scope ----

export type CountsItem = ItemKeys<typeof ENTITY.counts> & ScheduleCounts;

export function countsKey(tenantId: string, scope: string): TableKey {
  return { pk: tenantPk(tenantId), sk: countsSk(scope) };
}

/** Adds to an owner's schedule counters (total, enabled); part of every write that changes them. */
export function countersUpdate(tableName: string, tenantId: string, scope: string, total: number, enabled: number): TransactItem {
  const name = attributeNames<CountsItem>();
  return {
    Update: {
      TableName: tableName,
      Key: countsKey(tenantId, scope),
      UpdateExpression: `SET ${name('entity')} = :entity ADD ${name('total')} :total, ${name('enabled')} :enabled`,
      ExpressionAttributeNames: name.names,
      ExpressionAttributeValues: { ':entity': ENTITY.counts, ':total': total, ':enabled': enabled },
    },
  };
}

/** A counters item's values; a missing attribute counts 0. */
export function countsFromItem(item: StoredItem): ScheduleCounts {
  const counts = item as Partial<Record<keyof ScheduleCounts, unknown>>;
  return { total: numberOr0(counts.total), enabled: numberOr0(counts.enabled) };
}

function numberOr0(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

// ---- idempotency record of a create ----

export type IdempotencyItem = ItemKeys<typeof ENTITY.idempotency> & IdempotencyRecord & { userId: string } & { [TABLE.timeToLiveAttribute]: number };

export const idempotencyAttributes = attributeNames<IdempotencyItem>;

export function idempotencyKey(tenantId: string, userId: string, key: string): TableKey {
  return { pk: tenantPk(tenantId), sk: idempotencySk(userId, key) };
}

/** The record of a create under `key`, honoured until IDEMPOTENCY_TTL_SECONDS after `nowSeconds`. */
export function idempotencyItem(schedule: Pick<Schedule, 'tenantId' | 'userId'>, record: IdempotencyRecord, nowSeconds: number): IdempotencyItem {
  return {
    ...idempotencyKey(schedule.tenantId, schedule.userId, record.key),
    entity: ENTITY.idempotency,
    userId: schedule.userId,
    key: record.key,
    requestHash: record.requestHash,
    scheduleId: record.scheduleId,
    ...(record.runId === undefined ? {} : { runId: record.runId }),
    ...(record.batchId === undefined ? {} : { batchId: record.batchId }),
    [TABLE.timeToLiveAttribute]: nowSeconds + IDEMPOTENCY_TTL_SECONDS,
  };
}

/** Writes the record unless its key is held: an expired record may linger until TTL removes it (up to days later) and no longer holds it. */
export function idempotencyPut(
  tableName: string,
  owner: Pick<Schedule, 'tenantId' | 'userId'>,
  record: IdempotencyRecord,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): TransactItem {
  const name = idempotencyAttributes();
  return {
    Put: {
      TableName: tableName,
      Item: idempotencyItem(owner, record, nowSeconds),
      ConditionExpression: `attribute_not_exists(${name('pk')}) OR ${name('expiresAt')} < :now`,
      ExpressionAttributeNames: name.names,
      ExpressionAttributeValues: { ':now': nowSeconds },
    },
  };
}

/** The record, unless it has expired (TTL deletes expired items only eventually, so one may still be read). */
export function idempotencyFromItem(item: StoredItem, nowSeconds: number): IdempotencyRecord | undefined {
  const stored = item as Partial<Record<keyof IdempotencyItem, unknown>>;
  const expiresAt = stored[TABLE.timeToLiveAttribute];
  if (typeof expiresAt === 'number' && expiresAt < nowSeconds) return undefined;
  return {
    key: String(stored.key),
    requestHash: String(stored.requestHash),
    scheduleId: String(stored.scheduleId),
    ...(typeof stored.runId === 'string' ? { runId: stored.runId } : {}),
    ...(typeof stored.batchId === 'string' ? { batchId: stored.batchId } : {}),
  };
}
