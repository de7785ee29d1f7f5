// The dispatcher that hands a queued run to the runner: an asynchronous invoke of the runner Lambda, or the local
// server's in-process one. Apart from runs.ts so the sweeper can dispatch without bundling the schedule routes' wiring.
import { ENV, requireEnv } from '../config.ts';
import type { RunDispatcher } from '../ports/run-dispatcher.ts';
import { lambdaRunDispatcher } from '../adapters/lambda/run-dispatcher.ts';
import { once, overrides } from './runtime.ts';

export function runDispatcher(): RunDispatcher {
  return overrides.dispatcher ?? once('runDispatcher', () => lambdaRunDispatcher(requireEnv(ENV.runnerFunction)));
}

/**
 * The dispatcher, looked up at each dispatch rather than when the deps are built: the runner's and the sweeper's deps
 * are built before the local server sets its own dispatcher, and they dispatch only when a backfill run ends.
 */
export function lazyRunDispatcher(): RunDispatcher {
  return { dispatch: (ref) => runDispatcher().dispatch(ref) };
}
