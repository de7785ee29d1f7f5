// Missed runs: a scheduled time that passed the grace period with no run becomes a skipped run, reason "missed", once;
// nextRunAt moves on and missedCount counts it. A time with a run (under way or ended) is never called missed.
import { beforeEach, describe, expect, it } from 'vitest';
import { settingsFromEnv } from '#shared/config.ts';
import type { Agent } from '#shared/domain/agent.ts';
import type { TenantPrincipal } from '#shared/domain/principal.ts';
import { makeRun, scheduledRunId, type Run } from '#shared/domain/run.ts';
import type { Schedule } from '#shared/domain/schedule.ts';
import { parseScheduleInput } from '#shared/http/schedules.ts';
import { createSchedule } from '#shared/use-cases/create-schedule.ts';
import { detectMissedRuns, MISSED_BATCH, type MissedRunDeps } from '#shared/use-cases/detect-missed-runs.ts';
import { executeScheduledRun, type RunnerDeps } from '#shared/use-cases/execute-run.ts';
import { setScheduleEnabled } from '#shared/use-cases/set-schedule-enabled.ts';
import { FakeAgentRunner, InMemoryRunStore, RecordingDispatcher } from '../../fakes/in-memory-runs.ts';
import { FixedClock, InMemoryAgentStore, InMemoryScheduleStore, type RecordingMirror } from '../../fakes/in-memory.ts';
import { inMemoryRunnerDeps } from '../../fakes/runner-deps.ts';

const alice: TenantPrincipal = { role: 'tenant', tenantId: 'acme', userId: 'alice', keyId: 'k1' };
const START = new Date('2026-11-20T08:00:00Z');
/** The first fire of the hourly schedule below. */
const FIRE = '2026-11-20T08:15:00Z';

let schedules: InMemoryScheduleStore;
let runs: InMemoryRunStore;
let clock: FixedClock;
let agent: FakeAgentRunner;
let deps: RunnerDeps;
let sweep: MissedRunDeps;
let told: Array<{ schedule: Schedule; run: Run }>;
let logged: string[];

