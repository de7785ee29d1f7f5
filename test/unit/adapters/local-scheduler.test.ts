import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flexibleOffsetMs, LocalConflictError, LocalScheduler } from '#shared/adapters/local-scheduler/local-scheduler.ts';
import type { MirroredSchedule, ScheduledEvent } from '#shared/ports/scheduler-mirror.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let current: Date;
const clock = { now: () => current };
const setNow = (iso: string): void => {
  current = new Date(iso);
};
const advanceMinutes = (minutes: number): void => {
  current = new Date(current.getTime() + minutes * 60_000);
};

let fired: ScheduledEvent[];
let scheduler: LocalScheduler;

const schedule = (overrides: Partial<MirroredSchedule> = {}): MirroredSchedule => ({
  name: 'sched_every_minute',
  tenantId: 'tenant_1',
  expression: 'cron(* * * * ? *)',
  timezone: 'UTC',
  enabled: true,
  oneTime: false,
  startAt: null,
  endAt: null,
  description: 'Every minute',
  ...overrides,
});

const times = (events: ScheduledEvent[]): string[] => events.map((event) => event.scheduledTime);

beforeEach(() => {
  setNow('2026-11-16T10:00:30Z');
  fired = [];
  scheduler = new LocalScheduler({ clock, fire: (event) => void fired.push(event) });
});

