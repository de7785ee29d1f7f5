// The deliver-notifications function's SQS side: each record delivered once per receive; a delivery to retry is left on
// the queue, hidden for its backoff (ChangeMessageVisibility) and reported as a batch item failure, so SQS redelivers
// it then. SQS's receive count is the attempt number; a record whose delivery throws goes back after the queue's
// visibility timeout, and after maxReceiveCount receives to the dead-letter queue.
import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { DeliveryOutcome, NotificationMessage } from '../../ports/notifications.ts';

/** SQS hides a message at most 12 hours. */
const MAX_VISIBILITY_SECONDS = 12 * 3600;

export interface SqsConsumerDeps {
  deliver: (message: NotificationMessage) => Promise<DeliveryOutcome>;
  /** Hides a received message for this many seconds (its retry's backoff). */
  hide: (record: SQSRecord, seconds: number) => Promise<void>;
  log: (message: string, details: Record<string, unknown>) => void;
}

export async function consumeNotificationBatch(deps: SqsConsumerDeps, event: SQSEvent): Promise<SQSBatchResponse> {
  const failures: string[] = [];
  await Promise.all(
    event.Records.map(async (record) => {
      try {
        const message = parseMessage(record);
        const outcome = await deps.deliver(message);
        if (outcome.status !== 'retry') return;
        await deps.hide(record, Math.min(MAX_VISIBILITY_SECONDS, Math.ceil(outcome.delayMs / 1000)));
        failures.push(record.messageId);
      } catch (error) {
        deps.log('A notification could not be delivered or recorded; SQS redelivers it', {
          messageId: record.messageId,
          receiveCount: record.attributes.ApproximateReceiveCount,
          error: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown',
        });
        failures.push(record.messageId);
      }
    }),
  );
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
}

/** The message in the record's body; its attempt is how often SQS has handed it out. */
function parseMessage(record: SQSRecord): NotificationMessage {
  const message = JSON.parse(record.body) as NotificationMessage;
  if (typeof message?.deliveryId !== 'string' || typeof message.target?.url !== 'string' || typeof message.payload !== 'object') {
    throw new Error('The record is not a notification message.');
  }
  const received = Number(record.attributes.ApproximateReceiveCount);
  return { ...message, attempt: Number.isInteger(received) && received > 0 ? received : message.attempt };
}

/** ChangeMessageVisibility on the queue the record came from. */
export function sqsHider(client: SQSClient, queueUrl: () => string): SqsConsumerDeps['hide'] {
  return async (record, seconds) => {
    await client.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl(), ReceiptHandle: record.receiptHandle, VisibilityTimeout: seconds }));
  };
}
