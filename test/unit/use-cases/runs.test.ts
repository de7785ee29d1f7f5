// The runner against in-memory fakes: exactly-once runs, the run record, the schedule's counters, skips, overlap,
// timeouts, budgets, triggers and run history. Deadlines are injected, so nothing waits on a real timer.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { settingsFromEnv, type Settings } from '#shared/config.ts';
import type { Agent } from '#shared/domain/agent.ts';
import { DomainError, ValidationError } from '#shared/domain/errors.ts';
import type { TenantPrincipal } from '#shared/domain/principal.ts';
import { OUTPUT_LIMIT_BYTES, RUN_ID_PATTERN, scheduledRunId, type Run } from '#shared/domain/run.ts';
import { parseScheduleInput } from '#shared/http/schedules.ts';
import type { Schedule } from '#shared/domain/schedule.ts';
import { AgentError } from '#shared/ports/agent-runner.ts';
import type { ScheduledEvent } from '#shared/ports/scheduler-mirror.ts';
import { createRun } from '#shared/use-cases/create-run.ts';
import { createSchedule } from '#shared/use-cases/create-schedule.ts';
import { deleteSchedule } from '#shared/use-cases/delete-schedule.ts';
import { executeQueuedRun, executeScheduledRun, FINISH_MARGIN_MS, type RunnerDeps, type RunnerOutcome } from '#shared/use-cases/execute-run.ts';
import { listRuns } from '#shared/use-cases/list-runs.ts';
import { setScheduleEnabled } from '#shared/use-cases/set-schedule-enabled.ts';
import { BudgetExhaustedError } from '#shared/domain/errors.ts';
import { triggerSchedule } from '#shared/use-cases/trigger-schedule.ts';
import { FakeAgentRunner, InMemoryRunStore, RecordingDispatcher } from '../../fakes/in-memory-runs.ts';
import { FixedClock, InMemoryAgentStore, InMemoryScheduleStore, RecordingMirror, SequentialIds, testCursors } from '../../fakes/in-memory.ts';
import { answered } from '../../support/answered.ts';
import { parseRunListQuery } from '#shared/http/runs.ts';
import { parseRunRequest } from '#shared/http/runs.ts';
import { rejectionOf } from '../../support/rejections.ts';

/** GET /v1/schedules/{id}/runs as the route runs it: the query string parsed, then the use case (a bad query rejects). */
const listRunsAs = async (principal: TenantPrincipal, scheduleId: string, query: Record<string, string>) =>
  listRuns({ ...deps, cursors: testCursors }, principal, scheduleId, parseRunListQuery(query));

const alice: TenantPrincipal = { role: 'tenant', tenantId: 'acme', userId: 'alice', keyId: 'k1' };
const START = new Date('2026-11-20T00:00:00Z');
const RETENTION_SECONDS = 90 * 86_400;

/** Deadlines the test expires by hand: the runner asks for one per agent call. */
class ManualDeadlines {
  readonly requested: number[] = [];
  readonly controllers: AbortController[] = [];
  signal = (ms: number): AbortSignal => {
    this.requested.push(ms);
    const controller = new AbortController();
    this.controllers.push(controller);
    return controller.signal;
  };
  expire(): void {
    for (const controller of this.controllers) controller.abort(new DOMException('The run deadline passed.', 'TimeoutError'));
  }
}

let schedules: InMemoryScheduleStore;
let agents: InMemoryAgentStore;
let runs: InMemoryRunStore;
let agent: FakeAgentRunner;
let mirror: RecordingMirror;
let clock: FixedClock;
let dispatcher: RecordingDispatcher;
let deadlines: ManualDeadlines;
let deps: RunnerDeps & { dispatcher: RecordingDispatcher };

function httpAgent(id: string): Agent {
  return {
    tenantId: 'acme',
    id,
    kind: 'http',
    name: `Agent ${id}`,
    url: `https://agents.example.com/${id}`,
    createdAt: START.toISOString(),
    updatedAt: START.toISOString(),
    version: 1,
  } as Agent;
}

beforeEach(async () => {
  schedules = new InMemoryScheduleStore();
  agents = new InMemoryAgentStore();
  runs = new InMemoryRunStore(schedules);
  clock = new FixedClock(START);
  agent = new FakeAgentRunner({ elapse: (ms) => clock.advance(ms) });
  mirror = new RecordingMirror();
  dispatcher = new RecordingDispatcher();
  deadlines = new ManualDeadlines();
  deps = {
    schedules,
    agents,
    runs,
    agentRunner: agent,
    mirror,
    clock,
    ids: new SequentialIds(),
    settings: settingsFromEnv({}),
    deadlineSignal: deadlines.signal,
    dispatcher,
  };
  await agents.create(httpAgent('bot'));
});

function configure(settings: Partial<Settings>): void {
  deps.settings = { ...deps.settings, ...settings };
}

async function newSchedule(fields: Record<string, unknown> = {}): Promise<Schedule> {
  const input = parseScheduleInput({
    name: 'Hourly report',
    task: 'Summarise the last hour',
    cronExpression: '0 * * * *',
    agentId: 'bot',
    metadata: { team: 'finance' },
    environmentId: 'prod',
    timeoutSeconds: 30,
    ...fields,
  }).input;
  return (await createSchedule(deps, alice, input)).schedule;
}

