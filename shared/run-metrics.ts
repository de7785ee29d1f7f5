// The runner's CloudWatch metrics (EMF, no dimensions): the names the runner emits and the dashboard and alarms read.
import type { RunStatus } from './domain/run.ts';

/** One count per finished run, by its final status; queued and running are never final. */
export const RUN_METRICS = {
  succeeded: 'RunsSucceeded',
  failed: 'RunsFailed',
  timed_out: 'RunsTimedOut',
  skipped: 'RunsSkipped',
} as const satisfies Partial<Record<RunStatus, string>>;

/** Powertools reads the namespace from this variable; the stack sets it per deployment. */
export const METRICS_NAMESPACE_ENV = 'POWERTOOLS_METRICS_NAMESPACE';

/**
 * The sweeper's counts: runs it had to end (their runner died), and scheduled times it found with no run (the fire was
 * lost: RunsMissed has an alarm). Any at all is worth a look.
 */
export const SWEEP_METRICS = { ended: 'RunsEndedBySweeper', missed: 'RunsMissed' } as const;