beforeEach(async () => {
  schedules = new InMemoryScheduleStore();
  runs = new InMemoryRunStore(schedules);
  clock = new FixedClock(START);
  agent = new FakeAgentRunner();
  const agents = new InMemoryAgentStore();
  told = [];
  logged = [];
  deps = inMemoryRunnerDeps(
    { schedules, agents, runs, clock, agentRunner: agent },
    {
      dispatcher: new RecordingDispatcher(),
      // A held agent call never ends by itself here.
      deadlineSignal: () => new AbortController().signal,
    },
  );
  sweep = {
    schedules,
    runs,
    clock,
    settings: settingsFromEnv({}),
    log: (message) => logged.push(message),
    onMissed: async (schedule, run) => {
      told.push({ schedule, run });
    },
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

async function create(fields: Record<string, unknown> = {}): Promise<Schedule> {
  const input = parseScheduleInput({ name: 'Hourly', task: 'Report', cronExpression: '15 * * * *', agentId: 'bot', team: false, ...fields }).input;
  return (await createSchedule(deps, alice, input)).schedule;
}

const stored = (schedule: Schedule) => schedules.items.get(`${schedule.tenantId}/${schedule.id}`)!;
const at = (instant: string) => {
  clock.current = new Date(instant);
};

describe('detectMissedRuns', () => {
  it('records a lost fire as a skipped run, reason missed, once the 10-minute grace has passed, and not before', async () => {
    // Prepare
    const schedule = await create();
    expect(schedule.nextRunAt).toBe(FIRE);

    // Act
    at('2026-11-20T08:25:00Z');
    const early = await detectMissedRuns(sweep);
    at('2026-11-20T08:25:01Z');
    const late = await detectMissedRuns(sweep);

    // Assess
    expect(early.missed).toEqual([]);
    const runId = scheduledRunId(schedule.id, FIRE);
    expect(late).toEqual({ missed: [{ tenantId: 'acme', scheduleId: schedule.id, runId, scheduledTime: FIRE }], more: false });
    expect(await runs.get('acme', schedule.id, runId)).toMatchObject({
      trigger: 'schedule',
      status: 'skipped',
      reason: 'missed',
      scheduledTime: FIRE,
      startedAt: null,
      finishedAt: '2026-11-20T08:25:01Z',
      agentId: 'bot',
    });
    expect(agent.calls).toHaveLength(0);
  });

  it('moves nextRunAt to the next occurrence after now and counts the miss, without touching EventBridge', async () => {
    // Prepare
    const schedule = await create();
    const mirrorCalls = (deps.mirror as RecordingMirror).calls.length;

    // Act
    at('2026-11-20T10:40:00Z');
    await detectMissedRuns(sweep);

    // Assess
    expect(stored(schedule)).toMatchObject({ enabled: true, nextRunAt: '2026-11-20T11:15:00Z', missedCount: 1, version: schedule.version + 1, runCount: 0 });
    expect((deps.mirror as RecordingMirror).calls).toHaveLength(mirrorCalls);
  });

  it('does not record a time twice: a second sweep finds nothing, and the late delivery of that fire is a duplicate that does not run', async () => {
    // Prepare
    const schedule = await create();
    at('2026-11-20T08:30:00Z');
    await detectMissedRuns(sweep);

    // Act
    const again = await detectMissedRuns(sweep);
    const delivered = await executeScheduledRun(deps, { tenantId: 'acme', scheduleId: schedule.id, scheduledTime: FIRE, executionId: 'late', attempt: 2 });

    // Assess
    expect(again.missed).toEqual([]);
    expect(delivered).toEqual({ outcome: 'duplicate', runId: scheduledRunId(schedule.id, FIRE) });
    expect(agent.calls).toHaveLength(0);
    expect(stored(schedule).missedCount).toBe(1);
    expect(told).toHaveLength(1);
  });

  it('leaves a time whose run is still under way: not missed, and its end moves nextRunAt', async () => {
    // Prepare
    const schedule = await create();
    const held = agent.hold();
    at(FIRE);
    const running = executeScheduledRun(deps, { tenantId: 'acme', scheduleId: schedule.id, scheduledTime: FIRE, executionId: 'e1', attempt: 1 });
    await held.started;

    // Act
    at('2026-11-20T08:40:00Z');
    const result = await detectMissedRuns(sweep);
    held.release({ output: 'done' });
    await running;

    // Assess
    expect(result.missed).toEqual([]);
    expect(stored(schedule)).toMatchObject({ nextRunAt: '2026-11-20T09:15:00Z', runCount: 1 });
    expect(stored(schedule).missedCount).toBe(0);
    expect((await runs.get('acme', schedule.id, scheduledRunId(schedule.id, FIRE)))?.status).toBe('succeeded');
  });

  it('moves on a nextRunAt left behind by a fire that was skipped (a run exists for it), without calling it missed', async () => {
    // Prepare: an overlap skip records the run but leaves the schedule's nextRunAt as it was.
    const schedule = await create();
    await runs.recordRun(
      makeRun({
        tenantId: 'acme',
        id: scheduledRunId(schedule.id, FIRE),
        scheduleId: schedule.id,
        userId: 'alice',
        trigger: 'schedule',
        status: 'skipped',
        reason: 'overlap',
        scheduledTime: FIRE,
        finishedAt: FIRE,
        expiresAt: 4_102_444_800,
      }),
    );

    // Act
    at('2026-11-20T08:40:00Z');
    const result = await detectMissedRuns(sweep);

    // Assess
    expect(result.missed).toEqual([]);
    expect(stored(schedule).nextRunAt).toBe('2026-11-20T09:15:00Z');
    expect(stored(schedule).missedCount).toBe(0);
    expect(told).toEqual([]);
  });

  it('does not flag a paused schedule', async () => {
    // Prepare
    const schedule = await create();
    await setScheduleEnabled(deps, alice, schedule.id, false);

    // Act
    at('2026-11-20T12:00:00Z');
    const result = await detectMissedRuns(sweep);

    // Assess
    expect(result.missed).toEqual([]);
    expect(await runs.list('acme', schedule.id, { limit: 10 })).toEqual({ items: [], nextAfter: undefined });
  });

  it('waits for the flexible window as well as the grace: EventBridge may start the fire anywhere in it', async () => {
    // Prepare
    const schedule = await create({ flexibleWindowMinutes: 15 });

    // Act
    at('2026-11-20T08:40:00Z');
    const inWindow = await detectMissedRuns(sweep);
    at('2026-11-20T08:40:01Z');
    const past = await detectMissedRuns(sweep);

    // Assess
    expect(inWindow.missed).toEqual([]);
    expect(past.missed.map((entry) => entry.scheduleId)).toEqual([schedule.id]);
  });

  it('takes the grace period from MISSED_RUN_GRACE_SECONDS, and refuses one that is not a whole number of seconds', async () => {
    // Prepare
    const schedule = await create();
    sweep.settings = settingsFromEnv({ MISSED_RUN_GRACE_SECONDS: '60' });

    // Act
    at('2026-11-20T08:16:01Z');
    const result = await detectMissedRuns(sweep);

    // Assess
    expect(result.missed.map((entry) => entry.scheduleId)).toEqual([schedule.id]);
    expect(settingsFromEnv({}).missedRunGraceSeconds).toBe(600);
    expect(() => settingsFromEnv({ MISSED_RUN_GRACE_SECONDS: '0' })).toThrow(/MISSED_RUN_GRACE_SECONDS/);
    expect(() => settingsFromEnv({ MISSED_RUN_GRACE_SECONDS: 'ten minutes' })).toThrow(/MISSED_RUN_GRACE_SECONDS/);
  });

  it('completes a one-time schedule whose only time was missed', async () => {
    // Prepare
    const schedule = await create({ cronExpression: undefined, scheduleType: 'one-time', scheduledTime: '2026-11-20T08:30:00Z' });

    // Act
    at('2026-11-20T09:00:00Z');
    const result = await detectMissedRuns(sweep);

    // Assess
    expect(result.missed.map((entry) => entry.scheduledTime)).toEqual(['2026-11-20T08:30:00Z']);
    expect(stored(schedule)).toMatchObject({ enabled: false, status: 'completed', nextRunAt: null, missedCount: 1 });
    expect(stored(schedule).statusReason).toMatch(/missed/);
    expect(await schedules.counts('acme', ['user#alice'])).toEqual({ total: 1, enabled: 0 });
  });

  it('tells the hook once per missed run, with the schedule as moved on; a hook that throws is logged and the sweep goes on', async () => {
    // Prepare
    const first = await create({ name: 'First' });
    const second = await create({ name: 'Second' });
    sweep.onMissed = async (schedule, run) => {
      told.push({ schedule, run });
      if (schedule.id === first.id) throw new Error('webhook down');
    };

    // Act
    at('2026-11-20T08:30:00Z');
    const result = await detectMissedRuns(sweep);
    await detectMissedRuns(sweep);

    // Assess
    expect(result.missed.map((entry) => entry.scheduleId).sort()).toEqual([first.id, second.id].sort());
    expect(told.map((call) => [call.schedule.id, call.schedule.nextRunAt, call.schedule.missedCount, call.run.reason]).sort()).toEqual(
      [
        [first.id, '2026-11-20T09:15:00Z', 1, 'missed'],
        [second.id, '2026-11-20T09:15:00Z', 1, 'missed'],
      ].sort(),
    );
    expect(logged).toContain('Could not send the notice of a missed run');
  });

  it('re-reads and still moves on a schedule another writer changed meanwhile', async () => {
    // Prepare
    const schedule = await create();
    schedules.failNextUpdateWithStaleVersion = 1;

    // Act
    at('2026-11-20T08:30:00Z');
    const result = await detectMissedRuns(sweep);

    // Assess
    expect(result.missed).toHaveLength(1);
    expect(stored(schedule)).toMatchObject({ nextRunAt: '2026-11-20T09:15:00Z', missedCount: 1 });
  });

  it(`takes at most ${MISSED_BATCH} schedules a sweep, longest late first, and says there may be more`, async () => {
    // Prepare
    for (let index = 0; index <= MISSED_BATCH; index += 1) await create({ name: `Schedule ${index}` });
    const oldest = await create({ name: 'Oldest', cronExpression: '5 * * * *' });

    // Act
    at('2026-11-20T08:30:00Z');
    const first = await detectMissedRuns(sweep);
    const second = await detectMissedRuns(sweep);

    // Assess
    expect([first.missed.length, first.more]).toEqual([MISSED_BATCH, true]);
    expect(first.missed[0]!.scheduleId).toBe(oldest.id);
    expect([second.missed.length, second.more]).toEqual([2, false]);
  });
});