describe('LocalScheduler firing', () => {
  it('fires an every-minute cron once per minute boundary, in order, when five minutes pass in one tick', async () => {
    await scheduler.create(schedule());
    advanceMinutes(5);
    const events = await scheduler.tick();
    expect(times(events)).toEqual(['2026-11-16T10:01:00Z', '2026-11-16T10:02:00Z', '2026-11-16T10:03:00Z', '2026-11-16T10:04:00Z', '2026-11-16T10:05:00Z']);
    expect(fired).toEqual(events);
  });

  it('fires cron(0 9 ? * MON-FRI *) in America/New_York at 14:00Z on weekdays only over a week', async () => {
    setNow('2026-11-15T00:00:00Z');
    await scheduler.create(schedule({ name: 'sched_weekdays', expression: 'cron(0 9 ? * MON-FRI *)', timezone: 'America/New_York' }));
    for (let hour = 0; hour < 7 * 24; hour += 1) {
      advanceMinutes(60);
      await scheduler.tick();
    }
    expect(times(fired)).toEqual(['2026-11-16T14:00:00Z', '2026-11-17T14:00:00Z', '2026-11-18T14:00:00Z', '2026-11-19T14:00:00Z', '2026-11-20T14:00:00Z']);
  });

  it('fires the same weekday occurrences when the whole week passes in a single tick', async () => {
    setNow('2026-11-15T00:00:00Z');
    await scheduler.create(schedule({ name: 'sched_weekdays', expression: 'cron(0 9 ? * MON-FRI *)', timezone: 'America/New_York' }));
    setNow('2026-11-22T00:00:00Z');
    expect(times(await scheduler.tick())).toEqual([
      '2026-11-16T14:00:00Z',
      '2026-11-17T14:00:00Z',
      '2026-11-18T14:00:00Z',
      '2026-11-19T14:00:00Z',
      '2026-11-20T14:00:00Z',
    ]);
  });

  it('never fires a disabled schedule, and after it is enabled fires only occurrences after the update', async () => {
    await scheduler.create(schedule({ enabled: false }));
    advanceMinutes(10);
    expect(await scheduler.tick()).toEqual([]);
    advanceMinutes(10);
    await scheduler.update(schedule({ enabled: true }));
    expect(await scheduler.tick()).toEqual([]);
    advanceMinutes(2);
    expect(times(await scheduler.tick())).toEqual(['2026-11-16T10:21:00Z', '2026-11-16T10:22:00Z']);
    expect(times(fired)).toEqual(['2026-11-16T10:21:00Z', '2026-11-16T10:22:00Z']);
  });

  it('fires a one-time at() schedule exactly once, then removes it', async () => {
    await scheduler.create(schedule({ name: 'sched_once', expression: 'at(2026-11-16T12:00:00)', timezone: 'Europe/Paris', oneTime: true }));
    expect(scheduler.nextFireTime('sched_once')).toEqual(new Date('2026-11-16T11:00:00Z'));
    advanceMinutes(60);
    expect(times(await scheduler.tick())).toEqual(['2026-11-16T11:00:00Z']);
    advanceMinutes(60 * 24);
    expect(await scheduler.tick()).toEqual([]);
    expect(fired).toHaveLength(1);
    expect(scheduler.list()).toEqual([]);
    expect(scheduler.nextFireTime('sched_once')).toBeUndefined();
  });

  it('stops firing a schedule once it is deleted', async () => {
    await scheduler.create(schedule());
    advanceMinutes(1);
    expect(await scheduler.tick()).toHaveLength(1);
    await scheduler.delete('sched_every_minute');
    advanceMinutes(5);
    expect(await scheduler.tick()).toEqual([]);
    expect(fired).toHaveLength(1);
  });

  it('does not fire occurrences from before the schedule was created', async () => {
    setNow('2026-11-16T10:59:59Z');
    await scheduler.create(schedule({ name: 'sched_hourly', expression: 'cron(0 * ? * * *)' }));
    setNow('2026-11-16T10:59:59.999Z');
    expect(await scheduler.tick()).toEqual([]);
    setNow('2026-11-16T11:00:00Z');
    expect(times(await scheduler.tick())).toEqual(['2026-11-16T11:00:00Z']);
  });

  it('never fires the same occurrence twice when two ticks run at the same instant', async () => {
    await scheduler.create(schedule());
    advanceMinutes(3);
    const [first, second] = await Promise.all([scheduler.tick(), scheduler.tick()]);
    const third = await scheduler.tick();
    expect(first!.length + second!.length + third.length).toBe(3);
    expect(times(fired)).toEqual(['2026-11-16T10:01:00Z', '2026-11-16T10:02:00Z', '2026-11-16T10:03:00Z']);
  });

  it('fires no occurrence before startAt or after endAt', async () => {
    await scheduler.create(schedule({ startAt: '2026-11-16T10:03:00Z', endAt: '2026-11-16T10:05:00Z' }));
    expect(scheduler.nextFireTime('sched_every_minute')).toEqual(new Date('2026-11-16T10:03:00Z'));
    advanceMinutes(10);
    expect(times(await scheduler.tick())).toEqual(['2026-11-16T10:03:00Z', '2026-11-16T10:04:00Z', '2026-11-16T10:05:00Z']);
    expect(scheduler.nextFireTime('sched_every_minute')).toBeUndefined();
  });

  it('reports a throwing fire to onError and still fires the later occurrences', async () => {
    const errors: Array<{ error: unknown; event: ScheduledEvent }> = [];
    const attempted: string[] = [];
    scheduler = new LocalScheduler({
      clock,
      fire: async (event) => {
        attempted.push(event.scheduledTime);
        if (event.scheduledTime === '2026-11-16T10:01:00Z') throw new Error('runner down');
      },
      onError: (error, event) => errors.push({ error, event }),
    });
    await scheduler.create(schedule());
    advanceMinutes(3);
    await scheduler.tick();
    expect(attempted).toEqual(['2026-11-16T10:01:00Z', '2026-11-16T10:02:00Z', '2026-11-16T10:03:00Z']);
    expect(errors).toHaveLength(1);
    expect((errors[0]!.error as Error).message).toBe('runner down');
    expect(errors[0]!.event.scheduledTime).toBe('2026-11-16T10:01:00Z');
    advanceMinutes(1);
    await scheduler.tick();
    expect(attempted.at(-1)).toBe('2026-11-16T10:04:00Z');
  });

  it('awaits each fire before the next occurrence of the same schedule', async () => {
    const log: string[] = [];
    scheduler = new LocalScheduler({
      clock,
      fire: async (event) => {
        log.push(`start ${event.scheduledTime}`);
        await new Promise((resolve) => setImmediate(resolve));
        log.push(`end ${event.scheduledTime}`);
      },
    });
    await scheduler.create(schedule());
    advanceMinutes(2);
    await scheduler.tick();
    expect(log).toEqual(['start 2026-11-16T10:01:00Z', 'end 2026-11-16T10:01:00Z', 'start 2026-11-16T10:02:00Z', 'end 2026-11-16T10:02:00Z']);
  });

  it('delivers the event EventBridge would: tenantId, scheduleId, the agent, scheduledTime without milliseconds, a UUID executionId and attempt 1', async () => {
    await scheduler.create(schedule({ name: 'sched_abc', tenantId: 'tenant_42', agentId: 'finance' }));
    advanceMinutes(2);
    const [first, second] = await scheduler.tick();
    expect(first).toEqual({
      tenantId: 'tenant_42',
      scheduleId: 'sched_abc',
      agentId: 'finance',
      scheduledTime: '2026-11-16T10:01:00Z',
      executionId: expect.stringMatching(UUID),
      attempt: 1,
    });
    expect(second!.executionId).toMatch(UUID);
    expect(second!.executionId).not.toBe(first!.executionId);
  });
});

