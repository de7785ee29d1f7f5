// The sweeper, every 5 minutes (an EventBridge Scheduler rate schedule): ends runs left unfinished past their deadline.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { sweepDeps } from '#shared/composition/sweeper.ts';
import { logger } from '#shared/logger.ts';
import { SWEEP_METRICS } from '#shared/run-metrics.ts';
import { endOverdueRuns, type SweepResult } from '#shared/use-cases/end-overdue-runs.ts';

const metrics = new Metrics({ serviceName: 'agent-schedules' });
metrics.clearDefaultDimensions();

export const handler = async (_event: unknown, context?: Context): Promise<SweepResult> => {
  if (context) logger.addContext(context);
  const result = await endOverdueRuns(await sweepDeps());
  logger.info('Sweep finished', { ended: result.ended.length, more: result.more });
  if (context) {
    metrics.addDimensions({});
    metrics.addMetric(SWEEP_METRICS.ended, MetricUnit.Count, result.ended.length);
    metrics.publishStoredMetrics();
  }
  return result;
};
