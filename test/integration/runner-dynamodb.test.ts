// The runner against DynamoDB Local: exactly-once under concurrent deliveries, exact counters under concurrent runs,
// the overlap marker, deleted schedules and one-time completion, with the real conditional writes and transactions.
import { beforeEach, describe, expect, inject, it, vi } from 'vitest';
import { DynamoAgentStore } from '#shared/adapters/dynamodb/agent-store.ts';
import { DynamoRunStore } from '#shared/adapters/dynamodb/run-store.ts';
import { DynamoScheduleStore } from '#shared/adapters/dynamodb/schedule-store.ts';
import { settingsFromEnv, type Settings } from '#shared/config.ts';
import type { Agent } from '#shared/domain/agent.ts';
import type { TenantPrincipal } from '#shared/domain/principal.ts';
import { STUCK_RUN_GRACE_MS, scheduledRunId, type Run } from '#shared/domain/run.ts';
import { parseScheduleInput } from '#shared/http/schedules.ts';
import type { Schedule } from '#shared/domain/schedule.ts';
import { AgentError } from '#shared/ports/agent-runner.ts';
import type { ScheduledEvent } from '#shared/ports/scheduler-mirror.ts';
import { createSchedule } from '#shared/use-cases/create-schedule.ts';
import { deleteSchedule } from '#shared/use-cases/delete-schedule.ts';
import { endOverdueRuns } from '#shared/use-cases/end-overdue-runs.ts';
import { executeQueuedRun, executeScheduledRun, type RunnerDeps, type RunnerOutcome } from '#shared/use-cases/execute-run.ts';
import { listRuns } from '#shared/use-cases/list-runs.ts';
import { setScheduleEnabled } from '#shared/use-cases/set-schedule-enabled.ts';
import { BudgetExhaustedError } from '#shared/domain/errors.ts';
import { triggerSchedule } from '#shared/use-cases/trigger-schedule.ts';
import { deferred, FakeAgentRunner, RecordingDispatcher } from '../fakes/in-memory-runs.ts';
import { FixedClock, RecordingMirror, SequentialIds, testCursors } from '../fakes/in-memory.ts';
import { freshTable } from './dynamodb-local.ts';
import { answered } from '../support/answered.ts';
import { parseRunListQuery } from '#shared/http/runs.ts';

/** GET /v1/schedules/{id}/runs as the route runs it: the query string parsed, then the use case (a bad query rejects). */
const listRunsAs = async (principal: TenantPrincipal, scheduleId: string, query: Record<string, string>) =>
  listRuns({ ...deps, cursors: testCursors }, principal, scheduleId, parseRunListQuery(query));

const endpoint = inject('dynamoEndpoint');
const alice: TenantPrincipal = { role: 'tenant', tenantId: 'acme', userId: 'alice', keyId: 'k1' };
const START = new Date('2026-11-20T00:00:00Z');
const SCOPES = ['user#alice'];

let schedules: DynamoScheduleStore;
let runs: DynamoRunStore;
let agent: FakeAgentRunner;
let mirror: RecordingMirror;
let clock: FixedClock;
let dispatcher: RecordingDispatcher;
let deps: RunnerDeps & { dispatcher: RecordingDispatcher };

