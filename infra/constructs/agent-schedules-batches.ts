// Batch items on AWS: the queue their runs are sent to (sqs:SendMessage, nothing else, for the functions that start
// items), its dead-letter queue and the alarm on it, and the runner as the queue's consumer, one run per invocation.
import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AgentFunction } from './agent-function.ts';
import { deadLetteredQueue } from './dead-lettered-queue.ts';

export interface AgentSchedulesBatchesProps {
  /** The runner (RUNNER_SPEC): consumes the queue, one queued run per invocation. */
  readonly runner: AgentFunction;
  /** The functions that start batch items: each may send to the queue, and only that. */
  readonly senders: readonly AgentFunction[];
  /** Where the dead-letter alarm goes (on alarm and on OK). */
  readonly alarmTopic: ITopic;
  /**
   * Runner invocations the queue may have going at once, across all batches of the deployment (2–1000). Each batch's
   * own `maxConcurrency` is kept by the batch record's claims (an item is only sent once it holds a slot), so this only
   * caps the account-level fan-out: how much of the account's Lambda concurrency batches can take from scheduled runs.
   * @default BATCH_MAX_CONCURRENCY (50)
   */
  readonly maxConcurrency?: number;
}

/** Runner invocations the batch queue keeps going at most, unless the prop says otherwise. */
export const BATCH_MAX_CONCURRENCY = 50;
/** Receives of one message before it moves to the dead-letter queue. */
export const BATCH_MAX_RECEIVE_COUNT = 3;
/** AWS guidance for Lambda event sources: a queue's visibility timeout is at least six times the function's timeout. */
export const BATCH_VISIBILITY_FACTOR = 6;

export class AgentSchedulesBatches extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  /** Messages in the dead-letter queue: batch items the runner could not take up, waiting for an operator. */
  readonly deadLettersAlarm: Alarm;

  constructor(scope: Construct, id: string, props: AgentSchedulesBatchesProps) {
    super(scope, id);
    const maxConcurrency = props.maxConcurrency ?? BATCH_MAX_CONCURRENCY;
    if (!Number.isInteger(maxConcurrency) || maxConcurrency < 2 || maxConcurrency > 1000) {
      throw new Error(`AgentSchedulesBatches: maxConcurrency must be a whole number from 2 to 1000 (Lambda's SQS limits), not ${maxConcurrency}.`);
    }
    const runnerTimeout = props.runner.function.timeout ?? Duration.seconds(3);

    ({
      queue: this.queue,
      deadLetterQueue: this.deadLetterQueue,
      deadLettersAlarm: this.deadLettersAlarm,
    } = deadLetteredQueue(this, {
      // A message stays hidden while its run may still be going, so an item is never run twice at once.
      visibilityTimeout: Duration.seconds(runnerTimeout.toSeconds() * BATCH_VISIBILITY_FACTOR),
      maxReceiveCount: BATCH_MAX_RECEIVE_COUNT,
      alarmDescription: `Batch items the runner failed on ${BATCH_MAX_RECEIVE_COUNT} times (it threw, or the message was not a queued run) wait in the batch dead-letter queue. See README › Batches.`,
      alarmTopic: props.alarmTopic,
    }));

    props.runner.function.addEventSource(new SqsEventSource(this.queue, { batchSize: 1, reportBatchItemFailures: true, maxConcurrency }));
    const memoryMb = props.runner.memoryMb;
    props.runner.bindBatchQueue(this.queue, 'consume', memoryMb);
    for (const sender of props.senders) sender.bindBatchQueue(this.queue, 'send', memoryMb);
  }
}
