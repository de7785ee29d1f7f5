// The one DynamoDB table: its keys, index and TTL attribute (read by the CDK stack and the local server), and how each item's keys are built.
import { scheduleSortKey } from './ports/schedule-store.ts';
import type { Schedule } from './domain/schedule.ts';

export const TABLE = {
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  globalSecondaryIndexes: [
    { indexName: 'byOwnerName', partitionKey: { name: 'gsi1pk', type: 'S' }, sortKey: { name: 'gsi1sk', type: 'S' }, projection: 'ALL' },
    // Sparse: only unfinished runs that the sweeper may have to end, and schedule states, carry these attributes.
    { indexName: 'byDue', partitionKey: { name: 'gsi2pk', type: 'S' }, sortKey: { name: 'gsi2sk', type: 'S' }, projection: 'KEYS_ONLY' },
  ],
  timeToLiveAttribute: 'expiresAt',
} as const;

/** The index that lists one owner's schedules sorted by name. */
export const OWNER_NAME_INDEX = TABLE.globalSecondaryIndexes[0].indexName;

/** The index of unfinished runs by the instant they are overdue, and of every schedule state (the sweeper's only reads). */
export const DUE_INDEX = TABLE.globalSecondaryIndexes[1].indexName;

/** Attributes that only exist to place an item in the table or index; stripped when an item is read. */
export const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'entity'] as const;

/** Unfinished runs are spread over this many index partitions, so no one partition takes every run's writes. */
export const DUE_SHARDS = 4;

/** The due-index partition of an unfinished run: across tenants, read only by the sweeper (a system task). */
export function runsDuePk(shard: number): string {
  return `RUNS_DUE#${shard}`;
}

/** The due-index shard of an id: a stable hash, so an item stays in one partition whatever its position. */
function dueShard(id: string): number {
  let hash = 0;
  for (const char of id) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % DUE_SHARDS;
}

/** Index keys of an unfinished run, overdue from `dueAt` on: sorted by that instant, spread by the run id. */
export function runDueKeys(runId: string, dueAt: string): { gsi2pk: string; gsi2sk: string } {
  return { gsi2pk: runsDuePk(dueShard(runId)), gsi2sk: `${dueAt}#${runId}` };
}

/** The due-index partition of schedule states: across tenants, read only by the sweeper (missed and stuck runs). */
export function scheduleStatesPk(shard: number): string {
  return `SCHEDULE_STATES#${shard}`;
}

/**
 * Index keys of a schedule's state item: set when the schedule is created and never moved by a run (a run that moved an
 * index key would pay for an index write), spread by the schedule id. The sweeper reads them all and then the states.
 */
export function scheduleStateIndexKeys(scheduleId: string): { gsi2pk: string; gsi2sk: string } {
  return { gsi2pk: scheduleStatesPk(dueShard(scheduleId)), gsi2sk: scheduleId };
}

/*
 * Key layout. Every partition key begins with the tenant, so no query can cross tenants.
 *
 *   item                 pk                          sk                              gsi1pk                        gsi1sk
 *   schedule             T#<tenant>                  SCHEDULE#<id>                   T#<tenant>#O#<ownerScope>     scheduleSortKey(schedule)
 *   schedule state       T#<tenant>                  SCHEDULE#<id>#STATE             gsi2pk SCHEDULE_STATES#<shard>, gsi2sk <id>
 *   schedule counters    T#<tenant>                  COUNTS#<ownerScope>
 *   idempotency record   T#<tenant>                  IDEMPOTENCY#<userId>#<key>      (expiresAt: TTL)
 *   agent                T#<tenant>                  AGENT#<id>
 *   api key              T#<tenant>                  APIKEY#<sha256 hex>
 *   api key id → hash    T#<tenant>                  APIKEYID#<keyId>
 *   secret (name only)   T#<tenant>                  SECRET#<name>
 *   run                  T#<tenant>#S#<scheduleId>   RUN#<runId>                     while queued (or accepted): gsi2pk RUNS_DUE#<shard>, gsi2sk <overdue at>#<runId>
 *   run output > 512 B   T#<tenant>#S#<scheduleId>#OUT  RUN#<runId>                  (expiresAt: TTL, the run's)
 *   backfill             T#<tenant>                  BACKFILL#<scheduleId>#<id>      (expiresAt: TTL)
 *   notification default T#<tenant>                  NOTIFY_SETTINGS
 *   webhook delivery     T#<tenant>#N#<scheduleId>   NOTIFICATION#<deliveryId>       (expiresAt: TTL; `_tenant` for events of no schedule)
 *   batch                T#<tenant>                  BATCH#<batchId>                 (expiresAt: TTL; counts, cost and errors as nested maps)
 *   batch item           T#<tenant>#B#<batchId>      ITEM#<index, 5 digits>          (expiresAt: TTL, the batch's)
 *
 * byDue is the one index whose partitions are not a tenant's: only the sweeper reads it, and it reads keys only
 * (KEYS_ONLY: the table's pk and sk name the run or schedule). Runs and schedules have partitions of their own
 * (RUNS_DUE#, SCHEDULE_STATES#), DUE_SHARDS each. A schedule is two items: its definition (what a person sets) and its
 * state (what its runs change: counters, last run, next run, the overlap marker), so that a scheduled run writes only
 * the small state item and the run. A state's index keys never move, so runs pay for no index write; a scheduled run
 * with overlap "skip" is not in the index either: its state's overlap marker (runningRunId, runningUntil) is what the
 * sweeper reads. Queued runs, and scheduled runs with overlap "allow", carry RUNS_DUE keys until they end.
 */

