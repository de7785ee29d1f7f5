// Delivering one notification: the body in each format, the event id header, 2xx delivered, anything else retried with
// exponential backoff and then failed, and every attempt written to the delivery log.
import { describe, expect, it } from 'vitest';
import type { NotifyTarget } from '#shared/domain/notification.ts';
import type { NotificationMessage } from '#shared/ports/notifications.ts';
import { deliverNotification, displayUrl, NOTIFY_MAX_ATTEMPTS, retryDelayMs, type DeliverDeps } from '#shared/use-cases/deliver-notification.ts';
import { notifyRunEnded, type NotifyDeps } from '#shared/use-cases/notifications.ts';
import { finished, runningRun, schedule, TENANT } from '../../contracts/builders.ts';
import {
  InMemoryNotificationLog,
  InMemoryNotificationSettings,
  RecordingNotificationQueue,
  ScriptedWebhookSender,
} from '../../fakes/in-memory-notifications.ts';
import { FixedClock } from '../../fakes/in-memory.ts';

const TARGET: NotifyTarget = { on: ['run.failed'], url: 'https://hooks.example.com/agent-schedules?token=s3cret#frag' };

/** The message notifyRunEnded queues for a failed run of the builders' schedule. */
async function failedRunMessage(target: NotifyTarget = TARGET, base = 'https://api.example.com'): Promise<NotificationMessage> {
  const queue = new RecordingNotificationQueue();
  const deps: NotifyDeps = { queue, defaults: new InMemoryNotificationSettings(), clock: new FixedClock(new Date()), settings: { publicBaseUrl: base } };
  const run = finished(runningRun({ scheduleId: 'sched_AbCdEf12' }), {
    status: 'failed',
    error: { message: 'Agent answered HTTP 500: <boom> & co', kind: 'http_status' },
  });
  await notifyRunEnded(deps, { run, schedule: schedule({ name: 'Daily <report>', notify: [target] }), previousConsecutiveFailures: 0, autoPaused: false });
  return queue.messages[0]!;
}

function setup(script: ConstructorParameters<typeof ScriptedWebhookSender>[0]) {
  const sender = new ScriptedWebhookSender(script);
  const log = new InMemoryNotificationLog();
  const clock = new FixedClock(new Date('2030-01-01T09:00:40.000Z'));
  const deps: DeliverDeps = { sender, log, clock };
  return { deps, sender, log, clock };
}