beforeEach(async () => {
  const table = await freshTable(endpoint);
  schedules = new DynamoScheduleStore(table);
  const agents = new DynamoAgentStore(table);
  runs = new DynamoRunStore(table);
  clock = new FixedClock(START);
  agent = new FakeAgentRunner();
  mirror = new RecordingMirror();
  dispatcher = new RecordingDispatcher();
  deps = { schedules, agents, runs, agentRunner: agent, mirror, clock, ids: new SequentialIds(), settings: settingsFromEnv({}), dispatcher };
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

function configure(settings: Partial<Settings>): void {
  deps.settings = { ...deps.settings, ...settings };
}

async function newSchedule(fields: Record<string, unknown> = {}): Promise<Schedule> {
  const input = parseScheduleInput({ name: 'Every minute', task: 'Check the queue', cronExpression: '* * * * *', agentId: 'bot', ...fields }).input;
  return (await createSchedule(deps, alice, input)).schedule;
}

function eventFor(schedule: Schedule, scheduledTime: string, executionId = `exec-${scheduledTime}`): ScheduledEvent {
  return { tenantId: 'acme', scheduleId: schedule.id, scheduledTime, executionId, attempt: 1 };
}

/** The n-th minute after 01:00 UTC on the test day. */
function minute(n: number): string {
  return new Date(Date.parse('2026-11-20T01:00:00Z') + n * 60_000).toISOString().replace('.000Z', 'Z');
}

async function stored(schedule: Schedule): Promise<Schedule> {
  const current = await schedules.get('acme', schedule.id);
  if (!current) throw new Error(`schedule ${schedule.id} is gone`);
  return current;
}

async function allRuns(scheduleId: string): Promise<Run[]> {
  const page = await runs.list('acme', scheduleId, { limit: 100 });
  expect(page.nextAfter).toBeUndefined();
  return page.items;
}

function ranRun(outcome: RunnerOutcome): Run {
  if (outcome.outcome !== 'ran' && outcome.outcome !== 'skipped') throw new Error(`expected a run, got ${JSON.stringify(outcome)}`);
  return outcome.run;
}

describe('the runner on DynamoDB', () => {
  it('runs one scheduled event delivered 20 times at once exactly once', async () => {
    const schedule = await newSchedule();
    clock.current = new Date(minute(1));

    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, n) => executeScheduledRun(deps, eventFor(schedule, minute(1), `exec-${n}`))));

    expect(outcomes.filter((outcome) => outcome.outcome === 'ran')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.outcome === 'duplicate')).toHaveLength(19);
    expect(agent.calls).toHaveLength(1);
    const records = await allRuns(schedule.id);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ id: scheduledRunId(schedule.id, minute(1)), status: 'succeeded', output: 'ok' });
    expect(await stored(schedule)).toMatchObject({ runCount: 1, successCount: 1, failureCount: 0, runningRunId: null, runningUntil: null });
  });

  it('counts 50 concurrent runs of one schedule exactly: 25 successes and 25 failures', async () => {
    const schedule = await newSchedule({ overlapPolicy: 'allow' });
    clock.current = new Date(minute(60));
    agent.respond = (call) => {
      const n = Math.round((Date.parse(call.request.scheduledTime!) - Date.parse(minute(0))) / 60_000);
      if (n % 2 === 1) throw new AgentError('http_status', `Agent answered HTTP 500 for minute ${n}`);
      return { output: `minute ${n}` };
    };

    const outcomes = await Promise.all(Array.from({ length: 50 }, (_, n) => executeScheduledRun(deps, eventFor(schedule, minute(n)))));

    expect(outcomes.map((outcome) => outcome.outcome)).toEqual(Array.from({ length: 50 }, () => 'ran'));
    expect(agent.calls).toHaveLength(50);
    const records = await allRuns(schedule.id);
    expect(records).toHaveLength(50);
    expect(records.filter((run) => run.status === 'succeeded')).toHaveLength(25);
    expect(records.filter((run) => run.status === 'failed')).toHaveLength(25);
    expect(await stored(schedule)).toMatchObject({ runCount: 50, successCount: 25, failureCount: 25 });
  });

  it('lets exactly one of 10 concurrent runs go ahead under overlap skip; the other nine are skipped "overlap"', async () => {
    const schedule = await newSchedule();
    clock.current = new Date(minute(10));
    const held = agent.hold();
    const settled: RunnerOutcome[] = [];
    const nineSettled = deferred<void>();
    const pending = Array.from({ length: 10 }, (_, n) =>
      executeScheduledRun(deps, eventFor(schedule, minute(n))).then((outcome) => {
        settled.push(outcome);
        if (settled.length === 9) nineSettled.resolve();
        return outcome;
      }),
    );

    await held.started;
    await nineSettled.promise;
    expect(settled.map((outcome) => outcome.outcome)).toEqual(Array.from({ length: 9 }, () => 'skipped'));
    expect(settled.map((outcome) => ranRun(outcome).reason)).toEqual(Array.from({ length: 9 }, () => 'overlap'));
    const running = await stored(schedule);
    expect(running.runningRunId).toBe(agent.calls[0]?.request.runId);

    held.release({ output: 'the one that ran' });
    const outcomes = await Promise.all(pending);
    expect(outcomes.filter((outcome) => outcome.outcome === 'ran')).toHaveLength(1);
    expect(agent.calls).toHaveLength(1);
    const records = await allRuns(schedule.id);
    expect(records).toHaveLength(10);
    expect(records.filter((run) => run.status === 'skipped' && run.reason === 'overlap')).toHaveLength(9);
    expect(records.filter((run) => run.status === 'succeeded')).toHaveLength(1);
    expect(await stored(schedule)).toMatchObject({ runCount: 1, successCount: 1, runningRunId: null, runningUntil: null });
  });

  it('keeps the overlap marker of a run that took over when a run past its deadline finishes late', async () => {
    const schedule = await newSchedule({ timeoutSeconds: 120 });
    const late = agent.hold();
    clock.current = new Date(minute(1));
    const first = executeScheduledRun(deps, eventFor(schedule, minute(1)));
    await late.started;
    expect(await stored(schedule)).toMatchObject({ runningUntil: minute(3) });

    // The first run's marker has expired, so the next one takes it over.
    const current = agent.hold();
    clock.current = new Date(minute(4));
    const second = executeScheduledRun(deps, eventFor(schedule, minute(4)));
    await current.started;
    const secondId = scheduledRunId(schedule.id, minute(4));
    expect(await stored(schedule)).toMatchObject({ runningRunId: secondId, runningUntil: minute(6) });

    try {
      // The first run's final write comes now; the second run is still running and must keep its marker.
      late.release();
      await first;
      expect(await stored(schedule)).toMatchObject({ runningRunId: secondId, runningUntil: minute(6) });
      clock.current = new Date(minute(5));
      const third = await executeScheduledRun(deps, eventFor(schedule, minute(5)));
      expect(ranRun(third)).toMatchObject({ status: 'skipped', reason: 'overlap' });
    } finally {
      current.release();
      await second;
    }
  });

  it('records the run of a schedule deleted in flight without recreating the schedule', async () => {
    const schedule = await newSchedule();
    clock.current = new Date(minute(1));
    const finish = vi.spyOn(runs, 'finishRun');
    const held = agent.hold();
    const pending = executeScheduledRun(deps, eventFor(schedule, minute(1)));
    await held.started;

    await deleteSchedule(deps, alice, schedule.id);
    held.release({ output: 'finished after the delete' });
    const run = ranRun(await pending);

    await expect(finish.mock.results[0]?.value).resolves.toBe('schedule_gone');
    expect(await schedules.get('acme', schedule.id)).toBeUndefined();
    expect(await runs.get('acme', schedule.id, run.id)).toMatchObject({ status: 'succeeded', output: 'finished after the delete' });
    expect(await schedules.counts('acme', SCOPES)).toEqual({ total: 0, enabled: 0 });
  });

  it('completes a one-time schedule and takes it out of the enabled count exactly once, however often it is delivered', async () => {
    const schedule = await newSchedule({ name: 'Deploy', cronExpression: undefined, scheduleType: 'one-time', scheduledTime: '2026-11-20T06:00:00Z' });
    expect(await schedules.counts('acme', SCOPES)).toEqual({ total: 1, enabled: 1 });
    clock.current = new Date('2026-11-20T06:00:00Z');

    const outcomes = await Promise.all(Array.from({ length: 5 }, (_, n) => executeScheduledRun(deps, eventFor(schedule, '2026-11-20T06:00:00Z', `exec-${n}`))));
    await executeScheduledRun(deps, eventFor(schedule, '2026-11-20T06:00:00Z', 'exec-late'));

    expect(outcomes.filter((outcome) => outcome.outcome === 'ran')).toHaveLength(1);
    expect(await stored(schedule)).toMatchObject({ enabled: false, status: 'completed', nextRunAt: null, runCount: 1 });
    expect(await schedules.counts('acme', SCOPES)).toEqual({ total: 1, enabled: 0 });
  });

  it('does not take a one-time schedule out of the enabled count twice when it was paused while running', async () => {
    const schedule = await newSchedule({ name: 'Deploy', cronExpression: undefined, scheduleType: 'one-time', scheduledTime: '2026-11-20T06:00:00Z' });
    clock.current = new Date('2026-11-20T06:00:00Z');
    const held = agent.hold();
    const pending = executeScheduledRun(deps, eventFor(schedule, '2026-11-20T06:00:00Z'));
    await held.started;

    await setScheduleEnabled(deps, alice, schedule.id, false);
    expect(await schedules.counts('acme', SCOPES)).toEqual({ total: 1, enabled: 0 });
    held.release();
    expect(ranRun(await pending).status).toBe('succeeded');

    expect(await stored(schedule)).toMatchObject({ enabled: false, runCount: 1 });
    expect(await schedules.counts('acme', SCOPES)).toEqual({ total: 1, enabled: 0 });
  });

  it('skips a scheduled run past the monthly quota with reason budget, and refuses a trigger with 402', async () => {
    configure({ runQuotas: { tenants: { acme: 1 } } });
    const schedule = await newSchedule();
    clock.current = new Date(minute(5));

    expect((await executeScheduledRun(deps, eventFor(schedule, minute(1)))).outcome).toBe('ran');
    const second = await executeScheduledRun(deps, eventFor(schedule, minute(2)));

    expect(ranRun(second)).toMatchObject({ status: 'skipped', reason: 'budget' });
    expect(await runs.usage('acme', '2026-11')).toBe(1);
    await expect(triggerSchedule(deps, alice, schedule.id)).rejects.toBeInstanceOf(BudgetExhaustedError);
    expect(dispatcher.dispatched).toEqual([]);
    expect(agent.calls).toHaveLength(1);
  });

  it('runs a triggered run once however often the queued run is delivered', async () => {
    const schedule = await newSchedule();
    const queued = (await triggerSchedule(deps, alice, schedule.id)).run;
    const ref = dispatcher.dispatched[0]!;

    const outcomes = await Promise.all(Array.from({ length: 5 }, () => executeQueuedRun(deps, ref)));

    expect(outcomes.filter((outcome) => outcome.outcome === 'ran')).toHaveLength(1);
    expect(agent.calls).toHaveLength(1);
    expect(await runs.get('acme', schedule.id, queued.id)).toMatchObject({ trigger: 'manual', status: 'succeeded', output: 'ok' });
    expect(await stored(schedule)).toMatchObject({ runCount: 1, successCount: 1 });
  });

  it('lists runs newest first, cursor paged and filtered by status', async () => {
    const schedule = await newSchedule();
    agent.answer('0').fail('network', 'down').answer('2').fail('network', 'down').answer('4');
    const ids: string[] = [];
    for (let n = 0; n < 5; n += 1) {
      clock.current = new Date(minute(n));
      ids.push(ranRun(await executeScheduledRun(deps, eventFor(schedule, minute(n)))).id);
    }

    const first = await listRunsAs(alice, schedule.id, { limit: '2' });
    const second = await listRunsAs(alice, schedule.id, { limit: '2', cursor: first.nextCursor! });
    const third = await listRunsAs(alice, schedule.id, { limit: '2', cursor: second.nextCursor! });
    expect([first, second, third].map((page) => page.items.map((run) => run.id))).toEqual([[ids[4], ids[3]], [ids[2], ids[1]], [ids[0]]]);
    expect(third).toMatchObject({ hasMore: false, nextCursor: null });

    const failed = await listRunsAs(alice, schedule.id, { status: 'failed' });
    expect(failed.items.map((run) => run.id)).toEqual([ids[3], ids[1]]);
    expect(answered(await listRunsAs(alice, schedule.id, { cursor: 'garbage.cursor' }).catch((error: unknown) => error))).toMatchObject({ status: 400 });
  });
});