function eventFor(schedule: Schedule, scheduledTime: string, extra: Partial<ScheduledEvent> = {}): ScheduledEvent {
  return { tenantId: schedule.tenantId, scheduleId: schedule.id, scheduledTime, executionId: `exec-${scheduledTime}`, attempt: 1, ...extra };
}

/** Delivers the scheduled event with the clock at its scheduled time (as EventBridge does, give or take). */
function fire(schedule: Schedule, scheduledTime: string, extra: Partial<ScheduledEvent> = {}): Promise<RunnerOutcome> {
  clock.current = new Date(scheduledTime);
  return executeScheduledRun(deps, eventFor(schedule, scheduledTime, extra));
}

function ranRun(outcome: RunnerOutcome): Run {
  if (outcome.outcome !== 'ran' && outcome.outcome !== 'skipped') throw new Error(`expected a run, got ${JSON.stringify(outcome)}`);
  return outcome.run;
}

async function stored(schedule: Schedule): Promise<Schedule> {
  const current = await schedules.get(schedule.tenantId, schedule.id);
  if (!current) throw new Error(`schedule ${schedule.id} is gone`);
  return current;
}

const rejection = (promise: Promise<unknown>): Promise<unknown> => rejectionOf(promise);

describe('a scheduled run', () => {
  it('that succeeds records output, usage and duration, counts the success and clears the last error', async () => {
    const schedule = await newSchedule();
    agent.fail('http_status', 'Agent answered HTTP 502: bad gateway');
    await fire(schedule, '2026-11-20T01:00:00Z');
    expect(await stored(schedule)).toMatchObject({ consecutiveFailures: 1, lastError: { kind: 'http_status' } });

    agent.answer('Report ready', { inputTokens: 10, outputTokens: 5, totalTokens: 15 }, 2000);
    const outcome = await fire(schedule, '2026-11-20T02:00:00Z', { executionId: 'exec-2' });

    const expected: Run = {
      tenantId: 'acme',
      id: scheduledRunId(schedule.id, '2026-11-20T02:00:00Z'),
      scheduleId: schedule.id,
      userId: 'alice',
      trigger: 'schedule',
      status: 'succeeded',
      reason: null,
      scheduledTime: '2026-11-20T02:00:00Z',
      queuedAt: null,
      startedAt: '2026-11-20T02:00:00Z',
      finishedAt: '2026-11-20T02:00:02Z',
      deadlineAt: '2026-11-20T02:00:30Z',
      durationMs: 2000,
      output: 'Report ready',
      truncated: false,
      error: null,
      usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
      agentId: 'bot',
      task: null,
      metadata: null,
      attempt: 1,
      executionId: 'exec-2',
      expiresAt: Date.parse('2026-11-20T02:00:00Z') / 1000 + RETENTION_SECONDS,
      attempts: [{ startedAt: '2026-11-20T02:00:00Z', finishedAt: '2026-11-20T02:00:02Z', error: null }],
    };
    expect(outcome).toEqual({ outcome: 'ran', run: expected });
    expect(expected.id).toMatch(RUN_ID_PATTERN);
    expect(await runs.get('acme', schedule.id, expected.id)).toEqual(expected);
    expect(await stored(schedule)).toMatchObject({
      runCount: 2,
      successCount: 1,
      failureCount: 1,
      consecutiveFailures: 0,
      lastRunAt: '2026-11-20T02:00:00Z',
      lastRunStatus: 'succeeded',
      lastError: null,
      nextRunAt: '2026-11-20T03:00:00Z',
      runningRunId: null,
      runningUntil: null,
      enabled: true,
      status: 'active',
    });
    expect(agent.calls[1]?.agent.id).toBe('bot');
    expect(agent.calls[1]?.request).toEqual({
      task: 'Summarise the last hour',
      runId: expected.id,
      scheduleId: schedule.id,
      scheduledTime: '2026-11-20T02:00:00Z',
      metadata: { team: 'finance' },
      environmentId: 'prod',
      tenantId: 'acme',
    });
    expect(deadlines.requested).toEqual([30_000, 30_000]);
  });

  it('that fails with an HTTP status records the error, counts each failure and leaves the schedule enabled', async () => {
    const schedule = await newSchedule();
    agent.fail('http_status', 'Agent answered HTTP 500: boom', 1000).fail('http_status', 'Agent answered HTTP 503: later', 1000);

    const first = ranRun(await fire(schedule, '2026-11-20T01:00:00Z'));
    const second = ranRun(await fire(schedule, '2026-11-20T02:00:00Z'));

    expect(first).toMatchObject({ status: 'failed', output: null, error: { message: 'Agent answered HTTP 500: boom', kind: 'http_status' }, durationMs: 1000 });
    expect(second).toMatchObject({
      status: 'failed',
      error: { message: 'Agent answered HTTP 503: later', kind: 'http_status' },
      finishedAt: '2026-11-20T02:00:01Z',
    });
    expect(await runs.get('acme', schedule.id, second.id)).toEqual(second);
    expect(await stored(schedule)).toMatchObject({
      runCount: 2,
      successCount: 0,
      failureCount: 2,
      consecutiveFailures: 2,
      lastRunStatus: 'failed',
      lastRunAt: '2026-11-20T02:00:00Z',
      lastError: { message: 'Agent answered HTTP 503: later', kind: 'http_status', at: '2026-11-20T02:00:01Z' },
      nextRunAt: '2026-11-20T03:00:00Z',
      enabled: true,
      status: 'active',
    });
    expect(mirror.calls.map((call) => call.kind)).toEqual(['create']);
  });

  it('that outlives its deadline has its agent call aborted and is recorded as timed_out', async () => {
    const schedule = await newSchedule();
    agent.untilAborted(30_000);

    const pending = fire(schedule, '2026-11-20T01:00:00Z');
    await agent.called(1);
    expect(agent.calls[0]?.signal.aborted).toBe(false);
    deadlines.expire();
    const run = ranRun(await pending);

    expect(deadlines.requested).toEqual([30_000]);
    expect(agent.calls[0]?.signal.aborted).toBe(true);
    expect(run).toMatchObject({
      status: 'timed_out',
      error: { kind: 'timeout' },
      deadlineAt: '2026-11-20T01:00:30Z',
      finishedAt: '2026-11-20T01:00:30Z',
      durationMs: 30_000,
    });
    expect(await stored(schedule)).toMatchObject({
      lastRunStatus: 'timed_out',
      failureCount: 1,
      consecutiveFailures: 1,
      lastError: { kind: 'timeout' },
      enabled: true,
    });
  });

  it("gets a deadline no later than the runner's own remaining time minus the finish margin", async () => {
    const schedule = await newSchedule({ timeoutSeconds: 600 });
    deps.remainingMs = () => 70_000;
    const run = ranRun(await fire(schedule, '2026-11-20T01:00:00Z'));
    expect(deadlines.requested).toEqual([70_000 - FINISH_MARGIN_MS]);
    expect(run.deadlineAt).toBe('2026-11-20T01:01:00Z');
  });

  it('whose output is over 64 KiB keeps the first 64 KiB, cut on a character boundary, and says it was truncated', async () => {
    const schedule = await newSchedule();
    agent.answer('€'.repeat(30_000)).answer('x'.repeat(OUTPUT_LIMIT_BYTES));

    const cut = ranRun(await fire(schedule, '2026-11-20T01:00:00Z'));
    const exact = ranRun(await fire(schedule, '2026-11-20T02:00:00Z'));

    expect(cut.truncated).toBe(true);
    expect(cut.output).toBe('€'.repeat(21_845));
    expect(Buffer.byteLength(cut.output!)).toBeLessThanOrEqual(OUTPUT_LIMIT_BYTES);
    expect((await runs.get('acme', schedule.id, cut.id))?.truncated).toBe(true);
    expect(exact).toMatchObject({ truncated: false, status: 'succeeded' });
    expect(exact.output).toHaveLength(OUTPUT_LIMIT_BYTES);
  });

  it('whose agent throws something other than an AgentError is recorded as failed with kind agent_error', async () => {
    const schedule = await newSchedule();
    agent.throws(new TypeError('undefined is not a function'));
    const run = ranRun(await fire(schedule, '2026-11-20T01:00:00Z'));
    expect(run).toMatchObject({ status: 'failed', error: { kind: 'agent_error', message: 'The agent call failed unexpectedly.' } });
  });
});

