// Wiring for the routes that change schedules: the stores plus the EventBridge Scheduler mirror.
import { randomIds } from '../adapters/system/ids.ts';
import type { SchedulerMirror } from '../ports/scheduler-mirror.ts';
import type { ScheduleDeps } from '../use-cases/schedule-deps.ts';
import { eventBridgeSchedulerMirror } from '../adapters/eventbridge-scheduler/scheduler-mirror.ts';
import { logger } from '../logger.ts';
import { clock, once, overrides, settings } from './runtime.ts';
import { agentStore, scheduleStore } from './stores.ts';

const instrumented = <T>(client: T): T => (overrides.instrument ? overrides.instrument(client) : client);

export function schedulerMirror(): SchedulerMirror {
  return overrides.mirror ?? once('schedulerMirror', () => eventBridgeSchedulerMirror(clock(), instrumented));
}

export async function scheduleDeps(): Promise<ScheduleDeps> {
  return {
    schedules: scheduleStore(),
    agents: agentStore(),
    mirror: schedulerMirror(),
    clock: clock(),
    ids: randomIds,
    settings: settings(),
    log: (message, details) => logger.warn(message, details),
  };
}
