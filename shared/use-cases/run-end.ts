// The end of a run, wherever it ends (the runner, a callback, a cancel, the sweeper): its final state written once with
// its schedule's counters, then what follows from it — the schedule paused after too many failures, and the
// notifications of its end (queued, never waited on).
import type { TenantPrincipal } from '../domain/principal.ts';
import type { Run } from '../domain/run.ts';
import type { Schedule } from '../domain/schedule.ts';
import { StaleVersionError } from '../domain/errors.ts';
import type { FinishOutcome } from '../ports/run-store.ts';
import type { RunnerDeps } from './runner-deps.ts';
import { applyChanges } from './schedule-changes.ts';
import { computeNextRunAt } from './schedule-timing.ts';
import { updateWithMirror } from './scheduler-sync.ts';
import { retryStale } from './retry.ts';
import { notifyRunEnded } from './notifications.ts';

export type EndRunDeps = Pick<RunnerDeps, 'runs' | 'schedules' | 'agents' | 'mirror' | 'clock' | 'ids' | 'settings' | 'log' | 'notifications'>;

/**
 * Records a finished run (see recordFinalState); when it failed and its schedule has failed too often in a row,
 * pauses the schedule; then queues its notifications (run.*, schedule.recovered, schedule.auto_paused). 'already_final':
 * someone else ended it first (the sweeper, a cancel, a callback); its record stands and nothing follows.
 */
export async function endRun(deps: EndRunDeps, run: Run, schedule: Schedule | null): Promise<Exclude<FinishOutcome, 'schedule_changed'>> {
  const result = await recordFinalState(deps, run, schedule);
  if (result === 'already_final') {
    deps.log?.('Run was already ended; this result is not recorded', { runId: run.id, status: run.status });
    return result;
  }
  const threshold = deps.settings.autoDisableAfterFailures;
  const failed = run.status === 'failed' || run.status === 'timed_out';
  let autoPaused = false;
  // Checked against the schedule as it is now: overlapping runs may have failed meanwhile too.
  if (schedule && failed && result === 'recorded' && threshold > 0 && schedule.scheduleType === 'recurring') {
    autoPaused = await pauseAfterFailures(deps, schedule, threshold, run).catch((error: unknown) => {
      deps.log?.('Could not pause a schedule after repeated failures', { scheduleId: schedule.id, error: error instanceof Error ? error.name : 'unknown' });
      return false;
    });
  }
  if (result === 'recorded') {
    await notifyRunEnded(deps.notifications, { run, schedule, previousConsecutiveFailures: schedule?.consecutiveFailures ?? 0, autoPaused });
  }
  return result;
}

type FinalDeps = Pick<RunnerDeps, 'runs' | 'schedules' | 'clock' | 'log'>;

/**
 * Writes a run's final state (with its schedule's counters when it has one). Nothing an agent returned can keep a
 * run from ending: if that write fails, the run is recorded as failed without the agent's output and usage; if even
 * that fails, the error propagates and the sweeper ends the run at its deadline.
 */
export async function recordFinalState(deps: FinalDeps, run: Run, schedule: Schedule | null): Promise<Exclude<FinishOutcome, 'schedule_changed'>> {
  const write = (final: Run) =>
    schedule
      ? finishWithSchedule(deps, final, schedule)
      : deps.runs.finishRun(final, null).then((outcome) => (outcome === 'schedule_changed' ? 'recorded' : outcome));
  try {
    return await write(run);
  } catch (error) {
    deps.log?.("Could not record a run's result; recording it as failed", { runId: run.id, error: error instanceof Error ? error.name : 'unknown' });
    const reason = error instanceof Error ? error.name : 'unknown error';
    return write({
      ...run,
      status: 'failed',
      output: null,
      truncated: false,
      usage: null,
      error: {
        kind: 'internal',
        message: `The run ended (${run.status}) but its result could not be stored (${reason}); it is recorded as failed without its output.`,
      },
    });
  }
}

/**
 * Writes the run's final state with its schedule's counters (and, when the run holds it, the overlap marker given up);
 * a schedule paused or re-timed meanwhile is re-read.
 */
async function finishWithSchedule(deps: FinalDeps, run: Run, read: Schedule): Promise<Exclude<FinishOutcome, 'schedule_changed'>> {
  let schedule = read;
  const withoutSchedule = async () => ((await deps.runs.finishRun(run, null)) === 'already_final' ? 'already_final' : 'schedule_gone');
  const changing = () => new StaleVersionError(`Schedule ${read.id} kept changing while run ${run.id} was recorded.`);
  try {
    return await retryStale(async () => {
      const failed = run.status === 'failed' || run.status === 'timed_out';
      const result = await deps.runs.finishRun(run, {
        schedule,
        status: run.status,
        lastRunAt: run.startedAt ?? run.finishedAt!,
        lastError: failed ? { message: run.error!.message, kind: run.error!.kind, at: run.finishedAt! } : null,
        nextRunAt: computeNextRunAt(schedule, deps.clock.now()),
        complete: run.trigger === 'schedule' && schedule.scheduleType === 'one-time' && schedule.enabled,
        // A run holding the overlap marker gives it up in the same write: the next fire need not wait.
        releaseOverlap: schedule.runningRunId === run.id,
      });
      if (result !== 'schedule_changed') return result;
      const current = await deps.schedules.get(run.tenantId, schedule.id);
      if (!current) return withoutSchedule();
      schedule = current;
      throw changing();
    }, changing);
  } catch (error) {
    // The schedule kept changing: the run's own record is still written, without the counters, and the overlap
    // marker given up by a write of its own (if the run still holds it).
    if (!(error instanceof StaleVersionError)) throw error;
    const outcome = await withoutSchedule();
    await deps.runs.releaseOverlap(run);
    return outcome;
  }
}

/** The deployment's autoDisableAfterFailures: paused in both stores, with the reason on the schedule. True when it paused it. */
async function pauseAfterFailures(deps: EndRunDeps, schedule: Schedule, threshold: number, run: Run): Promise<boolean> {
  let paused = false;
  const owner: TenantPrincipal = {
    role: 'tenant',
    tenantId: schedule.tenantId,
    userId: schedule.userId,
    teamId: schedule.teamId ?? undefined,
    keyId: 'runner',
  };
  await updateWithMirror({ ...deps, log: deps.log }, owner, schedule.id, (current) => {
    paused = current.enabled && current.consecutiveFailures >= threshold;
    if (!paused) return current;
    return {
      ...applyChanges(deps, current, { enabled: false }),
      statusReason: `Paused after ${current.consecutiveFailures} consecutive failed runs (last: ${run.error?.kind}: ${run.error?.message.slice(0, 200)}). Fix the cause, then enable it again.`,
    };
  });
  return paused;
}
