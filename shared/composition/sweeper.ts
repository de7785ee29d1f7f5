// Dependencies of the sweeper: runs and schedules, the clock, and a log for what it could not end; the backfill store,
// the settings (budgets) and the dispatcher start a backfill's next occurrence when it ends one of its runs. Missed-run
// detection, its second job, has dependencies of its own.
import { logger } from '../logger.ts';
import type { MissedRunDeps } from '../use-cases/detect-missed-runs.ts';
import type { SweepDeps } from '../use-cases/end-overdue-runs.ts';
import { notifyMissed } from '../use-cases/notifications.ts';
import { lazyRunDispatcher } from './dispatch.ts';
import { notifyDeps } from './notifications.ts';
import { batchContinuation } from './batches.ts';
import { clock, settings } from './runtime.ts';
import { backfillStore, runStore, scheduleStore } from './stores.ts';

export async function sweepDeps(): Promise<SweepDeps> {
  return {
    runs: runStore(),
    schedules: scheduleStore(),
    clock: clock(),
    backfills: backfillStore(),
    settings: settings(),
    dispatcher: lazyRunDispatcher(),
    notifications: await notifyDeps(),
    ...batchContinuation(),
    log: (message, details) => logger.warn(message, details),
  };
}

/** Dependencies of missed-run detection: schedules and runs, the clock, the settings (the grace period), a log, and schedule.missed. */
export async function missedRunDeps(): Promise<MissedRunDeps> {
  const notifications = await notifyDeps();
  return {
    schedules: scheduleStore(),
    runs: runStore(),
    clock: clock(),
    settings: settings(),
    log: (message, details) => logger.warn(message, details),
    onMissed: async (schedule, run) => notifyMissed(notifications, schedule, run),
  };
}
