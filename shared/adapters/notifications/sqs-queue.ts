// The notification queue on AWS: messages sent to SQS in batches of ten; the deliver-notifications function takes them.
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { NotificationMessage, NotificationQueue } from '../../ports/notifications.ts';

/** SendMessageBatch takes at most ten entries. */
const BATCH_SIZE = 10;

export class SqsNotificationQueue implements NotificationQueue {
  readonly #client: SQSClient;
  readonly #queueUrl: () => string;

  /** The URL is read when a message is first sent, so building the queue never fails a run. */
  constructor(options: { client: SQSClient; queueUrl: string | (() => string) }) {
    this.#client = options.client;
    const { queueUrl } = options;
    this.#queueUrl = typeof queueUrl === 'string' ? () => queueUrl : queueUrl;
  }

  async enqueue(messages: NotificationMessage[]): Promise<void> {
    for (let start = 0; start < messages.length; start += BATCH_SIZE) {
      const batch = messages.slice(start, start + BATCH_SIZE);
      const result = await this.#client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.#queueUrl(),
          Entries: batch.map((message, index) => ({ Id: String(index), MessageBody: JSON.stringify(message) })),
        }),
      );
      const failed = result.Failed ?? [];
      if (failed.length > 0) {
        const reasons = failed.map((entry) => `${batch[Number(entry.Id)]?.deliveryId ?? entry.Id}: ${entry.Code ?? 'unknown'}`).join(', ');
        throw new Error(`SQS refused ${failed.length} of ${batch.length} notification messages (${reasons}).`);
      }
    }
  }
}

/** The SQS client of a function (default credentials and region). */
export function createSqsClient(): SQSClient {
  return new SQSClient({});
}
