// Starting batch items in the runner: an SQS queue feeding the runner on AWS (its dead-letter queue and alarm in
// infra), the local server's in-process dispatcher locally. A message is the item's queued run, like a trigger's.
import type { QueuedRunRef } from './run-dispatcher.ts';

export interface BatchQueue {
  /** Queues each run for the runner; resolves once every one is accepted (throws otherwise: nothing is half-sent silently). */
  enqueue(refs: QueuedRunRef[]): Promise<void>;
}
