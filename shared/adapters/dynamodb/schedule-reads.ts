// Reading schedules as their two items (definition and state, see items/schedule-state.ts): one schedule by one Query,
// the runner's read of a schedule with its agent by one BatchGetItem, and every state for the sweeper.
import { BatchGetCommand, PutCommand, QueryCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Schedule } from '../../domain/schedule.ts';
import type { RunReads } from '../../ports/schedule-store.ts';
import { DUE_INDEX, DUE_SHARDS, scheduleStateSk, scheduleStatesPk, tenantPk, scheduleSk } from '../../table.ts';
import { isConditionFailure } from './client.ts';
import { agentFromItem, agentKey } from './items/agent.ts';
import { ENTITY, type StoredItem, type TableKey } from './items/attributes.ts';
import { composeSchedule, stateAttributes, stateBackfill, stateKey } from './items/schedule-state.ts';
import { scheduleFromItem, scheduleKey } from './items/schedule.ts';

/** BatchGetItem takes at most this many keys per request. */
const BATCH_GET_MAX_KEYS = 100;

interface Target {
  client: DynamoDBDocumentClient;
  tableName: string;
}

/** Every item of `keys` that exists, in no particular order: 1 BatchGetItem per 100 keys (more only for unprocessed keys). */
export async function batchGetItems(target: Target, keys: TableKey[], consistent: boolean): Promise<StoredItem[]> {
  const found: StoredItem[] = [];
  for (let start = 0; start < keys.length; start += BATCH_GET_MAX_KEYS) {
    let pending: StoredItem[] | undefined = keys.slice(start, start + BATCH_GET_MAX_KEYS);
    for (let attempt = 0; pending !== undefined && pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
      const result: BatchGetCommandOutput = await target.client.send(
        new BatchGetCommand({ RequestItems: { [target.tableName]: { Keys: pending, ConsistentRead: consistent } } }),
      );
      found.push(...(result.Responses?.[target.tableName] ?? []));
      pending = result.UnprocessedKeys?.[target.tableName]?.Keys;
    }
  }
  return found;
}

/**
 * A schedule stored before its state was split off gets its state item now (once: the write is conditional), so every
 * later write finds it. Returns the schedule as composed.
 */
async function withState(target: Target, definition: StoredItem, state: StoredItem | undefined): Promise<Schedule> {
  const schedule = scheduleFromItem(definition);
  if (state) return composeSchedule(schedule, state);
  try {
    await target.client.send(new PutCommand(stateBackfill(target.tableName, schedule).Put!));
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  return schedule;
}

/** One schedule, strongly consistent: 1 Query over its two adjacent items (≤ 4 KB together: 1 read unit). */
export async function readSchedule(target: Target, tenantId: string, id: string): Promise<Schedule | undefined> {
  const name = stateAttributes();
  const result = await target.client.send(
    new QueryCommand({
      TableName: target.tableName,
      KeyConditionExpression: `${name('pk')} = :pk AND ${name('sk')} BETWEEN :definition AND :state`,
      ExpressionAttributeNames: name.names,
      ExpressionAttributeValues: { ':pk': tenantPk(tenantId), ':definition': scheduleSk(id), ':state': scheduleStateSk(id) },
      ConsistentRead: true,
    }),
  );
  const items = result.Items ?? [];
  const definition = items.find((item) => item.entity === ENTITY.schedule);
  if (!definition) return undefined;
  return withState(
    target,
    definition,
    items.find((item) => item.entity === ENTITY.scheduleState),
  );
}

/**
 * The schedule's two items and the agent `agentId` names, in 1 eventually consistent BatchGetItem (half a read unit
 * per item of ≤ 4 KB). Eventually consistent is enough: every write that follows is conditional on what it relies on
 * (the overlap marker, the state's copies of enabled, expression and timezone), and one refused is read again strongly.
 */
export async function readForRun(target: Target, tenantId: string, id: string, agentId: string | null): Promise<RunReads> {
  const keys = [scheduleKey(tenantId, id), stateKey(tenantId, id), ...(agentId ? [agentKey(tenantId, agentId)] : [])];
  const items = await batchGetItems(target, keys, false);
  const definition = items.find((item) => item.entity === ENTITY.schedule);
  const agentItem = items.find((item) => item.entity === ENTITY.agent);
  const agent = agentItem ? agentFromItem(agentItem) : undefined;
  if (!definition) return { schedule: await readSchedule(target, tenantId, id), agent };
  const state = items.find((item) => item.entity === ENTITY.scheduleState);
  // Not yet split (or the state not yet visible to an eventually consistent read): the strong read settles it.
  if (!state) return { schedule: await readSchedule(target, tenantId, id), agent };
  return { schedule: composeSchedule(scheduleFromItem(definition), state), agent };
}

/**
 * Every schedule's state, of every tenant: the sweeper's read. DUE_SHARDS Query requests (keys only, paged) on the byDue
 * index, then 1 eventually consistent BatchGetItem per 100 states: its cost follows how many schedules exist (half a
 * read unit each), which is what keeps a run from moving an index key.
 */
export async function readAllStates(target: Target): Promise<StoredItem[]> {
  const keys = (
    await Promise.all(
      Array.from({ length: DUE_SHARDS }, async (_, shard) => {
        const name = stateAttributes();
        const shardKeys: TableKey[] = [];
        let startKey: StoredItem | undefined;
        do {
          const page = await target.client.send(
            new QueryCommand({
              TableName: target.tableName,
              IndexName: DUE_INDEX,
              KeyConditionExpression: `${name('gsi2pk')} = :pk`,
              ExpressionAttributeNames: name.names,
              ExpressionAttributeValues: { ':pk': scheduleStatesPk(shard) },
              ExclusiveStartKey: startKey,
            }),
          );
          for (const item of page.Items ?? []) shardKeys.push({ pk: String(item.pk), sk: String(item.sk) });
          startKey = page.LastEvaluatedKey;
        } while (startKey);
        return shardKeys;
      }),
    )
  ).flat();
  return (await batchGetItems(target, keys, false)).filter((item) => item.entity === ENTITY.scheduleState);
}