describe('LocalScheduler state', () => {
  it('refuses to create a schedule whose name exists, like EventBridge', async () => {
    await scheduler.create(schedule());
    await expect(scheduler.create(schedule())).rejects.toBeInstanceOf(LocalConflictError);
  });

  it('treats deleting a missing schedule as success', async () => {
    await expect(scheduler.delete('sched_missing')).resolves.toBeUndefined();
  });

  it('creates the schedule on update when it is missing, as the EventBridge mirror does', async () => {
    await scheduler.update(schedule());
    expect(scheduler.list()).toEqual([schedule()]);
  });

  it('rejects an expression EventBridge would reject', async () => {
    await expect(scheduler.create(schedule({ expression: 'rate(5 minutes)' }))).rejects.toThrow();
    expect(scheduler.list()).toEqual([]);
  });

  it('lists its schedules and gives the next fire time of each', async () => {
    await scheduler.create(schedule());
    await scheduler.create(schedule({ name: 'sched_hourly', expression: 'cron(0 * ? * * *)' }));
    expect(scheduler.list().map((item) => item.name)).toEqual(['sched_every_minute', 'sched_hourly']);
    expect(scheduler.nextFireTime('sched_every_minute')).toEqual(new Date('2026-11-16T10:01:00Z'));
    expect(scheduler.nextFireTime('sched_hourly')).toEqual(new Date('2026-11-16T11:00:00Z'));
    expect(scheduler.nextFireTime('sched_missing')).toBeUndefined();
    await scheduler.update(schedule({ enabled: false }));
    expect(scheduler.nextFireTime('sched_every_minute')).toBeUndefined();
  });

  it('loads schedules at start-up and fires only the occurrences after the given instant', async () => {
    setNow('2026-11-16T10:05:00Z');
    scheduler.load([schedule()], new Date('2026-11-16T10:02:30Z'));
    expect(times(await scheduler.tick())).toEqual(['2026-11-16T10:03:00Z', '2026-11-16T10:04:00Z', '2026-11-16T10:05:00Z']);
  });
});

