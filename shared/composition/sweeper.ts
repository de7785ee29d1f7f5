// Dependencies of the sweeper: runs and schedules, the clock, and a log for what it could not end.
import { logger } from '../logger.ts';
import type { SweepDeps } from '../use-cases/end-overdue-runs.ts';
import { clock } from './runtime.ts';
import { runStore, scheduleStore } from './stores.ts';

export async function sweepDeps(): Promise<SweepDeps> {
  return { runs: runStore(), schedules: scheduleStore(), clock: clock(), log: (message, details) => logger.warn(message, details) };
}