describe('repeated deliveries of one scheduled event', () => {
  it('run the agent once: the second delivery is a duplicate and the counters move once', async () => {
    const schedule = await newSchedule();
    const first = await fire(schedule, '2026-11-20T01:00:00Z');
    const second = await fire(schedule, '2026-11-20T01:00:00Z');

    expect(first.outcome).toBe('ran');
    expect(second).toEqual({ outcome: 'duplicate', runId: ranRun(first).id });
    expect(agent.calls).toHaveLength(1);
    expect((await runs.list('acme', schedule.id, { limit: 10 })).items).toHaveLength(1);
    expect(await stored(schedule)).toMatchObject({ runCount: 1, successCount: 1 });
  });

  it('are still one run when the retry carries another execution id and attempt number', async () => {
    const schedule = await newSchedule();
    const first = await fire(schedule, '2026-11-20T01:00:00Z', { executionId: 'exec-a', attempt: 1 });
    const retry = await fire(schedule, '2026-11-20T01:00:00Z', { executionId: 'exec-b', attempt: 2 });

    expect(retry).toEqual({ outcome: 'duplicate', runId: ranRun(first).id });
    expect(agent.calls).toHaveLength(1);
    expect((await runs.get('acme', schedule.id, ranRun(first).id))?.executionId).toBe('exec-a');
    expect(await stored(schedule)).toMatchObject({ runCount: 1 });
  });

  it('arriving at the same moment still make one run', async () => {
    const schedule = await newSchedule({ overlapPolicy: 'allow' });
    clock.current = new Date('2026-11-20T01:00:00Z');
    const outcomes = await Promise.all(
      [1, 2, 3].map((n) => executeScheduledRun(deps, eventFor(schedule, '2026-11-20T01:00:00Z', { executionId: `exec-${n}` }))),
    );
    expect(outcomes.map((outcome) => outcome.outcome).sort()).toEqual(['duplicate', 'duplicate', 'ran']);
    expect(agent.calls).toHaveLength(1);
    expect(await stored(schedule)).toMatchObject({ runCount: 1 });
  });

  it('with a time written differently (milliseconds, offset) are recognised as the same scheduled time', async () => {
    const schedule = await newSchedule();
    await fire(schedule, '2026-11-20T01:00:00Z');
    const again = await executeScheduledRun(deps, eventFor(schedule, '2026-11-20T02:00:00.000+01:00'));
    expect(again.outcome).toBe('duplicate');
    expect(agent.calls).toHaveLength(1);
  });
});

