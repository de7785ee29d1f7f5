// Wiring for the routes that change schedules: the stores plus the EventBridge Scheduler mirror.
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { randomIds } from '../../ports/random-ids.ts';
import type { SchedulerMirror } from '../../ports/scheduler-mirror.ts';
import type { ScheduleDeps } from '../../use-cases/schedule-rules.ts';
import { EventBridgeSchedulerMirror, schedulerMirrorConfigFromEnv } from '../eventbridge-scheduler/scheduler-mirror.ts';
import { logger } from '../../logger.ts';
import { agentStore, clock, once, overrides, scheduleStore, settings } from './core.ts';


const instrumented = <T>(client: T): T => (overrides.instrument ? overrides.instrument(client) : client);

export function schedulerMirror(): SchedulerMirror {
  return overrides.mirror ?? once('schedulerMirror', () => new EventBridgeSchedulerMirror({ client: instrumented(new SchedulerClient({})), config: schedulerMirrorConfigFromEnv(), clock: clock() }));
}

export function scheduleDeps(): ScheduleDeps {
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