export function tenantPk(tenantId: string): string {
  return `T#${tenantId}`;
}

export function scheduleSk(id: string): string {
  return `SCHEDULE#${id}`;
}

/** Right after its definition, so one Query reads both. */
export function scheduleStateSk(id: string): string {
  return `SCHEDULE#${id}#STATE`;
}

export function ownerIndexPk(tenantId: string, ownerScope: string): string {
  return `T#${tenantId}#O#${ownerScope}`;
}

/** The byOwnerName sort key: at most 1,024 bytes whatever the name (scheduleSortKey cuts the name part to fit). */
export function ownerIndexSk(schedule: Pick<Schedule, 'name' | 'id'>): string {
  return scheduleSortKey(schedule);
}

export function countsSk(ownerScope: string): string {
  return `COUNTS#${ownerScope}`;
}

export function idempotencySk(userId: string, key: string): string {
  return `IDEMPOTENCY#${userId}#${key}`;
}

export function agentSk(id: string): string {
  return `AGENT#${id}`;
}

/** Every agent's sort key starts with this. */
export const AGENT_SK_PREFIX = 'AGENT#';

export function apiKeySk(hash: string): string {
  return `APIKEY#${hash}`;
}

export function apiKeyIdSk(keyId: string): string {
  return `APIKEYID#${keyId}`;
}

/** A tenant secret's name and dates (its value is in Secrets Manager, or DATA_DIR locally). */
export function secretSk(name: string): string {
  return `SECRET#${name}`;
}

/** Every secret entry's sort key starts with this. */
export const SECRET_SK_PREFIX = 'SECRET#';

/** Seconds an idempotency record is honoured. */
export const IDEMPOTENCY_TTL_SECONDS = 86_400;

/** Runs of one schedule (or of no schedule: `_api`, for POST /v1/runs) share a partition, newest last by id. */
export function runsPk(tenantId: string, scheduleId: string | null): string {
  return `${tenantPk(tenantId)}#S#${scheduleId ?? '_api'}`;
}

/**
 * A run's output when it is too long to keep in the run record (OUTPUT_INLINE_BYTES): beside the runs partition, so
 * the record a run's final transaction writes stays small and a runs Query reads runs only.
 */
export function runOutputsPk(tenantId: string, scheduleId: string | null): string {
  return `${runsPk(tenantId, scheduleId)}#OUT`;
}

export function runSk(runId: string): string {
  return `RUN#${runId}`;
}

/** A backfill of one schedule (not in the runs partition, whose queries read every item there as a run). */
export function backfillSk(scheduleId: string, id: string): string {
  return `BACKFILL#${scheduleId}#${id}`;
}

/** The tenant default of notification webhooks (PUT /v1/notification-settings). */
export const NOTIFY_SETTINGS_SK = 'NOTIFY_SETTINGS';

/**
 * Webhook deliveries of one schedule (`_tenant`: of events with no schedule) share a partition apart from its runs
 * (whose queries read every item there as a run); delivery ids start with the event's time, so newest last.
 */
export function notificationsPk(tenantId: string, scheduleId: string | null): string {
  return `${tenantPk(tenantId)}#N#${scheduleId ?? '_tenant'}`;
}

/** Every delivery's sort key starts with this. */
export const NOTIFICATION_SK_PREFIX = 'NOTIFICATION#';

export function notificationSk(deliveryId: string): string {
  return `${NOTIFICATION_SK_PREFIX}${deliveryId}`;
}

/** A tenant's runs in one month, for budgets: "USAGE#2026-11". */
export function usageSk(month: string): string {
  return `USAGE#${month}`;
}

/** Every batch record's sort key starts with this (ids are time-ordered, so newest last). */
export const BATCH_SK_PREFIX = 'BATCH#';

export function batchSk(batchId: string): string {
  return `${BATCH_SK_PREFIX}${batchId}`;
}

/** The items of one batch share a partition of their own, in index order. */
export function batchItemsPk(tenantId: string, batchId: string): string {
  return `${tenantPk(tenantId)}#B#${batchId}`;
}

/** Every batch item's sort key starts with this. */
export const BATCH_ITEM_SK_PREFIX = 'ITEM#';

/** Zero-padded to 5 digits (a batch holds at most 10,000 items), so keys sort in index order. */
export function batchItemSk(index: number): string {
  return `${BATCH_ITEM_SK_PREFIX}${String(index).padStart(5, '0')}`;
}
