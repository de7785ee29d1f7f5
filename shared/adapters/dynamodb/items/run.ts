// The items a run store writes: a run record, and a tenant's monthly usage counter.
import { overdueAt, type Run } from '../../../domain/run.ts';
import type { RunRef } from '../../../ports/run-store.ts';
import { runDueKeys, runOutputsPk, runSk, runsPk, tenantPk, usageSk } from '../../../table.ts';
import { ENTITY, attributeNames, withoutKeys, type ItemKeys, type StoredItem, type TableKey, type TransactItem } from './attributes.ts';

// ---- run ----

/** The byDue index keys: only an unfinished run carries them. */
export interface DueIndexKeys {
  gsi2pk: string;
  gsi2sk: string;
}

/** `outputApart`: the output is in its own item (runOutputItem), under this token, not in the record. */
export type RunItem = Run & ItemKeys<typeof ENTITY.run> & Partial<DueIndexKeys> & { outputApart?: string };

/**
 * An output longer than this (UTF-8 bytes) is stored in an item of its own, written before the run's final transaction
 * (a plain put: 1 write unit per KB, where in the transaction it would cost 2), so the run record stays under 1 KB.
 */
export const OUTPUT_INLINE_BYTES = 512;

/** Whether the run's output goes into an item of its own. */
export function outputApart(run: Pick<Run, 'output'>): boolean {
  return run.output !== null && Buffer.byteLength(run.output) > OUTPUT_INLINE_BYTES;
}

/**
 * Each final write of a long output puts it under a token of its own, which only the record that wins names: two
 * writers racing to end a run (runner, callback, sweeper) never read each other's output.
 */
export function runOutputKey(tenantId: string, scheduleId: string | null, runId: string, token: string): TableKey {
  return { pk: runOutputsPk(tenantId, scheduleId), sk: `${runSk(runId)}#${token}` };
}

/** The item holding a long output, removed by TTL with its run. */
export function runOutputItem(run: Run, token: string): StoredItem {
  return { ...runOutputKey(run.tenantId, run.scheduleId, run.id, token), entity: ENTITY.runOutput, output: run.output, expiresAt: run.expiresAt };
}

/** The token of the output a stored run record keeps apart, if it does. */
export function outputTokenOf(item: StoredItem): string | undefined {
  return typeof item.outputApart === 'string' ? item.outputApart : undefined;
}

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

/** The run a record holds (its output, when kept apart, is filled in by the store). */
export function runFromItem(item: StoredItem): Run {
  const run = withoutKeys<Run & { outputApart?: string }>(item);
  delete run.outputApart;
  return run;
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
export function finalRunUpdate(tableName: string, run: Run, outputToken?: string): TransactItem {
  const name = runAttributes();
  // A long output was put in its own item just before, under this token (runOutputItem).
  const apart = outputToken !== undefined;
  return {
    Update: {
      TableName: tableName,
      Key: runKey(run.tenantId, run.scheduleId, run.id),
      UpdateExpression:
        `SET ${name('status')} = :status, ${name('reason')} = :reason, ${name('finishedAt')} = :finishedAt, ${name('durationMs')} = :duration,` +
        ` ${name('output')} = :output, ${name('truncated')} = :truncated, ${name('error')} = :error, ${name('usage')} = :usage` +
        (apart ? `, ${name('outputApart')} = :apart` : '') +
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
        ':output': apart ? null : run.output,
        ...(apart ? { ':apart': outputToken } : {}),
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
