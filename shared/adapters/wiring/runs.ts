// Wiring for starting runs: the dispatcher that hands a queued run to the runner.
import { LambdaClient } from '@aws-sdk/client-lambda';
import { ENV, requireEnv } from '../../config.ts';
import type { RunDispatcher } from '../../ports/run-dispatcher.ts';
import type { TriggerDeps } from '../../use-cases/trigger-schedule.ts';
import { LambdaRunDispatcher } from '../lambda/run-dispatcher.ts';
import { clock, once, overrides, runStore, scheduleStore, settings } from './core.ts';
import { logger } from '../../logger.ts';

export function runDispatcher(): RunDispatcher {
  return overrides.dispatcher ?? once('runDispatcher', () => new LambdaRunDispatcher({ client: new LambdaClient({}), functionName: requireEnv(ENV.runnerFunction) }));
}

export function triggerDeps(): TriggerDeps {
  return { schedules: scheduleStore(), runs: runStore(), clock: clock(), settings: settings(), dispatcher: runDispatcher(), log: (message, details) => logger.warn(message, details) };
}
