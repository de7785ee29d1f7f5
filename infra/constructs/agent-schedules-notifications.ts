// Notification delivery on AWS: the queue the runner and the sweeper send events to (sqs:SendMessage, nothing else),
// its dead-letter queue and the alarm on it, and the deliver-notifications function as the queue's consumer.
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AgentFunction } from './agent-function.ts';

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
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: NOTIFY_VISIBILITY_TIMEOUT,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount },
    });

    props.deliverFunction.function.addEventSource(
      new SqsEventSource(this.queue, { batchSize: NOTIFY_BATCH_SIZE, reportBatchItemFailures: true, maxBatchingWindow: Duration.seconds(1) }),
    );
    props.deliverFunction.bindNotificationQueue(this.queue, 'consume');
    for (const sender of props.senders) sender.bindNotificationQueue(this.queue, 'send');

    this.deadLettersAlarm = new Alarm(this, 'DeadLettersAlarm', {
      alarmDescription: `Notifications could not be processed (the deliverer failed on them ${maxReceiveCount} times) and wait in the notification dead-letter queue. See README › Notifications.`,
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const action = new SnsAction(props.alarmTopic);
    this.deadLettersAlarm.addAlarmAction(action);
    this.deadLettersAlarm.addOkAction(action);
  }
}
