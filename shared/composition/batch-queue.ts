// Wiring for the batch queue: SQS on AWS (BATCH_QUEUE_URL; the runner consumes it), or the queue the local server
// installs (useLocalBatchQueue), which runs the items in process.
import { ENV, requireEnv } from '../config.ts';
import type { BatchQueue } from '../ports/batch-queue.ts';
import { SqsBatchQueue, createSqsClient } from '../adapters/batches/sqs-queue.ts';
import { once, overrides } from './runtime.ts';

/** Set by the local server: its in-process queue instead of SQS. */
let localQueue: BatchQueue | undefined;

const sqsQueue = (): BatchQueue =>
  once('batchQueue', () => {
    const client = createSqsClient();
    return new SqsBatchQueue({ client: overrides.instrument ? overrides.instrument(client) : client, queueUrl: () => requireEnv(ENV.batchQueueUrl) });
  });

/**
 * The queue batch items are started through. Never throws: which queue is looked up at each enqueue (the local server
 * installs its own after deps may have been built), and a missing BATCH_QUEUE_URL fails only that enqueue.
 */
export function batchQueue(): BatchQueue {
  return { enqueue: (refs) => (localQueue ?? sqsQueue()).enqueue(refs) };
}

/** The local server's queue (replaces the previous server's). */
export function useLocalBatchQueue(queue: BatchQueue): void {
  localQueue = queue;
}

/** Whether the local server's queue is installed (a batch's compute says engine "local"). */
export function isLocalBatchQueue(): boolean {
  return localQueue !== undefined;
}