describe('LocalScheduler timer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ticks on its own once started and stops when stopped', async () => {
    vi.useFakeTimers();
    await scheduler.create(schedule());
    scheduler.start(1000);
    advanceMinutes(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(times(fired)).toEqual(['2026-11-16T10:01:00Z']);
    await scheduler.stop();
    advanceMinutes(1);
    await vi.advanceTimersByTimeAsync(5000);
    expect(fired).toHaveLength(1);
  });

  it("fires a schedule due while another schedule's run is still going, on the next timer tick (one slow agent delays no one)", async () => {
    vi.useFakeTimers();
    let releaseSlow!: () => void;
    const slowDone = new Promise<void>((resolve) => (releaseSlow = resolve));
    const started: string[] = [];
    scheduler = new LocalScheduler({
      clock,
      fire: async (event) => {
        started.push(`${event.scheduleId}@${clock.now().toISOString()}`);
        if (event.scheduleId === 'sched_slow') await slowDone;
      },
    });
    setNow('2026-11-16T10:00:59Z');
    await scheduler.create(schedule({ name: 'sched_slow' }));
    await scheduler.create(schedule({ name: 'sched_once', expression: 'at(2026-11-16T10:01:03)', oneTime: true }));
    scheduler.start(1000);
    setNow('2026-11-16T10:01:00Z');
    await vi.advanceTimersByTimeAsync(1000);
    expect(started).toEqual(['sched_slow@2026-11-16T10:01:00.000Z']);
    for (const second of ['01', '02', '03']) {
      setNow(`2026-11-16T10:01:${second}Z`);
      await vi.advanceTimersByTimeAsync(1000);
    }
    // Due at 10:01:03, fired at 10:01:03 although sched_slow's run has not finished.
    expect(started).toEqual(['sched_slow@2026-11-16T10:01:00.000Z', 'sched_once@2026-11-16T10:01:03.000Z']);
    let stopped = false;
    const stopping = scheduler.stop().then(() => (stopped = true));
    await vi.advanceTimersByTimeAsync(10);
    expect(stopped).toBe(false);
    releaseSlow();
    await stopping;
    expect(stopped).toBe(true);
  });
});

describe('LocalScheduler spread (flexible window)', () => {
  it('starts an occurrence at its spot in the window, not before, and once, with the scheduled time as its time', async () => {
    setNow('2026-11-16T08:59:00Z');
    const spread = schedule({ name: 'sched_spread', expression: 'cron(0 9 * * ? *)', flexibleWindowMinutes: 10 });
    await scheduler.create(spread);
    const nine = new Date('2026-11-16T09:00:00Z');
    const offset = flexibleOffsetMs(spread, nine);
    expect(offset).toBeGreaterThanOrEqual(0);
    expect(offset).toBeLessThan(10 * 60_000);

    current = new Date(nine.getTime() + offset - 1);
    expect(await scheduler.tick()).toEqual([]);
    current = new Date(nine.getTime() + offset);
    expect(times(await scheduler.tick())).toEqual(['2026-11-16T09:00:00Z']);
    advanceMinutes(5);
    expect(await scheduler.tick()).toEqual([]);
  });

  it('spreads a thousand schedules at 09:00 across the window instead of one spike, the same way every time', () => {
    const nine = new Date('2026-11-16T09:00:00Z');
    const offsets = Array.from({ length: 1000 }, (_, index) => flexibleOffsetMs({ name: `sched_${index}`, flexibleWindowMinutes: 10 }, nine));
    const perMinute = Array.from({ length: 10 }, (_, minute) => offsets.filter((offset) => Math.floor(offset / 60_000) === minute).length);
    // Each minute of the window gets roughly a tenth (a fair spread puts 100 ± 40 in each).
    for (const count of perMinute) expect(count).toBeGreaterThan(60);
    expect(offsets).toEqual(Array.from({ length: 1000 }, (_, index) => flexibleOffsetMs({ name: `sched_${index}`, flexibleWindowMinutes: 10 }, nine)));
    expect(flexibleOffsetMs({ name: 'sched_1', flexibleWindowMinutes: 0 }, nine)).toBe(0);
  });
});

describe('LocalScheduler rate schedules', () => {
  it('fires rate(90 minutes) at its anchor and every 90 minutes after, whatever the tick times', async () => {
    setNow('2026-11-16T09:00:00Z');
    await scheduler.create(schedule({ name: 'sched_rate', expression: 'rate(90 minutes)', startAt: '2026-11-16T09:30:00Z' }));
    setNow('2026-11-16T14:00:00Z');
    expect(times(await scheduler.tick())).toEqual(['2026-11-16T09:30:00Z', '2026-11-16T11:00:00Z', '2026-11-16T12:30:00Z', '2026-11-16T14:00:00Z']);
    expect(scheduler.nextFireTime('sched_rate')?.toISOString()).toBe('2026-11-16T15:30:00.000Z');
  });
});