describe('a scheduled event that must not run', () => {
  it('is recorded as skipped "disabled" when the schedule was paused, and the agent is never called', async () => {
    const schedule = await newSchedule();
    await setScheduleEnabled(deps, alice, schedule.id, false);

    const outcome = await fire(schedule, '2026-11-20T01:00:00Z');

    expect(outcome.outcome).toBe('skipped');
    const run = ranRun(outcome);
    expect(run).toMatchObject({
      status: 'skipped',
      reason: 'disabled',
      trigger: 'schedule',
      scheduledTime: '2026-11-20T01:00:00Z',
      startedAt: null,
      finishedAt: '2026-11-20T01:00:00Z',
      durationMs: 0,
    });
    expect(await runs.get('acme', schedule.id, run.id)).toEqual(run);
    expect(agent.calls).toEqual([]);
    expect((await fire(schedule, '2026-11-20T01:00:00Z')).outcome).toBe('duplicate');
  });

  it('is recorded as skipped "ended" when it comes after the schedule’s endAt', async () => {
    const schedule = await newSchedule({ endAt: '2026-11-20T03:00:00Z' });
    const inside = await fire(schedule, '2026-11-20T03:00:00Z');
    const outcome = await fire(schedule, '2026-11-20T04:00:00Z');
    expect(inside.outcome).toBe('ran');
    expect(ranRun(outcome)).toMatchObject({ status: 'skipped', reason: 'ended' });
    expect(agent.calls).toHaveLength(1);
  });

  it('is recorded as skipped "not_started" when it comes before the schedule’s startAt', async () => {
    const schedule = await newSchedule({ startAt: '2026-11-21T00:00:00Z' });
    expect(ranRun(await fire(schedule, '2026-11-20T05:00:00Z'))).toMatchObject({ status: 'skipped', reason: 'not_started' });
    expect(agent.calls).toEqual([]);
  });

  it('of a schedule deleted before it arrived records nothing', async () => {
    const schedule = await newSchedule();
    await deleteSchedule(deps, alice, schedule.id);
    expect(await fire(schedule, '2026-11-20T01:00:00Z')).toEqual({ outcome: 'no_schedule', scheduleId: schedule.id });
    expect(runs.items.size).toBe(0);
    expect(await schedules.get('acme', schedule.id)).toBeUndefined();
  });
});

describe('overlapping runs', () => {
  it('with policy skip: a run still running makes the next one skipped "overlap", and a later one runs again', async () => {
    const schedule = await newSchedule({ cronExpression: '* * * * *', timeoutSeconds: 300 });
    const held = agent.hold();
    const first = fire(schedule, '2026-11-20T00:01:00Z');
    await held.started;
    const firstId = scheduledRunId(schedule.id, '2026-11-20T00:01:00Z');
    expect(await stored(schedule)).toMatchObject({ runningRunId: firstId, runningUntil: '2026-11-20T00:06:00Z' });
    expect((await runs.get('acme', schedule.id, firstId))?.status).toBe('running');

    const second = await fire(schedule, '2026-11-20T00:02:00Z');
    expect(ranRun(second)).toMatchObject({ status: 'skipped', reason: 'overlap', scheduledTime: '2026-11-20T00:02:00Z' });
    expect(agent.calls).toHaveLength(1);

    held.release({ output: 'first done' });
    expect(ranRun(await first)).toMatchObject({ status: 'succeeded', output: 'first done' });
    expect(await stored(schedule)).toMatchObject({ runningRunId: null, runningUntil: null });

    const third = await fire(schedule, '2026-11-20T00:03:00Z');
    expect(ranRun(third)).toMatchObject({ status: 'succeeded' });
    expect(agent.calls).toHaveLength(2);
    expect(await stored(schedule)).toMatchObject({ runCount: 2, successCount: 2 });
  });

  it('with policy skip: a marker left past its deadline (a runner that died) does not block the next run', async () => {
    const schedule = await newSchedule({ cronExpression: '* * * * *', timeoutSeconds: 60 });
    const held = agent.hold();
    const first = fire(schedule, '2026-11-20T00:01:00Z');
    await held.started;

    const later = await fire(schedule, '2026-11-20T00:05:00Z');
    expect(ranRun(later)).toMatchObject({ status: 'succeeded' });

    held.release();
    await first;
  });

  it('with policy allow: both runs go ahead at once and both are counted', async () => {
    const schedule = await newSchedule({ cronExpression: '* * * * *', overlapPolicy: 'allow', timeoutSeconds: 300 });
    const one = agent.hold();
    const two = agent.hold();
    const first = fire(schedule, '2026-11-20T00:01:00Z');
    await one.started;
    const second = fire(schedule, '2026-11-20T00:02:00Z');
    await two.started;

    expect(agent.calls).toHaveLength(2);
    two.release({ output: 'two' });
    one.release({ output: 'one' });
    expect(ranRun(await first)).toMatchObject({ status: 'succeeded', output: 'one' });
    expect(ranRun(await second)).toMatchObject({ status: 'succeeded', output: 'two' });
    expect(await stored(schedule)).toMatchObject({ runCount: 2, successCount: 2 });
    expect((await stored(schedule)).runningRunId ?? null).toBeNull();
  });
});

