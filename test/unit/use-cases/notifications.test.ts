// Emitting notifications: which events each way a run ends makes, to the schedule's webhooks or else the tenant
// default, recovered only on the first success after failures, deterministic event ids; and that a failing queue or
// store never reaches the run (emitting never throws).
import { describe, expect, it } from 'vitest';
import type { NotifyTarget } from '#shared/domain/notification.ts';
import type { Run, RunStatus } from '#shared/domain/run.ts';
import type { Schedule } from '#shared/domain/schedule.ts';
import { eventsForRunEnd, notify, notifyMissed, notifyRunEnded, type NotifyDeps } from '#shared/use-cases/notifications.ts';
import { finished, runningRun, schedule as storedSchedule, TENANT } from '../../contracts/builders.ts';
import { InMemoryNotificationSettings, RecordingNotificationQueue } from '../../fakes/in-memory-notifications.ts';
import { FixedClock } from '../../fakes/in-memory.ts';

const FAILED_OR_SUCCEEDED: NotifyTarget = { on: ['run.failed', 'run.succeeded'], url: 'https://hooks.example.com/runs' };
const EVERYTHING: NotifyTarget = {
  on: ['run.failed', 'run.timed_out', 'run.succeeded', 'schedule.recovered', 'schedule.auto_paused', 'schedule.missed', 'batch.finished'],
  url: 'https://hooks.slack.com/services/T/B/C',
  format: 'slack',
};

function setup(options: { notify?: NotifyTarget[] | null; defaults?: NotifyTarget[] } = {}) {
  const queue = new RecordingNotificationQueue();
  const defaults = new InMemoryNotificationSettings();
  if (options.defaults) defaults.items.set(TENANT, options.defaults);
  const logged: { message: string; details: Record<string, unknown> }[] = [];
  const deps: NotifyDeps = {
    queue,
    defaults,
    clock: new FixedClock(new Date('2030-01-01T09:05:00.000Z')),
    settings: { publicBaseUrl: 'https://api.example.com' },
    log: (message, details) => logged.push({ message, details }),
  };
  const schedule: Schedule = storedSchedule({ notify: options.notify === undefined ? [EVERYTHING] : options.notify });
  return { deps, queue, defaults, logged, schedule };
}

function ended(status: RunStatus, overrides: Partial<Run> = {}): Run {
  const error = status === 'failed' || status === 'timed_out' ? { message: 'Agent answered HTTP 500: boom', kind: 'http_status' as const } : null;
  return finished(runningRun({ scheduleId: 'sched_AbCdEf12' }), { status, error, ...overrides });
}

describe('which events a run’s end makes', () => {
  it.each([
    ['succeeded', 0, false, ['run.succeeded']],
    ['succeeded', 3, false, ['run.succeeded', 'schedule.recovered']],
    ['failed', 0, false, ['run.failed']],
    ['failed', 4, true, ['run.failed', 'schedule.auto_paused']],
    ['timed_out', 1, false, ['run.timed_out']],
    ['timed_out', 5, true, ['run.timed_out', 'schedule.auto_paused']],
    ['cancelled', 2, false, []],
    ['skipped', 0, false, []],
  ] as const)('a %s run after %i failures (auto-paused: %s) makes %j', (status, previous, autoPaused, events) => {
    expect(eventsForRunEnd({ run: ended(status), previousConsecutiveFailures: previous, autoPaused })).toEqual(events);
  });

  it('queues one message per (event, webhook that asked for it), with the run summary, a link and a deterministic event id', async () => {
    // Prepare
    const { deps, queue, defaults, schedule } = setup({ notify: [FAILED_OR_SUCCEEDED, EVERYTHING] });
    const run = ended('failed');

    // Act
    await notifyRunEnded(deps, { run, schedule, previousConsecutiveFailures: 2, autoPaused: true });

    // Assess: the first webhook did not ask for auto_paused.
    expect(queue.messages.map((message) => [message.event, message.target.url])).toEqual([
      ['run.failed', FAILED_OR_SUCCEEDED.url],
      ['run.failed', EVERYTHING.url],
      ['schedule.auto_paused', EVERYTHING.url],
    ]);
    expect(defaults.reads).toBe(0);
    const [first] = queue.messages;
    expect(first).toMatchObject({ eventId: `run.failed:${run.id}`, tenantId: TENANT, scheduleId: schedule.id, attempt: 1 });
    expect(first!.deliveryId).toMatch(/^ntf_20300101T090031Z_[0-9a-f]{12}$/);
    expect(first!.payload).toEqual({
      id: `run.failed:${run.id}`,
      event: 'run.failed',
      occurredAt: run.finishedAt,
      schedule: { id: schedule.id, name: schedule.name },
      run: {
        id: run.id,
        status: 'failed',
        trigger: 'schedule',
        scheduledTime: run.scheduledTime,
        startedAt: run.startedAt,
        finishedAt: run.finishedAt,
        durationMs: run.durationMs,
        error: { message: 'Agent answered HTTP 500: boom', kind: 'http_status' },
      },
      link: `https://api.example.com/v1/schedules/${schedule.id}/runs/${run.id}`,
    });
    expect(new Set(queue.messages.map((message) => message.deliveryId)).size).toBe(3);
  });

  it('gives the same event the same event id and delivery id however often it is emitted', async () => {
    // Prepare
    const { deps, queue, schedule } = setup({ notify: [FAILED_OR_SUCCEEDED] });
    const run = ended('succeeded');

    // Act
    await notifyRunEnded(deps, { run, schedule, previousConsecutiveFailures: 0, autoPaused: false });
    await notifyRunEnded(deps, { run, schedule, previousConsecutiveFailures: 0, autoPaused: false });

    // Assess
    expect(queue.messages).toHaveLength(2);
    expect(queue.messages[1]!.eventId).toBe(queue.messages[0]!.eventId);
    expect(queue.messages[1]!.deliveryId).toBe(queue.messages[0]!.deliveryId);
  });

  it('sends schedule.recovered only on the first success after failures', async () => {
    // Prepare: fail, fail, succeed, succeed, as consecutiveFailures counts them.
    const { deps, queue, schedule } = setup();
    const outcomes: [RunStatus, number][] = [
      ['failed', 0],
      ['failed', 1],
      ['succeeded', 2],
      ['succeeded', 0],
    ];

    // Act
    for (const [index, [status, previous]] of outcomes.entries()) {
      await notifyRunEnded(deps, {
        run: ended(status, { id: `run_20300101T09000${index}Z_aaaaaaaaaaaa` }),
        schedule,
        previousConsecutiveFailures: previous,
        autoPaused: false,
      });
    }

    // Assess
    expect(queue.messages.filter((message) => message.event === 'schedule.recovered').map((message) => message.payload.run!.id)).toEqual([
      'run_20300101T090002Z_aaaaaaaaaaaa',
    ]);
  });
});

