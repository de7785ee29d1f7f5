// Catch-up: on resume the most recent occurrence missed within the window runs once, with its scheduled id, and never
// a storm of old ones; a schedule that does not ask for it, or an occurrence that already ran, runs nothing.
import { beforeEach, describe, expect, it } from 'vitest';
import { settingsFromEnv } from '#shared/config.ts';
import type { Agent } from '#shared/domain/agent.ts';
import type { TenantPrincipal } from '#shared/domain/principal.ts';
import { scheduledRunId } from '#shared/domain/run.ts';
import type { Schedule } from '#shared/domain/schedule.ts';
import { parseScheduleInput } from '#shared/http/schedules.ts';
import { catchUpMissed, latestMissedOccurrence } from '#shared/use-cases/catch-up.ts';
import { createSchedule } from '#shared/use-cases/create-schedule.ts';
import { executeQueuedRun, type RunnerDeps } from '#shared/use-cases/execute-run.ts';
import { resumeSchedule, setScheduleEnabled } from '#shared/use-cases/set-schedule-enabled.ts';
import { FakeAgentRunner, InMemoryRunStore, RecordingDispatcher } from '../../fakes/in-memory-runs.ts';
import { FixedClock, InMemoryAgentStore, InMemoryScheduleStore, RecordingMirror, SequentialIds } from '../../fakes/in-memory.ts';

const alice: TenantPrincipal = { role: 'tenant', tenantId: 'acme', userId: 'alice', keyId: 'k1' };
const START = new Date('2026-11-20T08:00:00Z');

let clock: FixedClock;
let runs: InMemoryRunStore;
let dispatcher: RecordingDispatcher;
let deps: RunnerDeps & { dispatcher: RecordingDispatcher };

beforeEach(async () => {
  const schedules = new InMemoryScheduleStore();
  const agents = new InMemoryAgentStore();
  runs = new InMemoryRunStore(schedules);
  clock = new FixedClock(START);
  dispatcher = new RecordingDispatcher();
  deps = {
    schedules,
    agents,
    runs,
    agentRunner: new FakeAgentRunner({ elapse: (ms) => clock.advance(ms) }),
    mirror: new RecordingMirror(),
    clock,
    ids: new SequentialIds(),
    settings: settingsFromEnv({}),
    dispatcher,
  };
  await agents.create({
    tenantId: 'acme',
    id: 'bot',
    kind: 'http',
    name: 'Bot',
    url: 'https://agents.example.com/bot',
    createdAt: START.toISOString(),
    updatedAt: START.toISOString(),
    version: 1,
  } as Agent);
});

async function hourly(fields: Record<string, unknown> = {}): Promise<Schedule> {
  const input = parseScheduleInput({ name: 'Hourly', task: 'Report', cronExpression: '15 * * * *', agentId: 'bot', team: false, ...fields }).input;
  return (await createSchedule(deps, alice, input)).schedule;
}

describe('latestMissedOccurrence', () => {
  it('is the last occurrence at or before now within the window, and none when the window holds none', async () => {
    const schedule = await hourly({ catchUp: 'latest', catchUpWindowMinutes: 180 });
    expect(latestMissedOccurrence(schedule, new Date('2026-11-20T11:40:00Z'))?.toISOString()).toBe('2026-11-20T11:15:00.000Z');
    expect(latestMissedOccurrence(schedule, new Date('2026-11-20T11:15:00Z'))?.toISOString()).toBe('2026-11-20T11:15:00.000Z');
    expect(latestMissedOccurrence({ ...schedule, catchUpWindowMinutes: 20 }, new Date('2026-11-20T11:40:00Z'))).toBeUndefined();
    expect(latestMissedOccurrence({ ...schedule, endAt: '2026-11-20T10:00:00Z' }, new Date('2026-11-20T11:40:00Z'))?.toISOString()).toBe(
      '2026-11-20T09:15:00.000Z',
    );
  });
});

describe('resuming a paused schedule', () => {
  it('with catchUp "latest" runs the most recent missed occurrence once, as a catch_up run with its scheduled id', async () => {
    const schedule = await hourly({ catchUp: 'latest' });
    await setScheduleEnabled(deps, alice, schedule.id, false);
    clock.current = new Date('2026-11-20T12:40:00Z');

    await resumeSchedule(deps, alice, schedule.id);

    const id = scheduledRunId(schedule.id, '2026-11-20T12:15:00Z');
    expect(dispatcher.dispatched).toEqual([{ kind: 'queued', tenantId: 'acme', scheduleId: schedule.id, runId: id }]);
    expect(await runs.get('acme', schedule.id, id)).toMatchObject({
      trigger: 'catch_up',
      status: 'queued',
      scheduledTime: '2026-11-20T12:15:00Z',
      agentId: 'bot',
    });
    const outcome = await executeQueuedRun(deps, dispatcher.dispatched[0]!);
    expect(outcome).toMatchObject({ outcome: 'ran', run: { status: 'succeeded', trigger: 'catch_up' } });
  });

  it('runs nothing again when paused and resumed twice in the window, nor when the occurrence had run', async () => {
    const schedule = await hourly({ catchUp: 'latest' });
    await setScheduleEnabled(deps, alice, schedule.id, false);
    clock.current = new Date('2026-11-20T12:40:00Z');
    await resumeSchedule(deps, alice, schedule.id);
    await setScheduleEnabled(deps, alice, schedule.id, false);
    await resumeSchedule(deps, alice, schedule.id);
    expect(dispatcher.dispatched).toHaveLength(1);
  });

  it('runs nothing with catchUp "none" (the default), or when the schedule was not paused', async () => {
    const plain = await hourly();
    const eager = await hourly({ name: 'Eager', catchUp: 'latest' });
    await setScheduleEnabled(deps, alice, plain.id, false);
    clock.current = new Date('2026-11-20T12:40:00Z');
    await resumeSchedule(deps, alice, plain.id);
    await resumeSchedule(deps, alice, eager.id);
    expect(dispatcher.dispatched).toEqual([]);
  });

  it('resumes without a catch-up when the monthly budget is spent', async () => {
    deps.settings = { ...deps.settings, runQuotas: { default: 0, tenants: {} } };
    const schedule = await hourly({ catchUp: 'latest' });
    await setScheduleEnabled(deps, alice, schedule.id, false);
    clock.current = new Date('2026-11-20T12:40:00Z');
    expect(await resumeSchedule(deps, alice, schedule.id)).toMatchObject({ enabled: true, status: 'active' });
    expect(dispatcher.dispatched).toEqual([]);
  });
});

describe('catchUpMissed', () => {
  it('is what the local server runs for each schedule at start: the latest missed occurrence, once', async () => {
    const schedule = await hourly({ catchUp: 'latest' });
    clock.current = new Date('2026-11-20T09:30:00Z');
    expect((await catchUpMissed(deps, schedule))?.scheduledTime).toBe('2026-11-20T09:15:00Z');
    expect(await catchUpMissed(deps, schedule)).toBeNull();
  });
});
