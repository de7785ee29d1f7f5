// The runner: invoked by EventBridge Scheduler (a scheduled event), by a trigger (a queued run) or by the batch queue
// (SQS records, each a batch item's queued run); runs the agent once per run.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import * as z from 'zod/mini';
import { RUN_METRICS } from '#shared/run-metrics.ts';
import { runnerDeps, traceAwsClients } from '#shared/composition/runner.ts';
import { logger } from '#shared/logger.ts';
import { executeQueuedRun, executeScheduledRun, type RunnerDeps, type RunnerOutcome } from '#shared/use-cases/execute-run.ts';
// zod's English issue messages, for the log lines below as for the API's 400s.
import '#shared/domain/validation.ts';

const ScheduledEventInput = z.object({
  tenantId: z.string().check(z.minLength(1)),
  scheduleId: z.string().check(z.minLength(1)),
  scheduledTime: z.iso.datetime({ offset: true }),
  executionId: z._default(z.string(), ''),
  agentId: z.optional(z.nullable(z.string())),
  // EventBridge fills the placeholder into a JSON string, so the attempt arrives as text.
  attempt: z._default(z.coerce.number().check(z.int(), z.gte(1)), 1),
});

// Run counts for the dashboard and alarms: EMF without dimensions; the namespace comes from POWERTOOLS_METRICS_NAMESPACE.
const metrics = new Metrics({ serviceName: 'agent-schedules' });
metrics.clearDefaultDimensions();

traceAwsClients();

const QueuedRunInput = z.object({
  kind: z.literal('queued'),
  tenantId: z.string().check(z.minLength(1)),
  scheduleId: z.nullable(z.string()),
  runId: z.string().check(z.minLength(1)),
});

/** The batch queue's event: SQS records (one per invocation, batchSize 1), each body a queued run. */
const SqsEventInput = z.object({
  Records: z.array(z.looseObject({ eventSource: z.literal('aws:sqs'), messageId: z.string().check(z.minLength(1)), body: z.string() })).check(z.minLength(1)),
});

export const handler = async (event: unknown, context?: Context): Promise<RunnerOutcome | SQSBatchResponse> => {
  // Lambda request id and cold start on every log line (the local server calls this without a context).
  if (context) logger.addContext(context);
  const deps = await runnerDeps(context ? () => context.getRemainingTimeInMillis() : undefined);
  const records = SqsEventInput.safeParse(event);
  if (records.success) return runBatchItems(deps, records.data.Records, context);
  const queued = QueuedRunInput.safeParse(event);
  const scheduled = queued.success ? undefined : ScheduledEventInput.safeParse(event);
  if (!queued.success && !scheduled?.success) {
    // Thrown so that, after Lambda's retries (which fail the same way), the event waits in the dead-letter queue.
    logger.error('Runner got an event it does not understand', { issues: scheduled?.error.issues });
    throw new Error('Runner event is neither a scheduled event nor a queued run.');
  }
  const outcome = queued.success ? await executeQueuedRun(deps, queued.data) : await executeScheduledRun(deps, scheduled!.data!);
  report(outcome, context);
  return outcome;
};

/**
 * Each record's run, one after the other. A record whose run threw, or whose body is not a queued run, is reported as
 * a batch item failure: SQS hands it out again after the visibility timeout, and after maxReceiveCount receives it
 * waits in the batch dead-letter queue. The others are deleted from the queue.
 */
async function runBatchItems(deps: RunnerDeps, records: { messageId: string; body: string }[], context?: Context): Promise<SQSBatchResponse> {
  const failures: string[] = [];
  for (const record of records) {
    const ref = QueuedRunInput.safeParse(parseJson(record.body));
    if (!ref.success) {
      logger.error('Runner got a batch queue message that is not a queued run', { messageId: record.messageId, issues: ref.error.issues });
      failures.push(record.messageId);
      continue;
    }
    try {
      report(await executeQueuedRun(deps, ref.data), context);
    } catch (error) {
      logger.error('Runner could not run a batch item; SQS delivers it again', {
        messageId: record.messageId,
        tenantId: ref.data.tenantId,
        runId: ref.data.runId,
        error: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown',
      });
      failures.push(record.messageId);
    }
  }
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
}

const parseJson = (body: string): unknown => {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
};

/** The run's log line, and on Lambda its count in the run metrics. */
function report(outcome: RunnerOutcome, context: Context | undefined): void {
  const run = 'run' in outcome ? outcome.run : undefined;
  logger.info('Runner finished', {
    outcome: outcome.outcome,
    ...(run
      ? {
          tenantId: run.tenantId,
          scheduleId: run.scheduleId,
          runId: run.id,
          status: run.status,
          reason: run.reason,
          durationMs: run.durationMs,
          errorKind: run.error?.kind,
        }
      : {}),
  });
  // Only on Lambda (which always passes a context): the local server calls this handler too, without one.
  const metricName = run ? RUN_METRICS[run.status as keyof typeof RUN_METRICS] : undefined;
  if (context && metricName) {
    // One empty dimension set ("Dimensions": [[]]): CloudWatch extracts the count with no dimensions at all.
    metrics.addDimensions({});
    metrics.addMetric(metricName, MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
  }
}
