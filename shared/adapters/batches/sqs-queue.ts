// The batch queue on AWS: each batch item's queued run sent to SQS (ten per SendMessageBatch), which feeds the runner
// one message per invocation. Entries SQS refuses are sent again a few times; any still refused fail the enqueue.
import { SendMessageBatchCommand, type SendMessageBatchCommandOutput, type SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import type { BatchQueue } from '../../ports/batch-queue.ts';
import type { QueuedRunRef } from '../../ports/run-dispatcher.ts';

/** SendMessageBatch takes at most ten entries. */
export const BATCH_QUEUE_CHUNK = 10;
/** Sends of one entry SQS keeps refusing before the enqueue fails (the first send included). */
export const BATCH_QUEUE_ATTEMPTS = 3;
/** Wait before the n-th resend of refused entries: n × this. */
const RETRY_DELAY_MS = 100;

export interface SqsBatchQueueOptions {
  client: SQSClient;
  /** The URL is read when runs are first queued, so building the queue never fails a request or a run. */
  queueUrl: string | (() => string);
  /** @default BATCH_QUEUE_ATTEMPTS */
  attempts?: number;
  /** Waits between resends (tests pass one that does not). */
  sleep?: (ms: number) => Promise<void>;
}

/** The message body: the queued run alone, exactly as the runner parses it. */
export const batchMessageBody = (ref: QueuedRunRef): string =>
  JSON.stringify({ kind: 'queued', tenantId: ref.tenantId, scheduleId: ref.scheduleId, runId: ref.runId });

/** A SendMessageBatch call that threw, with how many runs of its chunk were not queued. */
class ChunkSendError extends Error {
  constructor(
    readonly unsent: number,
    cause: unknown,
  ) {
    super('SendMessageBatch failed.', { cause });
  }
}

export class SqsBatchQueue implements BatchQueue {
  readonly #client: SQSClient;
  readonly #queueUrl: () => string;
  readonly #attempts: number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(options: SqsBatchQueueOptions) {
    this.#client = options.client;
    const { queueUrl } = options;
    this.#queueUrl = typeof queueUrl === 'string' ? () => queueUrl : queueUrl;
    this.#attempts = Math.max(1, options.attempts ?? BATCH_QUEUE_ATTEMPTS);
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async enqueue(refs: QueuedRunRef[]): Promise<void> {
    // Chunks after one with refused entries are still sent (fewer items left waiting); a failed call stops the rest.
    const refused: { runId: string; code: string }[] = [];
    for (let start = 0; start < refs.length; start += BATCH_QUEUE_CHUNK) {
      const chunk = refs.slice(start, start + BATCH_QUEUE_CHUNK);
      try {
        refused.push(...(await this.#sendChunk(chunk)));
      } catch (error) {
        // The SDK already retried the call itself. Not queued: what was refused, this chunk's unsent and every later chunk.
        const unsent = error instanceof ChunkSendError ? error.unsent : chunk.length;
        const notQueued = refused.length + unsent + (refs.length - start - chunk.length);
        throw new Error(`${notQueued} of ${refs.length} batch runs were not queued: SendMessageBatch failed.`, {
          cause: error instanceof ChunkSendError ? error.cause : error,
        });
      }
    }
    if (refused.length > 0) {
      const reasons = refused.map((entry) => `${entry.runId}: ${entry.code}`).join(', ');
      throw new Error(`${refused.length} of ${refs.length} batch runs were not queued: SQS refused them (${reasons}).`);
    }
  }

  /** Sends up to ten runs, resending the ones SQS reports as failed; answers those it still refused. */
  async #sendChunk(chunk: QueuedRunRef[]): Promise<{ runId: string; code: string }[]> {
    let pending: SendMessageBatchRequestEntry[] = chunk.map((ref, index) => ({ Id: String(index), MessageBody: batchMessageBody(ref) }));
    // A sender fault (a malformed or oversized entry) fails the same way every time: it is not sent again.
    const refused: { runId: string; code: string }[] = [];
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      if (attempt > 1) await this.#sleep(RETRY_DELAY_MS * (attempt - 1));
      let result: SendMessageBatchCommandOutput;
      try {
        result = await this.#client.send(new SendMessageBatchCommand({ QueueUrl: this.#queueUrl(), Entries: pending }));
      } catch (error) {
        throw new ChunkSendError(pending.length + refused.length, error);
      }
      const failed = new Map((result.Failed ?? []).map((entry) => [entry.Id, entry]));
      const retry: SendMessageBatchRequestEntry[] = [];
      for (const entry of pending) {
        const failure = failed.get(entry.Id);
        if (!failure) continue;
        if (failure.SenderFault !== true && attempt < this.#attempts) retry.push(entry);
        else refused.push({ runId: chunk[Number(entry.Id)]!.runId, code: failure.Code ?? 'unknown' });
      }
      pending = retry;
    }
    return refused;
  }
}

/** The SQS client of a function (default credentials and region). */
export function createSqsClient(): SQSClient {
  return new SQSClient({});
}
