// The sweeper's job: every run left unfinished past its deadline (a runner killed by out-of-memory, a server killed
// mid-run) is ended by the service — timed_out, counted on its schedule, its overlap marker released.
import { formatInstant } from '../expressions/index.ts';
import { STUCK_RUN_GRACE_MS, type Run } from '../domain/run.ts';
import type { Settings } from '../config.ts';
import type { BackfillStore } from '../ports/backfill-store.ts';
import type { Clock } from '../ports/clock.ts';
import type { RunDispatcher } from '../ports/run-dispatcher.ts';
import type { RunStore } from '../ports/run-store.ts';
import type { ScheduleStore } from '../ports/schedule-store.ts';
import { continuationDeps, continueAfterRun } from './backfill.ts';
import { recordFinalState } from './run-end.ts';
import { notifyRunEnded, type NotifyDeps } from './notifications.ts';
import { batchProgressDeps, type BatchContinuation } from './batches/batch-deps.ts';
import { continueBatchAfterRun } from './batches/batch-progress.ts';

export interface SweepDeps extends BatchContinuation {
  runs: RunStore;
  schedules: ScheduleStore;
  clock: Clock;
  log?: (message: string, details: Record<string, unknown>) => void;
  /**
   * A backfill run the sweeper ends starts its backfill's next occurrence (as the runner does when it ends one):
   * through these three (shared/composition/sweeper.ts wires them). Without them its backfill waits.
   */
  backfills?: BackfillStore;
  settings?: Settings;
  dispatcher?: RunDispatcher;
  /** A run the sweeper ends is notified like any other (run.timed_out, run.failed); without these, none are sent. */
  notifications?: NotifyDeps;
}

export interface SweepResult {
  /** Runs this sweep gave a final state. */
  ended: string[];
  /** True when there may be more overdue runs than one sweep takes. */
  more: boolean;
}

/** How many overdue runs one sweep ends; the next sweep (5 minutes later on AWS) takes the rest. */
export const SWEEP_BATCH = 100;

/**
 * Ends overdue runs. `everyUnfinished` ends every queued or running run whatever its deadline: the local server
 * at start-up, where no process can still be running them.
 */
export async function endOverdueRuns(deps: SweepDeps, options: { everyUnfinished?: boolean } = {}): Promise<SweepResult> {
  const now = deps.clock.now();
  const cutoff = options.everyUnfinished ? '9999' : now.toISOString();
  const refs = await deps.runs.listOverdue(cutoff, SWEEP_BATCH);
  const ended: string[] = [];
  for (const ref of refs) {
    const run = await deps.runs.get(ref.tenantId, ref.scheduleId, ref.runId);
    if (!run || (run.status !== 'queued' && run.status !== 'running')) {
      // Listed from its schedule state's in-flight runs, though it has ended (or its start died before the run was
      // written, and no retry came): that entry goes; the run is not ended again.
      if (ref.scheduleId) await deps.runs.releaseOverlap({ tenantId: ref.tenantId, scheduleId: ref.scheduleId, id: ref.runId });
      continue;
    }
    const final = endedRun(run, now, options.everyUnfinished ?? false);
    const schedule = run.scheduleId ? ((await deps.schedules.get(run.tenantId, run.scheduleId)) ?? null) : null;
    try {
      const outcome = await recordFinalState(deps, final, schedule);
      if (outcome !== 'already_final') ended.push(run.id);
      if (run.scheduleId) await deps.runs.releaseOverlap(run);
      if (outcome === 'recorded') {
        await notifyRunEnded(deps.notifications, { run: final, schedule, previousConsecutiveFailures: schedule?.consecutiveFailures ?? 0, autoPaused: false });
      }
    } catch (error) {
      deps.log?.('Could not end an overdue run; the next sweep retries', { runId: run.id, error: error instanceof Error ? error.name : 'unknown' });
      continue;
    }
    if (run.backfillId) await continueBackfill(deps, final);
    if (run.batchId) await continueBatch(deps, final);
  }
  if (ended.length > 0) deps.log?.('Ended overdue runs', { count: ended.length, runIds: ended.slice(0, 20) });
  return { ended, more: refs.length >= SWEEP_BATCH };
}

/** The backfill of a run just ended moves on to its next occurrence (idempotent: the runner may have done it first). */
async function continueBackfill(deps: SweepDeps, run: Run): Promise<void> {
  const continuation = continuationDeps(deps);
  if (!continuation) {
    deps.log?.('Ended a backfill run but the sweeper has no backfill store or dispatcher; its backfill does not continue', { runId: run.id });
    return;
  }
  try {
    await continueAfterRun(continuation, run);
  } catch (error) {
    deps.log?.('Could not continue the backfill of an ended run', {
      runId: run.id,
      backfillId: run.backfillId,
      error: error instanceof Error ? error.name : 'unknown',
    });
  }
}

/** The batch of an item the sweeper ended frees its slot and starts its next items (idempotent, like the runner's). */
async function continueBatch(deps: SweepDeps, run: Run): Promise<void> {
  const progress = batchProgressDeps(deps);
  if (!progress) {
    deps.log?.('Ended a batch item but the sweeper has no batch store or queue; its batch does not continue', { runId: run.id });
    return;
  }
  await continueBatchAfterRun(progress, run).catch((error: unknown) =>
    deps.log?.('Could not continue the batch of an ended run', { runId: run.id, batchId: run.batchId, error: error instanceof Error ? error.name : 'unknown' }),
  );
}

function endedRun(run: Run, now: Date, atRestart: boolean): Run {
  const finishedAt = formatInstant(now);
  const durationMs = run.startedAt ? Math.max(0, now.getTime() - Date.parse(run.startedAt)) : 0;
  if (run.status === 'queued') {
    const why = atRestart ? 'the local server stopped before it started' : 'the runner was never reached (its invocations failed or were throttled)';
    return {
      ...run,
      status: 'failed',
      finishedAt,
      durationMs,
      error: { kind: 'internal', message: `The run never started: ${why}. Nothing ran; ended by the service.` },
    };
  }
  const why = atRestart
    ? 'the local server stopped while it was running'
    : `it did not finish by its deadline (${run.deadlineAt}) plus ${STUCK_RUN_GRACE_MS / 60_000} minutes: the runner stopped before recording a result (killed, out of memory, or timed out)`;
  return { ...run, status: 'timed_out', finishedAt, durationMs, error: { kind: 'timeout', message: `The run was ended by the service: ${why}.` } };
}
