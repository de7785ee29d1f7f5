// The notification adapters: the webhook POST (signed like agent calls, through the SSRF guard), the local in-process
// queue (after the request, retries due on the injected clock), the SQS consumer (redelivery for retries) and the SQS
// queue (batches of ten, refused entries reported).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChangeMessageVisibilityCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifySignature } from '#shared/adapters/agents/http-agent.ts';
import { LocalNotificationQueue } from '#shared/adapters/notifications/local-queue.ts';
import { consumeNotificationBatch, sqsHider } from '#shared/adapters/notifications/sqs-consumer.ts';
import { SqsNotificationQueue } from '#shared/adapters/notifications/sqs-queue.ts';
import { GuardedWebhookSender } from '#shared/adapters/notifications/webhook-sender.ts';
import type { DeliveryOutcome, NotificationMessage } from '#shared/ports/notifications.ts';
import { FixedClock } from '../../fakes/in-memory.ts';

const SECRET = 'whsec_notifications_test';
const clockAt = () => new FixedClock(new Date('2030-01-01T09:00:00.000Z'));

function message(overrides: Partial<NotificationMessage> = {}): NotificationMessage {
  return {
    deliveryId: 'ntf_20300101T090000Z_aaaaaaaaaaaa',
    eventId: 'run.failed:run_1',
    event: 'run.failed',
    tenantId: 'acme',
    scheduleId: 'sched_AbCdEf12',
    target: { on: ['run.failed'], url: 'https://hooks.example.com/x' },
    payload: { id: 'run.failed:run_1', event: 'run.failed', occurredAt: '2030-01-01T09:00:00.000Z', schedule: null, run: null, link: null },
    attempt: 1,
    ...overrides,
  };
}

describe('GuardedWebhookSender', () => {
  let receiver: Server;
  let url: string;
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(503, { 'content-type': 'text/plain' });
        response.end('try later');
      });
    });
    await new Promise<void>((ready) => receiver.listen(0, '127.0.0.1', ready));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook?token=abc`;
  });
  afterAll(() => receiver.close());
  afterEach(() => {
    received.length = 0;
  });

  it('signs the exact body with the signing secret at the clock’s time, and resolves with any status', async () => {
    // Prepare
    const clock = clockAt();
    const sender = new GuardedWebhookSender({ signingSecret: SECRET, guard: { allowLoopback: true }, clock });
    const body = JSON.stringify({ id: 'run.failed:run_1', text: 'é ✓' });

    // Act
    const answer = await sender.post(
      { url, body, headers: { 'content-type': 'application/json', 'x-agent-schedules-event-id': 'run.failed:run_1' } },
      AbortSignal.timeout(5000),
    );

    // Assess
    expect(answer).toEqual({ status: 503, body: 'try later' });
    expect(received).toHaveLength(1);
    const [request] = received;
    expect(request!.body).toBe(body);
    expect(request!.headers['x-agent-schedules-event-id']).toBe('run.failed:run_1');
    expect(request!.headers['user-agent']).toBe('agent-schedules');
    const now = clock.now().getTime() / 1000;
    expect(verifySignature(request!.headers['x-agent-schedules-signature'] as string, request!.body, SECRET, 300, now)).toBe(true);
    expect(verifySignature(request!.headers['x-agent-schedules-signature'] as string, `${request!.body} `, SECRET, 300, now)).toBe(false);
    expect(verifySignature(request!.headers['x-agent-schedules-signature'] as string, request!.body, 'another secret', 300, now)).toBe(false);
  });

  it('refuses a loopback webhook unless loopback is allowed (the agents’ SSRF guard), and says so of the webhook', async () => {
    // Prepare
    const sender = new GuardedWebhookSender({ signingSecret: SECRET, guard: {}, clock: clockAt() });

    // Act
    const error = await sender.post({ url, body: '{}', headers: {} }, AbortSignal.timeout(5000)).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^Refused to call 127\.0\.0\.1: it is a loopback address/);
    expect(received).toHaveLength(0);
  });
});

describe('LocalNotificationQueue', () => {
  const queues: LocalNotificationQueue[] = [];
  afterEach(async () => {
    for (const queue of queues.splice(0)) await queue.stop();
  });

  function localQueue(deliver: (message: NotificationMessage) => Promise<DeliveryOutcome>, onError?: (error: unknown) => void) {
    const clock = clockAt();
    const queue = new LocalNotificationQueue({ clock, deliver, pollMs: 5, failureDelayMs: 10_000, maxFailures: 2, ...(onError ? { onError } : {}) });
    queues.push(queue);
    return { queue, clock };
  }

  it('delivers after the enqueue returns, and a retry only once the clock reaches its backoff', async () => {
    // Prepare
    const attempts: number[] = [];
    const { queue, clock } = localQueue(async (queued) => {
      attempts.push(queued.attempt);
      return queued.attempt < 2 ? { status: 'retry', delayMs: 30_000, next: { ...queued, attempt: queued.attempt + 1 } } : { status: 'delivered' };
    });

    // Act
    await queue.enqueue([message()]);
    const atEnqueue = [...attempts];
    await vi.waitFor(() => expect(attempts).toEqual([1]));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const beforeBackoff = [...attempts];
    clock.advance(30_000);
    await vi.waitFor(() => expect(attempts).toEqual([1, 2]));
    await queue.idle();

    // Assess
    expect(atEnqueue).toEqual([]);
    expect(beforeBackoff).toEqual([1]);
    expect(queue.waiting).toBe(0);
  });

  it('logs a delivery that throws and tries it again later, a limited number of times', async () => {
    // Prepare
    const errors: unknown[] = [];
    let calls = 0;
    const { queue, clock } = localQueue(
      async () => {
        calls += 1;
        throw new Error('log store down');
      },
      (error) => errors.push(error),
    );

    // Act
    await queue.enqueue([message()]);
    await vi.waitFor(() => expect(calls).toBe(1));
    clock.advance(10_000);
    await vi.waitFor(() => expect(calls).toBe(2));
    await queue.idle();
    clock.advance(10_000);
    await new Promise((resolve) => setTimeout(resolve, 50));

    // Assess
    expect(calls).toBe(2);
    expect(errors).toHaveLength(2);
    expect(queue.waiting).toBe(0);
  });
});

function record(id: string, body: unknown, receiveCount: number): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `receipt-${id}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: { ApproximateReceiveCount: String(receiveCount) } as SQSRecord['attributes'],
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:notifications',
    awsRegion: 'eu-west-1',
  };
}

