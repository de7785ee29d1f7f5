// Dependencies of the backfill routes: starting one records and dispatches runs; reading one needs the stores only.
import type { BackfillStore } from '../ports/backfill-store.ts';
import type { ScheduleStore } from '../ports/schedule-store.ts';
import type { BackfillDeps } from '../use-cases/backfill.ts';
import { randomIds } from '../adapters/system/ids.ts';
import { logger } from '../logger.ts';
import { runDispatcher } from './dispatch.ts';
import { clock, settings } from './runtime.ts';
import { backfillStore, runStore, scheduleStore } from './stores.ts';

export async function backfillDeps(): Promise<BackfillDeps> {
  return {
    schedules: scheduleStore(),
    runs: runStore(),
    backfills: backfillStore(),
    clock: clock(),
    ids: randomIds,
    settings: settings(),
    dispatcher: runDispatcher(),
    log: (message, details) => logger.warn(message, details),
  };
}

export async function backfillReadDeps(): Promise<{ schedules: ScheduleStore; backfills: BackfillStore }> {
  return { schedules: scheduleStore(), backfills: backfillStore() };
}
