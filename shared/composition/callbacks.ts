// Wiring for agent callbacks: the deployment's signing secret (agent calls are signed with it, callback tokens derive
// from it) and what POST /v1/callbacks/{handle} needs to end a run.
import type { CallbackDeps } from '../use-cases/run-callback.ts';
import { signingSecret } from './signing.ts';
import { scheduleDeps, schedulerMirror } from './schedules.ts';
import { backfillStore, runStore } from './stores.ts';
import { lazyRunDispatcher } from './dispatch.ts';
import { notifyDeps } from './notifications.ts';
import { batchContinuation } from './batches.ts';

/** Ending a run from its callback: its final state and counters, notifications, a backfill's next run (run-end.ts), the token's key. */
export async function callbackDeps(): Promise<CallbackDeps> {
  return {
    ...(await scheduleDeps()),
    runs: runStore(),
    callbackSecret: await signingSecret(),
    notifications: await notifyDeps(),
    ...batchContinuation(schedulerMirror()),
    backfills: backfillStore(),
    dispatcher: lazyRunDispatcher(),
  };
}