describe('a one-time schedule', () => {
  it('ends completed after its run: disabled, no next run, and out of the enabled count', async () => {
    const schedule = await newSchedule({ name: 'Deploy', cronExpression: undefined, scheduleType: 'one-time', scheduledTime: '2026-11-20T06:00:00Z' });
    expect(await schedules.counts('acme', ['user#alice'])).toEqual({ total: 1, enabled: 1 });

    const run = ranRun(await fire(schedule, '2026-11-20T06:00:00Z'));

    expect(run.status).toBe('succeeded');
    expect(await stored(schedule)).toMatchObject({
      enabled: false,
      status: 'completed',
      nextRunAt: null,
      runCount: 1,
      successCount: 1,
      lastRunStatus: 'succeeded',
    });
    expect(await schedules.counts('acme', ['user#alice'])).toEqual({ total: 1, enabled: 0 });
    expect((await fire(schedule, '2026-11-20T06:00:00Z')).outcome).toBe('duplicate');
    expect(await schedules.counts('acme', ['user#alice'])).toEqual({ total: 1, enabled: 0 });
  });

  it('whose only run was skipped for budget ends too: it will never fire again, so it is not left enabled', async () => {
    configure({ runQuotas: { tenants: { acme: 0 } } });
    const schedule = await newSchedule({ name: 'Deploy', cronExpression: undefined, scheduleType: 'one-time', scheduledTime: '2026-11-20T06:00:00Z' });

    expect(ranRun(await fire(schedule, '2026-11-20T06:00:00Z'))).toMatchObject({ status: 'skipped', reason: 'budget' });

    expect(await stored(schedule)).toMatchObject({ enabled: false, status: 'completed', nextRunAt: null });
    expect(await schedules.counts('acme', ['user#alice'])).toEqual({ total: 1, enabled: 0 });
  });

  it('that failed also ends completed', async () => {
    const schedule = await newSchedule({ name: 'Deploy', cronExpression: undefined, scheduleType: 'one-time', scheduledTime: '2026-11-20T06:00:00Z' });
    agent.fail('network', 'connection refused');
    await fire(schedule, '2026-11-20T06:00:00Z');
    expect(await stored(schedule)).toMatchObject({ enabled: false, status: 'completed', nextRunAt: null, failureCount: 1, lastError: { kind: 'network' } });
  });
});

describe('which agent runs', () => {
  it('none, when the schedule names no agent and there is no default: the run fails no_agent saying how to fix it', async () => {
    const schedule = await newSchedule({ agentId: null });
    const run = ranRun(await fire(schedule, '2026-11-20T01:00:00Z'));

    expect(run).toMatchObject({ status: 'failed', agentId: null, error: { kind: 'no_agent' } });
    expect(run.error?.message).toContain('agentId');
    expect(run.error?.message).toContain('DEFAULT_AGENT_ID');
    expect(agent.calls).toEqual([]);
    expect(await stored(schedule)).toMatchObject({ failureCount: 1, lastError: { kind: 'no_agent' }, enabled: true });
  });

  it('none, when the named agent was deleted: the run fails no_agent and says to create it or pick another', async () => {
    const schedule = await newSchedule();
    await agents.delete('acme', 'bot');
    const run = ranRun(await fire(schedule, '2026-11-20T01:00:00Z'));
    expect(run.error?.kind).toBe('no_agent');
    expect(run.error?.message).toContain('"bot"');
    expect(run.error?.message).toContain('POST /v1/agents');
  });

  it('the deployment default agent, when the schedule names none', async () => {
    configure({ defaultAgentId: 'bot' });
    const schedule = await newSchedule({ agentId: null });
    const run = ranRun(await fire(schedule, '2026-11-20T01:00:00Z'));
    expect(run).toMatchObject({ status: 'succeeded', agentId: 'bot' });
    expect(agent.calls.map((call) => call.agent.id)).toEqual(['bot']);
  });
});