describe('which webhooks', () => {
  it('uses the tenant default when the schedule’s notify is null or absent', async () => {
    // Prepare
    const { deps, queue, schedule } = setup({ notify: null, defaults: [FAILED_OR_SUCCEEDED] });
    const { notify: _notify, ...withoutNotify } = schedule;

    // Act
    await notifyRunEnded(deps, { run: ended('failed'), schedule, previousConsecutiveFailures: 0, autoPaused: false });
    await notifyRunEnded(deps, { run: ended('succeeded'), schedule: withoutNotify, previousConsecutiveFailures: 0, autoPaused: false });

    // Assess
    expect(queue.messages.map((message) => [message.event, message.target.url])).toEqual([
      ['run.failed', FAILED_OR_SUCCEEDED.url],
      ['run.succeeded', FAILED_OR_SUCCEEDED.url],
    ]);
  });

  it('sends nothing for a schedule whose notify is [] (even with a tenant default), nor for a run of no schedule', async () => {
    // Prepare
    const { deps, queue, defaults, schedule } = setup({ notify: [], defaults: [EVERYTHING] });

    // Act
    await notifyRunEnded(deps, { run: ended('failed'), schedule, previousConsecutiveFailures: 0, autoPaused: false });
    await notifyRunEnded(deps, { run: ended('failed', { scheduleId: null }), schedule: null, previousConsecutiveFailures: 0, autoPaused: false });
    await notifyRunEnded(undefined, { run: ended('failed'), schedule, previousConsecutiveFailures: 0, autoPaused: false });

    // Assess
    expect(queue.messages).toEqual([]);
    expect(defaults.reads).toBe(0);
  });

  it('sends schedule.missed about the skipped run, and any event (batch.finished) to the tenant default without a schedule', async () => {
    // Prepare
    const { deps, queue, schedule } = setup({ defaults: [EVERYTHING] });
    const missed = ended('skipped', { reason: 'missed', startedAt: null, durationMs: 0 });

    // Act
    await notifyMissed(deps, schedule, missed);
    await notify(deps, TENANT, null, 'batch.finished', { subjectId: 'batch_1', details: { succeeded: 9, failed: 1 } });

    // Assess
    expect(queue.messages.map((message) => [message.eventId, message.scheduleId])).toEqual([
      [`schedule.missed:${missed.id}`, schedule.id],
      ['batch.finished:batch_1', null],
    ]);
    expect(queue.messages[1]!.payload).toMatchObject({
      schedule: null,
      run: null,
      link: null,
      details: { succeeded: 9, failed: 1 },
      occurredAt: '2030-01-01T09:05:00.000Z',
    });
  });
});

describe('emitting never fails a run', () => {
  it('logs and returns when the queue refuses the messages', async () => {
    // Prepare
    const { deps, queue, logged, schedule } = setup();
    queue.failWith = new Error('SQS is down');

    // Act
    const result = notifyRunEnded(deps, { run: ended('failed'), schedule, previousConsecutiveFailures: 0, autoPaused: false });

    // Assess
    await expect(result).resolves.toBeUndefined();
    expect(logged).toHaveLength(1);
    expect(logged[0]!.details).toMatchObject({ scheduleId: schedule.id, events: ['run.failed'], error: 'Error: SQS is down' });
  });

  it('logs and returns when the tenant default cannot be read', async () => {
    // Prepare
    const { deps, defaults, logged, schedule } = setup({ notify: null });
    defaults.get = async () => {
      throw new Error('DynamoDB is down');
    };

    // Act
    const results = await Promise.allSettled([
      notifyRunEnded(deps, { run: ended('succeeded'), schedule, previousConsecutiveFailures: 1, autoPaused: false }),
      notifyMissed(deps, schedule, ended('skipped')),
      notify(deps, TENANT, null, 'batch.finished', { subjectId: 'batch_1' }),
    ]);

    // Assess
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(logged).toHaveLength(3);
  });
});
