// Notification delivery on AWS: the queue the runner and the sweeper send events to (sqs:SendMessage, nothing else),
// its dead-letter queue and the alarm on it, and the deliver-notifications function as the queue's consumer.
import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AgentFunction } from './agent-function.ts';
import { deadLetteredQueue } from './dead-lettered-queue.ts';

export interface AgentSchedulesNotificationsProps {
  /** deliver-notifications (NOTIFIER_SPEC), already bound to the table and the signing secret. */
  readonly deliverFunction: AgentFunction;
  /** The functions that emit notifications: each may send to the queue, and only that. */
  readonly senders: readonly AgentFunction[];
  /** Where the dead-letter alarm goes (on alarm and on OK). */
  readonly alarmTopic: ITopic;
  /**
   * Receives of one message before it moves to the dead-letter queue. Above the deliverer's own attempts (5), so only
   * messages the function could not process at all (it threw: the log could not be written) end up there.
   * @default 8
   */
  readonly maxReceiveCount?: number;
}

/** Records per invocation; each is delivered concurrently. */
export const NOTIFY_BATCH_SIZE = 10;
/** Past the function's timeout (30 s) several times over, so a record is never handed out twice at once. */
export const NOTIFY_VISIBILITY_TIMEOUT = Duration.minutes(3);

export class AgentSchedulesNotifications extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  /** Messages in the dead-letter queue: notifications that will not be delivered without an operator. */
  readonly deadLettersAlarm: Alarm;

  constructor(scope: Construct, id: string, props: AgentSchedulesNotificationsProps) {
    super(scope, id);
    const maxReceiveCount = props.maxReceiveCount ?? 8;
    ({
      queue: this.queue,
      deadLetterQueue: this.deadLetterQueue,
      deadLettersAlarm: this.deadLettersAlarm,
    } = deadLetteredQueue(this, {
      visibilityTimeout: NOTIFY_VISIBILITY_TIMEOUT,
      maxReceiveCount,
      alarmDescription: `Notifications could not be processed (the deliverer failed on them ${maxReceiveCount} times) and wait in the notification dead-letter queue. See README › Notifications.`,
      alarmTopic: props.alarmTopic,
    }));

    props.deliverFunction.function.addEventSource(
      new SqsEventSource(this.queue, { batchSize: NOTIFY_BATCH_SIZE, reportBatchItemFailures: true, maxBatchingWindow: Duration.seconds(1) }),
    );
    props.deliverFunction.bindNotificationQueue(this.queue, 'consume');
    for (const sender of props.senders) sender.bindNotificationQueue(this.queue, 'send');
  }
}