describe('a schedule deleted while its run is in flight', () => {
  it('gets the run recorded and is not recreated by the final write', async () => {
    const schedule = await newSchedule();
    const finish = vi.spyOn(runs, 'finishRun');
    const held = agent.hold();
    const pending = fire(schedule, '2026-11-20T01:00:00Z');
    await held.started;

    await deleteSchedule(deps, alice, schedule.id);
    held.release({ output: 'done anyway' });
    const run = ranRun(await pending);

    expect(run).toMatchObject({ status: 'succeeded', output: 'done anyway' });
    expect(await runs.get('acme', schedule.id, run.id)).toMatchObject({ status: 'succeeded', output: 'done anyway' });
    await expect(finish.mock.results[0]?.value).resolves.toBe('schedule_gone');
    expect(await schedules.get('acme', schedule.id)).toBeUndefined();
    expect(schedules.items.size).toBe(0);
    expect(await schedules.counts('acme', ['user#alice'])).toEqual({ total: 0, enabled: 0 });
  });
});

describe('a schedule paused while its run is in flight', () => {
  it('keeps no next run time after the run finishes', async () => {
    const schedule = await newSchedule();
    const held = agent.hold();
    const pending = fire(schedule, '2026-11-20T01:00:00Z');
    await held.started;

    const paused = await setScheduleEnabled(deps, alice, schedule.id, false);
    expect(paused).toMatchObject({ enabled: false, nextRunAt: null });
    held.release();
    await pending;

    expect(await stored(schedule)).toMatchObject({ enabled: false, status: 'paused', runCount: 1, nextRunAt: null });
  });
});

describe('autoDisableAfterFailures', () => {
  it('pauses the schedule in both stores after that many consecutive failures, with the reason', async () => {
    configure({ autoDisableAfterFailures: 3 });
    const schedule = await newSchedule();
    agent
      .fail('http_status', 'Agent answered HTTP 500: one')
      .fail('http_status', 'Agent answered HTTP 500: two')
      .fail('http_status', 'Agent answered HTTP 500: three');

    await fire(schedule, '2026-11-20T01:00:00Z');
    await fire(schedule, '2026-11-20T02:00:00Z');
    expect(await stored(schedule)).toMatchObject({ enabled: true, consecutiveFailures: 2 });
    expect(mirror.calls.filter((call) => call.kind === 'update')).toEqual([]);

    await fire(schedule, '2026-11-20T03:00:00Z');

    const paused = await stored(schedule);
    expect(paused).toMatchObject({ enabled: false, status: 'paused', consecutiveFailures: 3, failureCount: 3, nextRunAt: null });
    expect(paused.statusReason).toMatch(/^Paused after 3 consecutive failed runs/);
    expect(paused.statusReason).toContain('http_status');
    const updates = mirror.calls.filter((call) => call.kind === 'update');
    expect(updates).toHaveLength(1);
    expect(updates[0]?.schedule).toMatchObject({ name: schedule.id, enabled: false });
    expect(await schedules.counts('acme', ['user#alice'])).toEqual({ total: 1, enabled: 0 });
  });

  it('pauses after that many consecutive failures even when the failing runs overlapped', async () => {
    configure({ autoDisableAfterFailures: 2 });
    const schedule = await newSchedule({ cronExpression: '* * * * *', overlapPolicy: 'allow', timeoutSeconds: 300 });
    const one = agent.hold();
    const two = agent.hold();
    const first = fire(schedule, '2026-11-20T00:01:00Z');
    await one.started;
    const second = fire(schedule, '2026-11-20T00:02:00Z');
    await two.started;

    one.fail(new AgentError('http_status', 'Agent answered HTTP 500: one'));
    await first;
    two.fail(new AgentError('http_status', 'Agent answered HTTP 500: two'));
    await second;

    expect(await stored(schedule)).toMatchObject({ consecutiveFailures: 2, failureCount: 2, enabled: false, status: 'paused' });
  });

  it('does not pause when a success breaks the streak', async () => {
    configure({ autoDisableAfterFailures: 3 });
    const schedule = await newSchedule();
    agent.fail('network', 'a').fail('network', 'b').answer('fine').fail('network', 'c').fail('network', 'd');
    for (const hour of ['01', '02', '03', '04', '05']) await fire(schedule, `2026-11-20T${hour}:00:00Z`);
    expect(await stored(schedule)).toMatchObject({ enabled: true, consecutiveFailures: 2, failureCount: 4, successCount: 1 });
  });

  it('never pauses when it is 0 (the default)', async () => {
    const schedule = await newSchedule();
    for (const hour of ['01', '02', '03', '04', '05']) {
      agent.fail('network', `down at ${hour}`);
      await fire(schedule, `2026-11-20T${hour}:00:00Z`);
    }
    expect(await stored(schedule)).toMatchObject({ enabled: true, status: 'active', consecutiveFailures: 5 });
    expect(mirror.calls.map((call) => call.kind)).toEqual(['create']);
  });
});

