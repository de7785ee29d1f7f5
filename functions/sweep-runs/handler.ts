// The sweeper, every 5 minutes (an EventBridge Scheduler rate schedule): ends runs left unfinished past their deadline,
// and records as missed the scheduled times that passed the grace period with no run.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { missedRunDeps, sweepDeps } from '#shared/composition/sweeper.ts';
import { logger } from '#shared/logger.ts';
import { SWEEP_METRICS } from '#shared/run-metrics.ts';
import { detectMissedRuns, type MissedRunsResult } from '#shared/use-cases/detect-missed-runs.ts';
import { endOverdueRuns, type SweepResult } from '#shared/use-cases/end-overdue-runs.ts';

const metrics = new Metrics({ serviceName: 'agent-schedules' });
metrics.clearDefaultDimensions();

export type SweeperResult = SweepResult & { missed: MissedRunsResult['missed']; moreMissed: boolean };

export const handler = async (_event: unknown, context?: Context): Promise<SweeperResult> => {
  if (context) logger.addContext(context);
  // Two jobs, one after the other (a run ended first moves its schedule's nextRunAt), each run whatever became of the
  // other; a failure of either fails the invocation, and the next sweep retries.
  const [ended] = await Promise.allSettled([sweepDeps().then(endOverdueRuns)]);
  const [missed] = await Promise.allSettled([missedRunDeps().then(detectMissedRuns)]);
  if (context) {
    metrics.addDimensions({});
    if (ended.status === 'fulfilled') metrics.addMetric(SWEEP_METRICS.ended, MetricUnit.Count, ended.value.ended.length);
    if (missed.status === 'fulfilled') metrics.addMetric(SWEEP_METRICS.missed, MetricUnit.Count, missed.value.missed.length);
    metrics.publishStoredMetrics();
  }
  if (ended.status === 'rejected') throw ended.reason;
  if (missed.status === 'rejected') throw missed.reason;
  logger.info('Sweep finished', { ended: ended.value.ended.length, more: ended.value.more, missed: missed.value.missed.length, moreMissed: missed.value.more });
  return { ...ended.value, missed: missed.value.missed, moreMissed: missed.value.more };
};
