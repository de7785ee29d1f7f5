// The items a run store writes: a run record, and a tenant's monthly usage counter.
import { overdueAt, type Run } from '../../../domain/run.ts';
import type { RunRef } from '../../../ports/run-store.ts';
import { runDueKeys, runSk, runsPk, tenantPk, usageSk } from '../../../table.ts';
import { ENTITY, attributeNames, withoutKeys, type ItemKeys, type StoredItem, type TableKey, type TransactItem } from './attributes.ts';

// ---- run ----

/** The byDue index keys: only an unfinished run carries them. */
export interface DueIndexKeys {
  gsi2pk: string;
  gsi2sk: string;
}

export type RunItem = Run & ItemKeys<typeof ENTITY.run> & Partial<DueIndexKeys>;

/** Names run attributes in one request's expressions. */
export const runAttributes = attributeNames<RunItem>;

export function runKey(tenantId: string, scheduleId: string | null, runId: string): TableKey {
  return { pk: runsPk(tenantId, scheduleId), sk: runSk(runId) };
}

/** The partition holding every run of one schedule (or of no schedule: POST /v1/runs). */
export function runsPartition(tenantId: string, scheduleId: string | null): string {
  return runsPk(tenantId, scheduleId);
}

/** The sort key of a run id, to resume a list strictly before it. */
export function runPosition(runId: string): string {
  return runSk(runId);
}

/**
 * The run as stored; an unfinished one is also placed in the due index, by when it would be overdue, unless `indexed`
 * is false: a scheduled run under overlap "skip" is found by the sweeper through its schedule state's overlap marker.
 */
export function runItem(run: Run, indexed = true): RunItem {
  const due = indexed ? overdueAt(run) : null;
  return { ...run, ...runKey(run.tenantId, run.scheduleId, run.id), entity: ENTITY.run, ...(due ? runDueKeys(run.id, due) : {}) };
}

/** The due-index keys of a run that is now overdue from `dueAt` on. */
export function dueIndexKeys(runId: string, dueAt: string): DueIndexKeys {
  return runDueKeys(runId, dueAt);
}

export function runFromItem(item: StoredItem): Run {
  return withoutKeys<Run>(item);
}

/** The run a due-index entry points at, from the base table keys the index projects (a KEYS_ONLY index). */
export function runRefOf(item: StoredItem): RunRef | undefined {
  const partition = /^T#([^#]+)#S#(.+)$/.exec(String(item.pk));
  const sort = /^RUN#(.+)$/.exec(String(item.sk));
  if (!partition || !sort) return undefined;
  return { tenantId: partition[1]!, scheduleId: partition[2] === '_api' ? null : partition[2]!, runId: sort[1]! };
}

/** A due-index entry's position: when the run is overdue, then its id. */
export function duePositionOf(item: StoredItem): string {
  return String(item['gsi2sk' satisfies keyof RunItem]);
}

// ---- usage: runs started per tenant per month ----

export type UsageItem = ItemKeys<typeof ENTITY.usage> & { runs: number };

export const usageAttributes = attributeNames<UsageItem>;

export function usageKey(tenantId: string, month: string): TableKey {
  return { pk: tenantPk(tenantId), sk: usageSk(month) };
}

/** The runs a usage item counts; 0 when there is none yet. */
export function usageRunsOf(item: StoredItem | undefined): number {
  return Number((item as Partial<UsageItem> | undefined)?.runs ?? 0);
}

/** A run's final state, written only while it is unfinished (whoever ends it first — runner, sweeper, cancel — wins, once). */
export function finalRunUpdate(tableName: string, run: Run): TransactItem {
  const name = runAttributes();
  return {
    Update: {
      TableName: tableName,
      Key: runKey(run.tenantId, run.scheduleId, run.id),
      UpdateExpression:
        `SET ${name('status')} = :status, ${name('reason')} = :reason, ${name('finishedAt')} = :finishedAt, ${name('durationMs')} = :duration,` +
        ` ${name('output')} = :output, ${name('truncated')} = :truncated, ${name('error')} = :error, ${name('usage')} = :usage` +
        // Only what the run carries: a run the sweeper ends keeps whatever attempts it had.
        (run.attempts === undefined ? '' : `, ${name('attempts')} = :attempts`) +
        (run.cancelledAt === undefined ? '' : `, ${name('cancelledAt')} = :cancelledAt`) +
        ` REMOVE ${name('gsi2pk')}, ${name('gsi2sk')}`,
      // Only an unfinished run takes a final state: whoever ends it first (runner or sweeper) wins, once.
      ConditionExpression: `${name('status')} IN (:queued, :running)`,
      ExpressionAttributeNames: name.names,
      ExpressionAttributeValues: {
        ':status': run.status,
        ':reason': run.reason,
        ':finishedAt': run.finishedAt,
        ':duration': run.durationMs,
        ':output': run.output,
        ':truncated': run.truncated,
        ':error': run.error,
        ':usage': run.usage,
        ...(run.attempts === undefined ? {} : { ':attempts': run.attempts }),
        ...(run.cancelledAt === undefined ? {} : { ':cancelledAt': run.cancelledAt }),
        ':queued': 'queued',
        ':running': 'running',
      },
    },
  };
}