describe('budgets', () => {
  it('skip scheduled runs past the monthly quota with reason budget, and a trigger answers 402', async () => {
    configure({ runQuotas: { tenants: { acme: 2 } } });
    const schedule = await newSchedule();

    expect((await fire(schedule, '2026-11-20T01:00:00Z')).outcome).toBe('ran');
    expect((await fire(schedule, '2026-11-20T02:00:00Z')).outcome).toBe('ran');
    const third = await fire(schedule, '2026-11-20T03:00:00Z');

    expect(ranRun(third)).toMatchObject({ status: 'skipped', reason: 'budget' });
    expect(agent.calls).toHaveLength(2);
    expect(await runs.usage('acme', '2026-11')).toBe(2);

    const error = await rejection(triggerSchedule(deps, alice, schedule.id));
    expect(error).toBeInstanceOf(BudgetExhaustedError);
    expect(answered(error)).toMatchObject({ status: 402, code: 'budget_exhausted' });
    expect(dispatcher.dispatched).toEqual([]);
    expect((await runs.list('acme', schedule.id, { limit: 10 })).items.map((run) => run.trigger)).toEqual(['schedule', 'schedule', 'schedule']);
  });

  it('count per tenant: another tenant’s runs do not use this one’s quota', async () => {
    configure({ runQuotas: { default: 1, tenants: {} } });
    const schedule = await newSchedule();
    runs.usageByMonth.set('other/2026-11', 5);
    expect((await fire(schedule, '2026-11-20T01:00:00Z')).outcome).toBe('ran');
    expect(ranRun(await fire(schedule, '2026-11-20T02:00:00Z')).reason).toBe('budget');
  });
});

describe('triggering a schedule', () => {
  it('creates a queued manual run, dispatches it, and the runner runs it exactly once', async () => {
    const schedule = await newSchedule();
    clock.current = new Date('2026-11-20T00:10:00Z');

    const queued = (await triggerSchedule(deps, alice, schedule.id)).run;

    expect(queued).toMatchObject({
      trigger: 'manual',
      status: 'queued',
      scheduleId: schedule.id,
      scheduledTime: null,
      queuedAt: '2026-11-20T00:10:00Z',
      agentId: 'bot',
      userId: 'alice',
    });
    expect(queued.id).toMatch(RUN_ID_PATTERN);
    expect(await runs.get('acme', schedule.id, queued.id)).toEqual(queued);
    expect(dispatcher.dispatched).toEqual([{ kind: 'queued', tenantId: 'acme', scheduleId: schedule.id, runId: queued.id }]);

    agent.answer('manual output', undefined, 1000);
    const ref = dispatcher.dispatched[0]!;
    const outcome = await executeQueuedRun(deps, ref);
    const again = await executeQueuedRun(deps, ref);

    expect(ranRun(outcome)).toMatchObject({
      id: queued.id,
      trigger: 'manual',
      status: 'succeeded',
      output: 'manual output',
      startedAt: '2026-11-20T00:10:00Z',
      durationMs: 1000,
    });
    expect(again).toEqual({ outcome: 'duplicate', runId: queued.id });
    expect(agent.calls).toHaveLength(1);
    expect(agent.calls[0]?.request).toMatchObject({ task: 'Summarise the last hour', runId: queued.id, scheduleId: schedule.id, scheduledTime: null });
    expect(await runs.get('acme', schedule.id, queued.id)).toMatchObject({ status: 'succeeded', output: 'manual output' });
    expect(await stored(schedule)).toMatchObject({ runCount: 1, successCount: 1, lastRunStatus: 'succeeded', enabled: true });
  });

  it('twice makes two runs, and neither collides with the scheduled run at that moment', async () => {
    const schedule = await newSchedule();
    clock.current = new Date('2026-11-20T01:00:00Z');
    const one = (await triggerSchedule(deps, alice, schedule.id)).run;
    const two = (await triggerSchedule(deps, alice, schedule.id)).run;
    const scheduled = await fire(schedule, '2026-11-20T01:00:00Z');

    expect(one.id).not.toBe(two.id);
    expect(scheduled.outcome).toBe('ran');
    expect(new Set([one.id, two.id, ranRun(scheduled).id]).size).toBe(3);
  });

  it('records the run as failed and answers 503 when the runner cannot be started', async () => {
    const schedule = await newSchedule();
    dispatcher.failNext = new Error('Lambda throttled');
    const error = await rejection(triggerSchedule(deps, alice, schedule.id));
    expect(error).toBeInstanceOf(DomainError);
    expect(answered(error)).toMatchObject({ status: 503, code: 'runner_unavailable' });
    const [run] = (await runs.list('acme', schedule.id, { limit: 10 })).items;
    expect(run).toMatchObject({ trigger: 'manual', status: 'failed', error: { kind: 'internal' } });
  });

  it('of a schedule deleted before the runner picks the run up skips it with reason deleted', async () => {
    const schedule = await newSchedule();
    const queued = (await triggerSchedule(deps, alice, schedule.id)).run;
    await deleteSchedule(deps, alice, schedule.id);
    const outcome = await executeQueuedRun(deps, dispatcher.dispatched[0]!);
    expect(ranRun(outcome)).toMatchObject({ id: queued.id, status: 'skipped', reason: 'deleted' });
    expect(agent.calls).toEqual([]);
    expect(await schedules.get('acme', schedule.id)).toBeUndefined();
  });

  it('of a paused schedule still runs it now and leaves it paused', async () => {
    const schedule = await newSchedule();
    await setScheduleEnabled(deps, alice, schedule.id, false);
    await triggerSchedule(deps, alice, schedule.id);
    const run = ranRun(await executeQueuedRun(deps, dispatcher.dispatched[0]!));
    expect(run.status).toBe('succeeded');
    expect(await stored(schedule)).toMatchObject({ enabled: false, status: 'paused', runCount: 1, nextRunAt: null });
  });
});

