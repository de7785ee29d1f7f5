import { settingsFromEnv } from '#shared/config.ts';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, MirrorError, NotFoundError, ValidationError } from '#shared/domain/errors.ts';
import type { TenantPrincipal } from '#shared/domain/principal.ts';
import { parseScheduleInput } from '#shared/http/schedules.ts';
import { createSchedule } from '#shared/use-cases/create-schedule.ts';
import { deleteSchedule } from '#shared/use-cases/delete-schedule.ts';
import { getSchedule } from '#shared/use-cases/get-schedule.ts';
import { listSchedules } from '#shared/use-cases/list-schedules.ts';
import type { ScheduleDeps } from '#shared/use-cases/schedule-deps.ts';
import { setScheduleEnabled } from '#shared/use-cases/set-schedule-enabled.ts';
import { updateSchedule } from '#shared/use-cases/update-schedule.ts';
import { FixedClock, InMemoryAgentStore, InMemoryScheduleStore, RecordingMirror, SequentialIds, serviceError, testCursors } from '../../fakes/in-memory.ts';
import { answered } from '../../support/answered.ts';
import { parseScheduleListQuery } from '#shared/http/schedules.ts';
import { rejectionOf } from '../../support/rejections.ts';

/** GET /v1/schedules as the route runs it: the query string parsed, then the use case (a bad query rejects). */
const listAs = async (principal: TenantPrincipal, query: Record<string, string>) =>
  listSchedules({ ...deps, cursors: testCursors }, principal, parseScheduleListQuery(query));

const alice: TenantPrincipal = { role: 'tenant', tenantId: 'acme', userId: 'alice', teamId: 'ops', keyId: 'k1' };
const bob: TenantPrincipal = { role: 'tenant', tenantId: 'acme', userId: 'bob', teamId: 'ops', keyId: 'k2' };
const carol: TenantPrincipal = { role: 'tenant', tenantId: 'acme', userId: 'carol', keyId: 'k3' };
const mallory: TenantPrincipal = { role: 'tenant', tenantId: 'evil', userId: 'alice', teamId: 'ops', keyId: 'k4' };

let store: InMemoryScheduleStore;
let mirror: RecordingMirror;
let agents: InMemoryAgentStore;
let clock: FixedClock;
let deps: ScheduleDeps;

const input = (raw: unknown) => parseScheduleInput(raw).input;
const daily = { name: 'Daily report', task: 'Summarise sales', cronExpression: '0 9 * * 1-5', timezone: 'America/New_York', team: false };

const expectError = rejectionOf;

beforeEach(() => {
  store = new InMemoryScheduleStore();
  mirror = new RecordingMirror();
  agents = new InMemoryAgentStore();
  clock = new FixedClock(new Date('2026-11-20T00:00:00Z'));
  // A deployment with a default agent: schedules here may leave task and agentId out and still have something to run.
  deps = { schedules: store, agents, mirror, clock, ids: new SequentialIds(), settings: settingsFromEnv({ DEFAULT_AGENT_ID: 'default' }) };
});

describe('a schedule with nothing to run', () => {
  const without = { cronExpression: '0 9 * * *', team: false };

  it('is refused with a 400 naming task when it has no task, no agent and the deployment no default agent, and nothing is stored', async () => {
    deps.settings = settingsFromEnv({});
    for (const raw of [without, { ...without, task: '   ' }]) {
      const error = await expectError(createSchedule(deps, alice, input(raw)), ValidationError);
      expect(error.details?.field).toBe('task');
      expect(error.details?.hint).toContain('agentId');
    }
    expect(store.items.size).toBe(0);
    expect(mirror.calls).toHaveLength(0);
  });

  it('is accepted when it names an agent that needs no task (Toolhouse chat_id), and cannot later lose both', async () => {
    deps.settings = settingsFromEnv({});
    await agents.create({
      tenantId: 'acme',
      id: 'bot',
      kind: 'http',
      name: 'Bot',
      url: 'https://agents.example.com/bot',
      createdAt: '2026-11-20T00:00:00Z',
      updatedAt: '2026-11-20T00:00:00Z',
      version: 1,
    } as never);
    const { schedule } = await createSchedule(deps, alice, input({ ...without, chat_id: 'bot' }));
    expect(schedule).toMatchObject({ task: '', agentId: 'bot' });
    const error = await expectError(updateSchedule(deps, alice, schedule.id, input({ agentId: null })), ValidationError);
    expect(error.details?.field).toBe('task');
  });
});

