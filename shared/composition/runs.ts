// Wiring for starting runs: the dispatcher that hands a queued run to the runner (shared/composition/dispatch.ts).
import type { TriggerDeps } from '../use-cases/trigger-schedule.ts';
import { clock, settings } from './runtime.ts';
import { agentStore, runStore, scheduleStore } from './stores.ts';
import { noSchedulerAccess } from './no-scheduler.ts';
import { notifyDeps } from './notifications.ts';
import { logger } from '../logger.ts';
import { randomIds } from '../adapters/system/ids.ts';
import type { ScheduleDeps } from '../use-cases/schedule-deps.ts';
import { scheduleDeps } from './schedules.ts';
import { runDispatcher } from './dispatch.ts';
import type { CancelRunDeps } from '../use-cases/cancel-run.ts';
import { batchContinuation } from './batches.ts';

export { runDispatcher };

export async function triggerDeps(): Promise<TriggerDeps> {
  return {
    schedules: scheduleStore(),
    runs: runStore(),
    clock: clock(),
    ids: randomIds,
    settings: settings(),
    dispatcher: runDispatcher(),
    log: (message, details) => logger.warn(message, details),
  };
}

/** Cancelling a run: its final state with its schedule's counters (run-end.ts), nothing in the Scheduler. */
export async function cancelDeps(): Promise<CancelRunDeps> {
  // No Scheduler client: a cancel changes no schedule's timing (a cancelled run pauses nothing). A schedule's batch
  // run stops its batch too.
  return {
    schedules: scheduleStore(),
    agents: agentStore(),
    mirror: noSchedulerAccess,
    clock: clock(),
    ids: randomIds,
    settings: settings(),
    log: (message, details) => logger.warn(message, details),
    runs: runStore(),
    notifications: await notifyDeps(),
    ...batchContinuation(),
  };
}

/** Changing schedules and starting runs: POST /v1/runs (with a `schedule` block), and resume (which may catch up). */
export async function scheduleRunDeps(): Promise<ScheduleDeps & TriggerDeps> {
  return { ...(await scheduleDeps()), ...(await triggerDeps()) };
}
