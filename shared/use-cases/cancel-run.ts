// Cancel a run: a queued one never starts, a running one ends "cancelled" at once and its runner aborts the agent call
// within seconds (agent-call.ts reads the run while it waits). Counted in runCount and cancelledCount only. A
// schedule's batch run cancels its batch too: no item starts after it, running ones finish.
import { RunFinishedError } from '../domain/errors.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import { isFinal, type Run } from '../domain/run.ts';
import { isFinalBatch } from '../domain/batch.ts';
import { formatInstant } from '../expressions/index.ts';
import { getApiRun, getScheduleRun } from './list-runs.ts';
import { endRun, type EndRunDeps } from './run-end.ts';
import { batchProgressDeps, type BatchContinuation } from './batches/batch-deps.ts';
import { stopBatch } from './batches/batch-progress.ts';

export type CancelRunDeps = EndRunDeps & BatchContinuation;

/** The run as it is after the cancel: cancelled, or 409 when it had already ended (by itself or another cancel). */
export async function cancelRun(deps: CancelRunDeps, principal: TenantPrincipal, ref: { scheduleId: string | null; runId: string }): Promise<Run> {
  const run = ref.scheduleId === null ? await getApiRun(deps, principal, ref.runId) : await getScheduleRun(deps, principal, ref.scheduleId, ref.runId);
  if (isFinal(run.status)) {
    // A repeated cancel of a batch run whose batch was not stopped (the first stopped half-way) stops it now.
    if (run.status === 'cancelled') await cancelBatchOf(deps, run);
    throw new RunFinishedError(run.id, run.status, 'cancelled');
  }
  const now = deps.clock.now();
  const cancelled: Run = {
    ...run,
    status: 'cancelled',
    cancelledAt: formatInstant(now),
    finishedAt: formatInstant(now),
    durationMs: run.startedAt ? Math.max(0, now.getTime() - Date.parse(run.startedAt)) : 0,
  };
  const schedule = run.scheduleId ? ((await deps.schedules.get(run.tenantId, run.scheduleId)) ?? null) : null;
  const outcome = await endRun(deps, cancelled, schedule);
  if (outcome === 'already_final') {
    // It ended between the read and the write: say how.
    const current = await deps.runs.get(run.tenantId, run.scheduleId, run.id);
    throw new RunFinishedError(run.id, current?.status ?? 'ended', 'cancelled');
  }
  // The next scheduled run need not wait for the cancelled one's deadline.
  if (run.scheduleId) await deps.runs.releaseOverlap(cancelled);
  await cancelBatchOf(deps, cancelled);
  return cancelled;
}

/** A schedule's batch run (not one of its items): its batch is stopped, unless it has ended. */
async function cancelBatchOf(deps: CancelRunDeps, run: Run): Promise<void> {
  if (!run.batchId || run.itemIndex != null) return;
  const progress = batchProgressDeps(deps);
  const batch = progress && (await progress.batches.get(run.tenantId, run.batchId));
  if (!progress || !batch || isFinalBatch(batch.status)) return;
  await stopBatch(progress, batch, 'cancelled');
}