describe('consumeNotificationBatch', () => {
  it('takes the attempt from the receive count, hides a retry for its backoff and reports only retries and failures', async () => {
    // Prepare
    const seen: NotificationMessage[] = [];
    const hidden: [string, number][] = [];
    const outcomes: Record<string, DeliveryOutcome | Error> = {
      delivered: { status: 'delivered' },
      failed: { status: 'failed' },
      retry: { status: 'retry', delayMs: 60_000, next: message({ attempt: 3 }) },
      throws: new Error('log store down'),
    };
    const event: SQSEvent = {
      Records: [
        record('delivered', message({ deliveryId: 'delivered' }), 1),
        record('failed', message({ deliveryId: 'failed' }), 5),
        record('retry', message({ deliveryId: 'retry' }), 2),
        record('throws', message({ deliveryId: 'throws' }), 1),
        record('garbage', 'not json', 1),
      ],
    };
    const logged: string[] = [];

    // Act
    const response = await consumeNotificationBatch(
      {
        deliver: async (queued) => {
          seen.push(queued);
          const outcome = outcomes[queued.deliveryId]!;
          if (outcome instanceof Error) throw outcome;
          return outcome;
        },
        hide: async (sqsRecord, seconds) => {
          hidden.push([sqsRecord.receiptHandle, seconds]);
        },
        log: (text) => logged.push(text),
      },
      event,
    );

    // Assess
    expect(seen.map((queued) => [queued.deliveryId, queued.attempt])).toEqual([
      ['delivered', 1],
      ['failed', 5],
      ['retry', 2],
      ['throws', 1],
    ]);
    expect(hidden).toEqual([['receipt-retry', 60]]);
    expect(response.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(['garbage', 'retry', 'throws']);
    expect(logged).toHaveLength(2);
  });
});

describe('SQS adapters', () => {
  const sqs = mockClient(SQSClient);
  afterEach(() => sqs.reset());

  it('sends messages in batches of ten, each with its own body', async () => {
    // Prepare
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    const queue = new SqsNotificationQueue({ client: new SQSClient({ region: 'eu-west-1' }), queueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/q' });
    const messages = Array.from({ length: 23 }, (_, index) => message({ deliveryId: `ntf_${index}` }));

    // Act
    await queue.enqueue(messages);

    // Assess
    const calls = sqs.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input);
    expect(calls.map((input) => input.Entries!.length)).toEqual([10, 10, 3]);
    expect(calls.every((input) => input.QueueUrl === 'https://sqs.eu-west-1.amazonaws.com/1/q')).toBe(true);
    expect(calls.flatMap((input) => input.Entries!.map((entry) => JSON.parse(entry.MessageBody!).deliveryId))).toEqual(
      messages.map((queued) => queued.deliveryId),
    );
  });

  it('rejects when SQS refuses entries, naming them', async () => {
    // Prepare
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false }] });
    const queue = new SqsNotificationQueue({ client: new SQSClient({ region: 'eu-west-1' }), queueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/q' });

    // Act / Assess
    await expect(queue.enqueue([message({ deliveryId: 'a' }), message({ deliveryId: 'b' })])).rejects.toThrow(
      'SQS refused 1 of 2 notification messages (b: InternalError).',
    );
  });

  it('hides a record by its receipt handle on the queue', async () => {
    // Prepare
    sqs.on(ChangeMessageVisibilityCommand).resolves({});
    const hide = sqsHider(new SQSClient({ region: 'eu-west-1' }), () => 'https://sqs.eu-west-1.amazonaws.com/1/q');

    // Act
    await hide(record('r', message(), 1), 120);

    // Assess
    expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((call) => call.args[0].input)).toEqual([
      { QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/q', ReceiptHandle: 'receipt-r', VisibilityTimeout: 120 },
    ]);
  });
});