describe('createRun', () => {
  it('with a schedule block creates that schedule and a queued api run of the task', async () => {
    clock.current = new Date('2026-11-20T00:05:00Z');
    const { run, schedule } = await createRun(
      deps,
      alice,
      parseRunRequest({
        task: 'Run database backup',
        agentId: 'bot',
        schedule: { type: 'recurring', name: 'Nightly Backup', cronExpression: '0 2 * * *' },
      }),
    );

    expect(schedule).toMatchObject({
      name: 'Nightly Backup',
      task: 'Run database backup',
      agentId: 'bot',
      scheduleType: 'recurring',
      cronExpression: '0 2 * * *',
      enabled: true,
      nextRunAt: '2026-11-20T02:00:00Z',
    });
    expect(await schedules.get('acme', schedule!.id)).toEqual(schedule);
    expect(run).toMatchObject({ trigger: 'api', status: 'queued', scheduleId: null, task: 'Run database backup', agentId: 'bot' });
    expect(dispatcher.dispatched).toEqual([{ kind: 'queued', tenantId: 'acme', scheduleId: null, runId: run.id }]);

    const outcome = ranRun(await executeQueuedRun(deps, dispatcher.dispatched[0]!));
    expect(outcome).toMatchObject({ status: 'succeeded', output: 'ok' });
    expect(agent.calls[0]?.request).toMatchObject({ task: 'Run database backup', scheduleId: null, runId: run.id });
    expect(await runs.get('acme', null, run.id)).toMatchObject({ status: 'succeeded' });
  });

  it("accepts seed 001's thread shape: the last user message is the task", async () => {
    configure({ defaultAgentId: 'bot' });
    const { run, schedule } = await createRun(
      deps,
      alice,
      parseRunRequest({
        messages: [
          { role: 'system', content: 'You are careful.' },
          { role: 'user', content: 'Run database backup' },
        ],
        schedule: { type: 'recurring', name: 'Nightly Backup', cronExpression: '0 2 * * *' },
      }),
    );
    expect(run).toMatchObject({ task: 'Run database backup', trigger: 'api', agentId: 'bot' });
    expect(schedule).toMatchObject({ name: 'Nightly Backup', task: 'Run database backup' });
  });

  it('without a schedule block creates only the run', async () => {
    const { run, schedule } = await createRun(deps, alice, parseRunRequest({ task: 'Once', agentId: 'bot' }));
    expect(schedule).toBeNull();
    expect(schedules.items.size).toBe(0);
    expect(run.status).toBe('queued');
  });
});

describe('listing a schedule’s runs', () => {
  async function history(): Promise<{ schedule: Schedule; ids: string[] }> {
    const schedule = await newSchedule();
    agent.answer('1').fail('http_status', 'HTTP 500').answer('3').fail('network', 'down').answer('5');
    const ids: string[] = [];
    for (const hour of ['01', '02', '03', '04', '05']) ids.push(ranRun(await fire(schedule, `2026-11-20T${hour}:00:00Z`)).id);
    return { schedule, ids };
  }

  it('pages newest first with an opaque cursor', async () => {
    const { schedule, ids } = await history();

    const first = await listRunsAs(alice, schedule.id, { limit: '2' });
    expect(first.items.map((run) => run.id)).toEqual([ids[4], ids[3]]);
    expect(first.hasMore).toBe(true);
    const second = await listRunsAs(alice, schedule.id, { limit: '2', cursor: first.nextCursor! });
    expect(second.items.map((run) => run.id)).toEqual([ids[2], ids[1]]);
    const third = await listRunsAs(alice, schedule.id, { limit: '2', cursor: second.nextCursor! });
    expect(third.items.map((run) => run.id)).toEqual([ids[0]]);
    expect(third).toMatchObject({ hasMore: false, nextCursor: null });
    expect(first.items[0]).toMatchObject({ output: '5', status: 'succeeded' });
  });

  it('filters by status', async () => {
    const { schedule, ids } = await history();
    const failed = await listRunsAs(alice, schedule.id, { status: 'failed' });
    expect(failed.items.map((run) => run.id)).toEqual([ids[3], ids[1]]);
    expect(failed.items.map((run) => run.error?.kind)).toEqual(['network', 'http_status']);
  });

  it('answers 400 for a garbage cursor, and for a cursor reused with another filter', async () => {
    const { schedule } = await history();
    const garbage = await rejection(listRunsAs(alice, schedule.id, { cursor: 'not-a-cursor' }));
    expect(garbage).toBeInstanceOf(ValidationError);
    expect(answered(garbage)).toMatchObject({ status: 400, details: { field: 'cursor' } });

    const page = await listRunsAs(alice, schedule.id, { limit: '1' });
    const reused = await rejection(listRunsAs(alice, schedule.id, { limit: '1', cursor: page.nextCursor!, status: 'failed' }));
    expect(answered(reused)).toMatchObject({ status: 400, details: { field: 'cursor' } });
  });
});
