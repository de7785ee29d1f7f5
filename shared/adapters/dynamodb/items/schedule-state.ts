// A schedule is stored as two items: its definition (what a person sets: name, task, cron, …) and its state (what its
// runs change: counters, last and next run, the overlap marker). A scheduled run then writes only the small state item
// (≤ 1 KB: one write unit) beside its run, never the definition, which the byOwnerName index projects whole.
import type { Schedule } from '../../../domain/schedule.ts';
import { scheduleStateIndexKeys, scheduleStateSk, tenantPk } from '../../../table.ts';
import { ENTITY, attributeNames, type StoredItem, type TableKey, type TransactItem } from './attributes.ts';
import type { DueIndexKeys } from './run.ts';

/** Fields only the state holds: what runs (and the sweeper) change. */
export const RUN_OWNED_FIELDS = [
  'nextRunAt',
  'lastRunAt',
  'lastRunStatus',
  'lastError',
  'runCount',
  'successCount',
  'failureCount',
  'cancelledCount',
  'missedCount',
  'consecutiveFailures',
  'runningRunId',
  'runningUntil',
] as const satisfies readonly (keyof Schedule)[];

/** Fields both items hold: the state's copy decides (a one-time schedule completes in the state's write), the
 *  definition's copy lets a list filter on `enabled`. */
export const SHARED_FIELDS = ['enabled', 'status', 'statusReason'] as const satisfies readonly (keyof Schedule)[];

/** Copies of definition fields on the state, so a run's write can check them and the sweeper can tell when a fire is late. */
export const MIRRORED_FIELDS = [
  'schedulerExpression',
  'schedulerTimezone',
  'flexibleWindowMinutes',
  'overlapPolicy',
] as const satisfies readonly (keyof Schedule)[];

type StateField = (typeof RUN_OWNED_FIELDS)[number] | (typeof SHARED_FIELDS)[number] | (typeof MIRRORED_FIELDS)[number];

export type ScheduleState = Pick<Schedule, StateField> & { tenantId: string; scheduleId: string; updatedAt: string };

/**
 * `inflight`: every scheduled run that has started and not ended, by run id, with its deadline: what the sweeper reads
 * to end a run whose runner died (a scheduled run is in no index). Under overlap "skip" the one running also holds the
 * marker (runningRunId, runningUntil).
 */
export type ScheduleStateItem = ScheduleState & TableKey & { entity: typeof ENTITY.scheduleState; inflight: Record<string, string> } & DueIndexKeys;

/** Names state attributes in one request's expressions. */
export const stateAttributes = attributeNames<ScheduleStateItem>;

export function stateKey(tenantId: string, scheduleId: string): TableKey {
  return { pk: tenantPk(tenantId), sk: scheduleStateSk(scheduleId) };
}

function pick(schedule: Partial<Schedule>, fields: readonly StateField[]): Partial<Schedule> {
  const picked: Record<string, unknown> = {};
  for (const field of fields) if (schedule[field] !== undefined) picked[field] = schedule[field];
  return picked as Partial<Schedule>;
}

/** The state item of a schedule, in the sweeper's index from its creation to its deletion. */
export function stateItem(schedule: Schedule): ScheduleStateItem {
  return {
    ...(pick(schedule, [...RUN_OWNED_FIELDS, ...SHARED_FIELDS, ...MIRRORED_FIELDS]) as Pick<Schedule, StateField>),
    tenantId: schedule.tenantId,
    scheduleId: schedule.id,
    updatedAt: schedule.updatedAt,
    inflight: {},
    ...stateKey(schedule.tenantId, schedule.id),
    ...scheduleStateIndexKeys(schedule.id),
    entity: ENTITY.scheduleState,
  };
}

/** The definition's fields: the schedule without what only its state holds. */
export function definitionOf(schedule: Schedule): Omit<Schedule, (typeof RUN_OWNED_FIELDS)[number]> {
  const definition: Record<string, unknown> = { ...schedule };
  for (const field of RUN_OWNED_FIELDS) delete definition[field];
  return definition as Omit<Schedule, (typeof RUN_OWNED_FIELDS)[number]>;
}

/**
 * The schedule from its two items. Without a state item (a schedule stored before the split, which carries every field
 * itself) the definition alone is the schedule. `updatedAt` is the later of the two.
 */
export function composeSchedule(definition: Schedule, state: StoredItem | undefined): Schedule {
  if (!state) return definition;
  const owned = pick(state as Partial<Schedule>, [...RUN_OWNED_FIELDS, ...SHARED_FIELDS]);
  const stateUpdatedAt = typeof state.updatedAt === 'string' ? state.updatedAt : definition.updatedAt;
  const composed: Schedule = { ...definition, ...owned, updatedAt: [stateUpdatedAt, definition.updatedAt].sort().at(-1)! };
  // Absent on the state means none: a definition stored before the split may still hold a stale copy.
  for (const field of RUN_OWNED_FIELDS) if (!(field in state)) delete (composed as Partial<Schedule>)[field];
  return composed;
}

/** The state a schedule stored before the split gets on its first read: written only if none exists yet. */
export function stateBackfill(tableName: string, schedule: Schedule): TransactItem {
  const name = stateAttributes();
  return {
    Put: { TableName: tableName, Item: stateItem(schedule), ConditionExpression: `attribute_not_exists(${name('pk')})`, ExpressionAttributeNames: name.names },
  };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * What an update of the schedule writes to its state: each state field that `next` changes, on the condition that it
 * still holds the value `current` had (so a run that ended meanwhile is not overwritten: the update is refused as stale
 * and re-read), and the copies of the definition's fields, unconditionally. Undefined when nothing changes.
 */
export function stateUpdateFor(tableName: string, next: Schedule, current: Schedule): TransactItem | undefined {
  const name = stateAttributes();
  const set: string[] = [];
  const remove: string[] = [];
  const conditions = [`attribute_exists(${name('pk')})`];
  const values: Record<string, unknown> = {};
  let changed = false;
  [...RUN_OWNED_FIELDS, ...SHARED_FIELDS].forEach((field, index) => {
    if (same(next[field], current[field])) return;
    changed = true;
    const before = current[field];
    if (before === undefined || before === null) conditions.push(`(attribute_not_exists(${name(field)}) OR ${name(field)} = :null)`);
    // A map (lastError) is not compared: the scalar fields a run changes with it (lastRunAt, runCount) are.
    else if (typeof before !== 'object') {
      conditions.push(`${name(field)} = :was${index}`);
      values[`:was${index}`] = before;
    }
    if (next[field] === undefined) remove.push(name(field));
    else {
      set.push(`${name(field)} = :now${index}`);
      values[`:now${index}`] = next[field];
    }
  });
  MIRRORED_FIELDS.forEach((field, index) => {
    if (same(next[field], current[field])) return;
    changed = true;
    if (next[field] === undefined) remove.push(name(field));
    else {
      set.push(`${name(field)} = :copy${index}`);
      values[`:copy${index}`] = next[field];
    }
  });
  if (!changed) return undefined;
  set.push(`${name('updatedAt')} = :updatedAt`);
  values[':updatedAt'] = next.updatedAt;
  if (conditions.some((condition) => condition.includes(':null'))) values[':null'] = null;
  return {
    Update: {
      TableName: tableName,
      Key: stateKey(next.tenantId, next.id),
      UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: name.names,
      ExpressionAttributeValues: values,
    },
  };
}