describe('delivering a notification', () => {
  it('POSTs the event as JSON with its event id header, and records it delivered on a 2xx', async () => {
    // Prepare
    const message = await failedRunMessage();
    const { deps, sender, log } = setup([{ status: 204, body: '' }]);

    // Act
    const outcome = await deliverNotification(deps, message);

    // Assess
    expect(outcome).toEqual({ status: 'delivered' });
    expect(sender.requests).toHaveLength(1);
    const request = sender.requests[0]!;
    expect(request.url).toBe(TARGET.url);
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      'x-agent-schedules-event-id': message.eventId,
      'x-agent-schedules-event': 'run.failed',
    });
    expect(JSON.parse(request.body)).toEqual({
      id: message.eventId,
      event: 'run.failed',
      occurredAt: message.payload.occurredAt,
      schedule: { id: 'sched_AbCdEf12', name: 'Daily <report>' },
      run: message.payload.run,
      link: `https://api.example.com/v1/schedules/sched_AbCdEf12/runs/${message.payload.run!.id}`,
    });
    expect(log.writes).toEqual([
      {
        tenantId: TENANT,
        scheduleId: 'sched_AbCdEf12',
        id: message.deliveryId,
        eventId: message.eventId,
        event: 'run.failed',
        url: 'https://hooks.example.com/agent-schedules',
        format: 'json',
        status: 'delivered',
        attempts: 1,
        lastResponseCode: 204,
        lastError: null,
        nextAttemptAt: null,
        createdAt: message.payload.occurredAt,
        updatedAt: '2030-01-01T09:00:40.000Z',
        expiresAt: Date.parse('2030-01-31T09:00:40.000Z') / 1000,
      },
    ]);
  });

  it('sends Slack-compatible webhooks a body with one readable line of text and the link', async () => {
    // Prepare
    const message = await failedRunMessage({ ...TARGET, format: 'slack' });
    const { deps, sender } = setup([{ status: 200, body: 'ok' }]);

    // Act
    await deliverNotification(deps, message);

    // Assess
    const body = JSON.parse(sender.requests[0]!.body);
    expect(Object.keys(body)).toEqual(['text']);
    expect(body.text).toBe(
      `*Run failed* — schedule "Daily &lt;report&gt;" — after 30 s: http_status: Agent answered HTTP 500: &lt;boom&gt; &amp; co <https://api.example.com/v1/schedules/sched_AbCdEf12/runs/${message.payload.run!.id}|View the run>`,
    );
  });

  it('retries a 500 after 30 s, 1, 2 and 4 minutes, recording each attempt, then records it failed with its response code', async () => {
    // Prepare
    let message = await failedRunMessage();
    const { deps, sender, log, clock } = setup([{ status: 500, body: 'Internal error' }]);
    const outcomes = [];

    // Act
    for (let attempt = 1; attempt <= NOTIFY_MAX_ATTEMPTS; attempt++) {
      const outcome = await deliverNotification(deps, message);
      outcomes.push(outcome.status === 'retry' ? outcome.delayMs : outcome.status);
      if (outcome.status !== 'retry') break;
      expect(outcome.next.attempt).toBe(attempt + 1);
      message = outcome.next;
      clock.advance(outcome.delayMs);
    }

    // Assess
    expect(outcomes).toEqual([30_000, 60_000, 120_000, 240_000, 'failed']);
    expect(sender.requests).toHaveLength(NOTIFY_MAX_ATTEMPTS);
    expect(sender.requests.map((request) => request.headers['x-agent-schedules-delivery-attempt'])).toEqual(['1', '2', '3', '4', '5']);
    expect(log.writes.map((entry) => [entry.status, entry.attempts, entry.nextAttemptAt])).toEqual([
      ['pending', 1, '2030-01-01T09:01:10.000Z'],
      ['pending', 2, '2030-01-01T09:02:10.000Z'],
      ['pending', 3, '2030-01-01T09:04:10.000Z'],
      ['pending', 4, '2030-01-01T09:08:10.000Z'],
      ['failed', 5, null],
    ]);
    const [entry] = await log.listRecent(TENANT, 'sched_AbCdEf12', 10);
    expect(entry).toMatchObject({ status: 'failed', attempts: 5, lastResponseCode: 500, lastError: 'The webhook answered HTTP 500: Internal error' });
  });

  it('retries when no answer came (network, SSRF guard), with no response code and the reason', async () => {
    // Prepare
    const message = await failedRunMessage();
    const { deps, log } = setup([new Error('Refused to call 10.0.0.1: it is a private network address in 10.0.0.0/8.'), { status: 200, body: '' }]);

    // Act
    const first = await deliverNotification(deps, message);
    const second = await deliverNotification(deps, first.status === 'retry' ? first.next : message);

    // Assess
    expect(first.status).toBe('retry');
    expect(second.status).toBe('delivered');
    expect(log.writes.map((entry) => [entry.status, entry.lastResponseCode, entry.lastError])).toEqual([
      ['pending', null, 'Refused to call 10.0.0.1: it is a private network address in 10.0.0.0/8.'],
      ['delivered', 200, null],
    ]);
  });

  it('throws when the attempt cannot be recorded, so the queue delivers it again', async () => {
    // Prepare
    const message = await failedRunMessage();
    const { deps, log } = setup([{ status: 200, body: '' }]);
    log.record = async () => {
      throw new Error('DynamoDB is down');
    };

    // Act / Assess
    await expect(deliverNotification(deps, message)).rejects.toThrow('DynamoDB is down');
  });
});

describe('helpers', () => {
  it('doubles the backoff from 30 s', () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([30_000, 60_000, 120_000, 240_000]);
  });

  it('shows webhook URLs without their query string or fragment', () => {
    expect(displayUrl('https://hooks.example.com/a/b?token=x#y')).toBe('https://hooks.example.com/a/b');
    expect(displayUrl('not a url?token=x')).toBe('not a url');
  });
});
