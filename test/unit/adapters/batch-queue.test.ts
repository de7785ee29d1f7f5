// The batch queue on SQS: a batch item's queued run per message (its JSON, exactly what the runner parses), ten per
// SendMessageBatch, entries SQS reports as failed sent again a few times, and an enqueue that fails naming how many
// runs were not queued (none are ever left unsent silently).
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { BATCH_QUEUE_ATTEMPTS, SqsBatchQueue } from '#shared/adapters/batches/sqs-queue.ts';
import type { QueuedRunRef } from '#shared/ports/run-dispatcher.ts';

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/batch-queue';

const ref = (index: number, scheduleId: string | null = null): QueuedRunRef => ({
  kind: 'queued',
  tenantId: 'acme',
  scheduleId,
  runId: `run_${String(index).padStart(2, '0')}`,
});
const body = (queued: QueuedRunRef) => JSON.stringify({ kind: 'queued', tenantId: queued.tenantId, scheduleId: queued.scheduleId, runId: queued.runId });

const sqs = mockClient(SQSClient);
afterEach(() => sqs.reset());

/** A queue over the mocked client that records its waits instead of waiting. */
function batchQueue(queueUrl: string | (() => string) = QUEUE_URL) {
  const waits: number[] = [];
  const queue = new SqsBatchQueue({
    client: new SQSClient({ region: 'eu-west-1' }),
    queueUrl,
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
  return { queue, waits };
}

const sent = () => sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input);

describe('SqsBatchQueue', () => {
  it('sends the runs ten per SendMessageBatch, each body the queued run as JSON', async () => {
    // Prepare
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const { queue, waits } = batchQueue();
    const refs = Array.from({ length: 12 }, (_, index) => ref(index, index === 0 ? 'sched_1' : null));

    // Act
    await queue.enqueue(refs);

    // Assess
    expect(sent()).toEqual([
      { QueueUrl: QUEUE_URL, Entries: refs.slice(0, 10).map((queued, index) => ({ Id: String(index), MessageBody: body(queued) })) },
      { QueueUrl: QUEUE_URL, Entries: refs.slice(10).map((queued, index) => ({ Id: String(index), MessageBody: body(queued) })) },
    ]);
    expect(JSON.parse(sent()[0]!.Entries![0]!.MessageBody!)).toEqual({ kind: 'queued', tenantId: 'acme', scheduleId: 'sched_1', runId: 'run_00' });
    expect(waits).toEqual([]);
  });

  it('sends nothing for no runs, and reads the queue URL only when it sends', async () => {
    // Prepare
    let reads = 0;
    const { queue } = batchQueue(() => {
      reads += 1;
      return QUEUE_URL;
    });

    // Act
    await queue.enqueue([]);

    // Assess
    expect(sent()).toEqual([]);
    expect(reads).toBe(0);
  });

  it('sends again only the entries SQS reports as failed, and resolves once they are accepted', async () => {
    // Prepare
    const refs = [ref(1), ref(2), ref(3)];
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({
        Successful: [{ Id: '0', MessageId: 'm0', MD5OfMessageBody: '' }],
        Failed: [
          { Id: '1', Code: 'InternalError', SenderFault: false },
          { Id: '2', Code: 'ServiceUnavailable', SenderFault: false },
        ],
      })
      .resolvesOnce({ Successful: [{ Id: '1', MessageId: 'm1', MD5OfMessageBody: '' }], Failed: [{ Id: '2', Code: 'ServiceUnavailable', SenderFault: false }] })
      .resolvesOnce({ Successful: [{ Id: '2', MessageId: 'm2', MD5OfMessageBody: '' }], Failed: [] });
    const { queue, waits } = batchQueue();

    // Act
    await queue.enqueue(refs);

    // Assess
    expect(sent()).toEqual([
      { QueueUrl: QUEUE_URL, Entries: refs.map((queued, index) => ({ Id: String(index), MessageBody: body(queued) })) },
      {
        QueueUrl: QUEUE_URL,
        Entries: [
          { Id: '1', MessageBody: body(refs[1]!) },
          { Id: '2', MessageBody: body(refs[2]!) },
        ],
      },
      { QueueUrl: QUEUE_URL, Entries: [{ Id: '2', MessageBody: body(refs[2]!) }] },
    ]);
    expect(waits).toEqual([100, 200]);
  });

  it(`fails naming how many runs were not queued when SQS still refuses them after ${BATCH_QUEUE_ATTEMPTS} sends, after sending the other chunks`, async () => {
    // Prepare
    const refs = Array.from({ length: 11 }, (_, index) => ref(index));
    // run_04 is refused every time; everything else is accepted.
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string; MessageBody: string }[] }) => ({
      Successful: [],
      Failed: input.Entries.filter((entry) => JSON.parse(entry.MessageBody).runId === 'run_04').map((entry) => ({
        Id: entry.Id,
        Code: 'InternalError',
        SenderFault: false,
      })),
    }));
    const { queue } = batchQueue();

    // Act
    const error = await queue.enqueue(refs).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('1 of 11 batch runs were not queued: SQS refused them (run_04: InternalError).');
    expect(sent().map((input) => input.Entries!.map((entry) => entry.Id))).toEqual([['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'], ['4'], ['4'], ['0']]);
  });

  it('does not send again an entry refused as the sender’s fault', async () => {
    // Prepare
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [{ Id: '0', Code: 'InvalidParameterValue', SenderFault: true }] });
    const { queue } = batchQueue();

    // Act
    const error = await queue.enqueue([ref(1), ref(2)]).catch((caught: unknown) => caught);

    // Assess
    expect((error as Error).message).toBe('1 of 2 batch runs were not queued: SQS refused them (run_01: InvalidParameterValue).');
    expect(sent()).toHaveLength(1);
  });

  it('fails naming every run not queued when a send fails outright: the chunk and all after it', async () => {
    // Prepare
    const refs = Array.from({ length: 25 }, (_, index) => ref(index));
    sqs
      .on(SendMessageBatchCommand)
      .resolvesOnce({ Successful: [], Failed: [] })
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const { queue } = batchQueue();

    // Act
    const error = await queue.enqueue(refs).catch((caught: unknown) => caught);

    // Assess
    expect((error as Error).message).toBe('15 of 25 batch runs were not queued: SendMessageBatch failed.');
    expect(((error as Error).cause as Error).name).toBe('ThrottlingException');
    expect(sent()).toHaveLength(2);
  });

  it('fails with the missing queue URL as the cause, sending nothing', async () => {
    // Prepare
    const { queue } = batchQueue(() => {
      throw new Error('Environment variable BATCH_QUEUE_URL is required but not set.');
    });

    // Act
    const error = await queue.enqueue([ref(1)]).catch((caught: unknown) => caught);

    // Assess
    expect((error as Error).message).toBe('1 of 1 batch runs were not queued: SendMessageBatch failed.');
    expect(((error as Error).cause as Error).message).toMatch(/BATCH_QUEUE_URL/);
    expect(sent()).toEqual([]);
  });
});
