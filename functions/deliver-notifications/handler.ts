// Delivers queued notifications (SQS event source): one signed POST per record; a delivery to retry stays on the queue,
// hidden for its backoff, and is reported as a batch item failure (README › Notifications).
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { deliverNotificationBatch } from '#shared/composition/notifications.ts';
import { logger } from '#shared/logger.ts';

export const handler = async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
  if (context) logger.addContext(context);
  return deliverNotificationBatch(event);
};