describe('runs that never end, on DynamoDB Local', () => {
  it('ends a run whose runner was killed through the due index, and the late runner cannot overwrite it', async () => {
    const schedule = await newSchedule({ timeoutSeconds: 60 });
    const held = agent.hold();
    clock.current = new Date(minute(0));
    const late = executeScheduledRun({ ...deps, deadlineSignal: () => new AbortController().signal }, eventFor(schedule, minute(0)));
    await held.started;
    const runId = scheduledRunId(schedule.id, minute(0));
    expect(await runs.listOverdue(new Date(Date.parse(minute(1)) + STUCK_RUN_GRACE_MS - 1000).toISOString(), 10)).toEqual([]);

    clock.current = new Date(Date.parse(minute(1)) + STUCK_RUN_GRACE_MS + 1000);
    expect(await runs.listOverdue(clock.current.toISOString(), 10)).toEqual([{ tenantId: 'acme', scheduleId: schedule.id, runId }]);
    expect((await endOverdueRuns(deps)).ended).toEqual([runId]);
    expect(await runs.listOverdue('9999', 10)).toEqual([]);
    expect(await runs.get('acme', schedule.id, runId)).toMatchObject({ status: 'timed_out', error: { kind: 'timeout' } });
    expect(await stored(schedule)).toMatchObject({ runCount: 1, failureCount: 1, runningRunId: null, runningUntil: null });

    held.release({ output: 'too late' });
    await late;
    expect(await runs.get('acme', schedule.id, runId)).toMatchObject({ status: 'timed_out' });
    expect(await stored(schedule)).toMatchObject({ runCount: 1, failureCount: 1 });
  });

  it('records a run as failed when the agent usage cannot be stored, instead of leaving it running', async () => {
    const schedule = await newSchedule();
    // The adapters bound usage; an AgentRunner that does not is what this guards against.
    agent.answer('x', { inputTokens: 1e20 });
    clock.current = new Date(minute(0));
    await executeScheduledRun(deps, eventFor(schedule, minute(0)));
    expect(await runs.get('acme', schedule.id, scheduledRunId(schedule.id, minute(0)))).toMatchObject({
      status: 'failed',
      usage: null,
      error: { kind: 'internal' },
    });
    expect(await stored(schedule)).toMatchObject({ runCount: 1, failureCount: 1 });
    expect(await runs.listOverdue('9999', 10)).toEqual([]);
  });
});
