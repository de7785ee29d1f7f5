// An encrypted, TLS-only SQS queue with its dead-letter queue and an alarm (to the alarm topic, on alarm and on OK)
// as soon as one message waits there: what the batch and notification queues share. Made in the caller's scope with
// fixed ids (Queue, DeadLetterQueue, DeadLettersAlarm), so each caller's resources keep their logical ids.
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

export interface DeadLetteredQueue {
  queue: Queue;
  deadLetterQueue: Queue;
  deadLettersAlarm: Alarm;
}

export function deadLetteredQueue(
  scope: Construct,
  options: { visibilityTimeout: Duration; maxReceiveCount: number; alarmDescription: string; alarmTopic: ITopic },
): DeadLetteredQueue {
  const deadLetterQueue = new Queue(scope, 'DeadLetterQueue', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  const queue = new Queue(scope, 'Queue', {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    visibilityTimeout: options.visibilityTimeout,
    retentionPeriod: Duration.days(4),
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: options.maxReceiveCount },
  });
  const deadLettersAlarm = new Alarm(scope, 'DeadLettersAlarm', {
    alarmDescription: options.alarmDescription,
    metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
    threshold: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  const action = new SnsAction(options.alarmTopic);
  deadLettersAlarm.addAlarmAction(action);
  deadLettersAlarm.addOkAction(action);
  return { queue, deadLetterQueue, deadLettersAlarm };
}