describe('rate schedules (intervals)', () => {
  it('creates "rate": "90 minutes" counted from the next whole minute, and mirrors rate(90 minutes) with that start', async () => {
    clock.current = new Date('2026-11-20T08:00:30Z');
    const { schedule } = await createSchedule(deps, alice, input({ name: 'Every 90', rate: '90 minutes', team: false }));
    expect(schedule).toMatchObject({
      scheduleType: 'recurring',
      cronExpression: null,
      rate: '90 minutes',
      startAt: '2026-11-20T08:01:00Z',
      schedulerExpression: 'rate(90 minutes)',
      nextRunAt: '2026-11-20T08:01:00Z',
    });
    expect(mirror.calls.at(-1)).toMatchObject({ kind: 'create', schedule: { expression: 'rate(90 minutes)', startAt: '2026-11-20T08:01:00Z' } });
    clock.current = new Date('2026-11-20T08:02:00Z');
    expect((await getSchedule(deps, alice, schedule.id)).startAt).toBe('2026-11-20T08:01:00Z');
  });

  it('reads the cadence "every 90 minutes" and "every 2 weeks on monday at 9:00" as rates with their first run', async () => {
    clock.current = new Date('2026-11-20T08:00:30Z'); // a Friday
    const ninety = (await createSchedule(deps, alice, input({ cadence: 'every 90 minutes', team: false }))).schedule;
    expect(ninety).toMatchObject({ rate: '90 minutes', schedulerExpression: 'rate(90 minutes)' });
    const fortnightly = (
      await createSchedule(deps, alice, input({ cronExpression: 'every 2 weeks on monday at 9:00', timezone: 'Europe/Berlin', team: false }))
    ).schedule;
    expect(fortnightly).toMatchObject({
      rate: '14 days',
      schedulerExpression: 'rate(14 days)',
      startAt: '2026-11-23T08:00:00Z',
      nextRunAt: '2026-11-23T08:00:00Z',
    });
  });

  it('keeps counting from its anchor when changed to another interval, and drops the rate when given a cron', async () => {
    clock.current = new Date('2026-11-20T08:00:30Z');
    const { schedule } = await createSchedule(deps, alice, input({ rate: '90 minutes', team: false }));
    clock.current = new Date('2026-11-20T12:00:00Z');
    const twoHours = await updateSchedule(deps, alice, schedule.id, input({ rate: '2 hours' }));
    expect(twoHours).toMatchObject({
      rate: '2 hours',
      schedulerExpression: 'rate(2 hours)',
      startAt: '2026-11-20T08:01:00Z',
      nextRunAt: '2026-11-20T12:01:00Z',
    });
    const cron = await updateSchedule(deps, alice, schedule.id, input({ cronExpression: '0 9 * * *' }));
    expect(cron).toMatchObject({ rate: null, cronExpression: '0 9 * * *', schedulerExpression: 'cron(0 9 * * ? *)' });
  });

  it('refuses a rate with a cron beside it, and rate(0 minutes), with a 400 naming the field and an example', async () => {
    const both = await expectError(createSchedule(deps, alice, input({ rate: '90 minutes', cronExpression: '0 9 * * *', team: false })), ValidationError);
    expect(both.details).toMatchObject({ field: 'rate' });
    const zero = await expectError(createSchedule(deps, alice, input({ rate: 'rate(0 minutes)', team: false })), ValidationError);
    expect(zero.details?.field).toBe('rate');
    expect(zero.details?.hint).toMatch(/"\d+ (minutes|hours|days)"|rate\(/);
    expect(store.items.size).toBe(0);
  });
});

describe('creating a schedule', () => {
  it('stores it with derived fields and mirrors the exact expression, timezone and state', async () => {
    const { schedule } = await createSchedule(deps, alice, input(daily));

    expect(schedule).toMatchObject({
      id: 'sched_0000000001',
      tenantId: 'acme',
      userId: 'alice',
      ownerType: 'user',
      scheduleType: 'recurring',
      schedulerExpression: 'cron(0 9 ? * MON-FRI *)',
      schedulerTimezone: 'America/New_York',
      cronDescription: 'At 09:00, Monday through Friday (America/New_York)',
      enabled: true,
      status: 'active',
      nextRunAt: '2026-11-20T14:00:00Z',
      runCount: 0,
      version: 1,
    });
    expect(await store.get('acme', schedule.id)).toEqual(schedule);
    expect(mirror.calls).toEqual([
      {
        kind: 'create',
        schedule: {
          name: schedule.id,
          tenantId: 'acme',
          expression: 'cron(0 9 ? * MON-FRI *)',
          timezone: 'America/New_York',
          enabled: true,
          oneTime: false,
          startAt: null,
          endAt: null,
          description: 'Daily report — At 09:00, Monday through Friday (America/New_York)',
          agentId: null,
        },
      },
    ]);
  });

  it('accepts the other APIs’ spellings: prompt, cron_schedule, cadence, message, active', async () => {
    const { schedule } = await createSchedule(deps, carol, input({ name: 'x', prompt: 'p', cron_schedule: '0 9 * * *', active: false }));
    expect(schedule).toMatchObject({ task: 'p', cronExpression: '0 9 * * *', enabled: false, status: 'paused', nextRunAt: null });
    const second = await createSchedule(deps, carol, input({ message: 'm', cadence: '*/30 * * * *' }));
    expect(second.schedule).toMatchObject({ task: 'm', cronExpression: '*/30 * * * *', name: 'Every 30 minutes (UTC)' });
  });

  it('creates a one-time schedule as at() that EventBridge deletes after it runs', async () => {
    const { schedule } = await createSchedule(
      deps,
      carol,
      input({ name: 'Deploy', task: 'go', scheduleType: 'one-time', scheduledTime: '2026-12-01T03:00:00Z' }),
    );
    expect(schedule).toMatchObject({
      scheduleType: 'one-time',
      scheduledTime: '2026-12-01T03:00:00Z',
      cronExpression: null,
      nextRunAt: '2026-12-01T03:00:00Z',
      schedulerExpression: 'at(2026-12-01T03:00:00)',
    });
    expect(mirror.calls[0]?.schedule?.oneTime).toBe(true);
  });

  it.each([
    [{ ...daily, cronExpression: '0 9 1 * 1' }, 'cronExpression'],
    [{ ...daily, timezone: 'Mars/Base' }, 'timezone'],
    [{ ...daily, cronExpression: undefined, scheduledTime: '2020-01-01T00:00:00Z' }, 'scheduledTime'],
    [{ name: 'x', scheduleType: 'one-time', cronExpression: '0 9 * * *' }, 'scheduledTime'],
    [{ ...daily, endAt: '2026-01-01T00:00:00Z' }, 'endAt'],
  ])('rejects %j naming the field %s, and stores nothing', async (raw, field) => {
    const error = await expectError(createSchedule(deps, alice, input(raw)), ValidationError);
    expect(error.details?.field).toBe(field);
    expect(store.items.size).toBe(0);
    expect(mirror.calls).toEqual([]);
  });

  it('refuses a cadence under the deployment minimum interval', async () => {
    deps.settings = { ...deps.settings, minIntervalMinutes: 10 };
    const error = await expectError(createSchedule(deps, alice, input({ ...daily, cronExpression: '*/5 * * * *' })), ValidationError);
    expect(error.message).toContain('minimum interval is 10 minutes');
  });

  it('requires agentId to name an agent of the tenant', async () => {
    const error = await expectError(createSchedule(deps, alice, input({ ...daily, agentId: 'finance_agent' })), ValidationError);
    expect(error.details).toMatchObject({ field: 'agentId', hint: expect.stringContaining('POST /v1/agents') });
  });

  it('makes schedules team-owned by default for a key on a team, and refuses team for a key without one', async () => {
    const { schedule } = await createSchedule(deps, alice, input({ name: 'team', cronExpression: '0 9 * * *' }));
    expect(schedule).toMatchObject({ ownerType: 'team', teamId: 'ops' });
    await expectError(createSchedule(deps, carol, input({ name: 'x', cronExpression: '0 9 * * *', team: true })), ValidationError);
  });

  it('removes the stored schedule and its counters when EventBridge Scheduler refuses it', async () => {
    mirror.failNext.create = serviceError('ThrottlingException');
    const error = await expectError(createSchedule(deps, alice, input(daily), { idempotencyKey: 'retry-1' }), MirrorError);
    expect(answered(error).status).toBe(503);
    expect(error.message).toContain('ThrottlingException');
    expect(store.items.size).toBe(0);
    expect(await store.counts('acme', ['user#alice'])).toEqual({ total: 0, enabled: 0 });
    // The same Idempotency-Key may then be retried and creates the schedule.
    const retry = await createSchedule(deps, alice, input(daily), { idempotencyKey: 'retry-1' });
    expect(retry.replayed).toBe(false);
    expect(store.items.size).toBe(1);
  });

  it('returns the first schedule again for a retried Idempotency-Key, and 409 for the key with another body', async () => {
    const first = await createSchedule(deps, alice, input(daily), { idempotencyKey: 'abc' });
    const again = await createSchedule(deps, alice, input(daily), { idempotencyKey: 'abc' });
    expect(again).toEqual({ schedule: first.schedule, replayed: true });
    expect(store.items.size).toBe(1);
    expect(mirror.calls).toHaveLength(1);
    await expectError(createSchedule(deps, alice, input({ ...daily, name: 'other' }), { idempotencyKey: 'abc' }), ConflictError);
  });
});

describe('who can see a schedule', () => {
  it('answers 404 for another tenant’s and another user’s schedule, exactly as for an unknown id', async () => {
    const { schedule } = await createSchedule(deps, alice, input(daily));
    for (const caller of [mallory, bob, carol]) {
      const error = await expectError(getSchedule(deps, caller, schedule.id), NotFoundError);
      expect(error.message).toBe(`No schedule with id "${schedule.id}" exists for this account.`);
    }
    await expectError(getSchedule(deps, alice, 'sched_unknown'), NotFoundError);
    await expectError(updateSchedule(deps, mallory, schedule.id, input({ name: 'pwned' })), NotFoundError);
    await expectError(deleteSchedule(deps, mallory, schedule.id), NotFoundError);
    expect((await store.get('acme', schedule.id))?.name).toBe('Daily report');
  });

  it('shows a team schedule to every member of the team', async () => {
    const { schedule } = await createSchedule(deps, alice, input({ ...daily, team: true }));
    expect((await getSchedule(deps, bob, schedule.id)).id).toBe(schedule.id);
    await expectError(getSchedule(deps, carol, schedule.id), NotFoundError);
  });
});

describe('updating a schedule', () => {
  it('merges a partial body, recomputes the expression and mirrors the change', async () => {
    const { schedule } = await createSchedule(deps, alice, input(daily));
    const updated = await updateSchedule(deps, alice, schedule.id, input({ cronExpression: '0 10 * * *' }));
    expect(updated).toMatchObject({
      name: 'Daily report',
      task: 'Summarise sales',
      cronExpression: '0 10 * * *',
      schedulerExpression: 'cron(0 10 * * ? *)',
      version: 2,
    });
    expect(mirror.calls.at(-1)).toMatchObject({ kind: 'update', schedule: { expression: 'cron(0 10 * * ? *)', timezone: 'America/New_York' } });
  });

  it('does not call the Scheduler when only the task changes', async () => {
    const { schedule } = await createSchedule(deps, alice, input(daily));
    await updateSchedule(deps, alice, schedule.id, input({ task: 'new task', description: 'why' }));
    expect(mirror.calls.map((call) => call.kind)).toEqual(['create']);
  });

  it('restores the stored schedule when the Scheduler update fails, so both still agree', async () => {
    const { schedule } = await createSchedule(deps, alice, input(daily));
    mirror.failNext.update = serviceError('InternalServerException');
    await expectError(updateSchedule(deps, alice, schedule.id, input({ cronExpression: '0 10 * * *', name: 'renamed' })), MirrorError);
    const stored = await store.get('acme', schedule.id);
    expect(stored).toMatchObject({ cronExpression: '0 9 * * 1-5', name: 'Daily report', schedulerExpression: 'cron(0 9 ? * MON-FRI *)' });
    expect(mirror.schedules.get(schedule.id)?.expression).toBe('cron(0 9 ? * MON-FRI *)');
  });

  it('re-reads and re-applies the change when another writer won the race', async () => {
    const { schedule } = await createSchedule(deps, alice, input(daily));
    store.failNextUpdateWithStaleVersion = 2;
    const updated = await updateSchedule(deps, alice, schedule.id, input({ name: 'after races' }));
    expect(updated.name).toBe('after races');
  });

  it('turns a recurring schedule into a one-time one when given a scheduledTime', async () => {
    const { schedule } = await createSchedule(deps, alice, input(daily));
    const updated = await updateSchedule(deps, alice, schedule.id, input({ scheduledTime: '2026-12-24T18:00:00Z' }));
    expect(updated).toMatchObject({
      scheduleType: 'one-time',
      cronExpression: null,
      schedulerExpression: 'at(2026-12-24T13:00:00)',
      schedulerTimezone: 'America/New_York',
    });
  });

  it('refuses to move a schedule between a user and a team', async () => {
    const { schedule } = await createSchedule(deps, alice, input(daily));
    await expectError(updateSchedule(deps, alice, schedule.id, input({ team: true })), ValidationError);
  });
});

describe('enabling and disabling', () => {
  it('pauses and resumes in both stores and keeps the counters right', async () => {
    const { schedule } = await createSchedule(deps, alice, input(daily));
    const paused = await setScheduleEnabled(deps, alice, schedule.id, false);
    expect(paused).toMatchObject({ enabled: false, status: 'paused', nextRunAt: null });
    expect(mirror.schedules.get(schedule.id)?.enabled).toBe(false);
    expect(await store.counts('acme', ['user#alice'])).toEqual({ total: 1, enabled: 0 });
    const resumed = await setScheduleEnabled(deps, alice, schedule.id, true);
    expect(resumed).toMatchObject({ enabled: true, status: 'active', nextRunAt: '2026-11-20T14:00:00Z' });
    expect(await store.counts('acme', ['user#alice'])).toEqual({ total: 1, enabled: 1 });
  });

  it('asks for a new scheduledTime before re-enabling a one-time schedule that has run', async () => {
    const { schedule } = await createSchedule(deps, carol, input({ name: 'once', scheduledTime: '2026-12-01T03:00:00Z' }));
    const completed = { ...schedule, enabled: false, status: 'completed' as const, version: schedule.version + 1 };
    await store.update(completed, schedule);
    const error = await expectError(setScheduleEnabled(deps, carol, schedule.id, true), ValidationError);
    expect(error.details?.field).toBe('scheduledTime');
  });
});

describe('deleting a schedule', () => {
  it('deletes the Scheduler copy and the stored schedule, with counters', async () => {
    const { schedule } = await createSchedule(deps, alice, input(daily));
    await deleteSchedule(deps, alice, schedule.id);
    expect(store.items.size).toBe(0);
    expect(mirror.schedules.size).toBe(0);
    expect(await store.counts('acme', ['user#alice'])).toEqual({ total: 0, enabled: 0 });
  });

  it('keeps the schedule when the Scheduler cannot delete it', async () => {
    const { schedule } = await createSchedule(deps, alice, input(daily));
    mirror.failNext.delete = serviceError('ThrottlingException');
    await expectError(deleteSchedule(deps, alice, schedule.id), MirrorError);
    expect(store.items.size).toBe(1);
    expect(mirror.schedules.size).toBe(1);
  });
});

describe('listing schedules', () => {
  beforeEach(async () => {
    for (const [name, enabled] of [
      ['b', true],
      ['A', false],
      ['c', true],
      ['a', true],
    ] as const) {
      await createSchedule(deps, alice, input({ name, cronExpression: '0 9 * * *', enabled, team: false }));
    }
    await createSchedule(deps, alice, input({ name: 'team one', cronExpression: '0 9 * * *' }));
    await createSchedule(deps, carol, input({ name: 'carol only', cronExpression: '0 9 * * *' }));
  });

  it('sorts by name without regard to case, with the id as tiebreak, and pages with a cursor', async () => {
    const first = await listAs(alice, { limit: '3' });
    expect(first.items.map((item) => item.name)).toEqual(['A', 'a', 'b']);
    expect(first.hasMore).toBe(true);
    const second = await listAs(alice, { limit: '3', cursor: first.nextCursor! });
    expect(second.items.map((item) => item.name)).toEqual(['c', 'team one']);
    expect(second).toMatchObject({ hasMore: false, nextCursor: null, totalCount: 5, stats: { total: 5, enabled: 4, disabled: 1 } });
  });

  it('filters by enabled, with total_count from the counters', async () => {
    const list = await listAs(alice, { enabled: 'false' });
    expect(list.items.map((item) => item.name)).toEqual(['A']);
    expect(list.totalCount).toBe(1);
  });

  it('supports offset', async () => {
    const list = await listAs(alice, { offset: '2', limit: '2' });
    expect(list.items.map((item) => item.name)).toEqual(['b', 'c']);
    expect((await listAs(alice, { offset: '50' })).items).toEqual([]);
  });

  it.each([
    [{ cursor: 'garbage' }, 'cursor'],
    [{ limit: '0' }, 'limit'],
    [{ limit: '101' }, 'limit'],
    [{ enabled: 'yes' }, 'enabled'],
    [{ sort: 'name' }, 'sort'],
  ])('rejects the query %j with a 400 naming %s', async (query, field) => {
    const error = await expectError(listAs(alice, query), ValidationError);
    expect(error.details?.field).toBe(field);
  });

  it('rejects a cursor from another caller or with other filters', async () => {
    const page = await listAs(alice, { limit: '1' });
    await expectError(listAs(bob, { limit: '1', cursor: page.nextCursor! }), ValidationError);
    await expectError(listAs(alice, { limit: '1', enabled: 'true', cursor: page.nextCursor! }), ValidationError);
  });
});
