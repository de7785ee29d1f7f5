// Run control against in-memory fakes: cancel (queued, running, finished), retries of the agent call (count, backoff,
// which failures), and idempotent triggers. The clock is injected and backoff waits move it; nothing sleeps for real
// but the few milliseconds a running run's cancel check takes.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Agent } from '#shared/domain/agent.ts';
import { NotFoundError, RunFinishedError, ValidationError } from '#shared/domain/errors.ts';
import type { TenantPrincipal } from '#shared/domain/principal.ts';
import type { Run } from '#shared/domain/run.ts';
import type { Schedule } from '#shared/domain/schedule.ts';
import { parseRunRequest } from '#shared/http/runs.ts';
import { parseScheduleInput } from '#shared/http/schedules.ts';
import { AgentError } from '#shared/ports/agent-runner.ts';
import { cancelRun } from '#shared/use-cases/cancel-run.ts';
import { createRun } from '#shared/use-cases/create-run.ts';
import { createSchedule } from '#shared/use-cases/create-schedule.ts';
import { executeQueuedRun, executeScheduledRun, type RunnerDeps, type RunnerOutcome } from '#shared/use-cases/execute-run.ts';
import { triggerSchedule } from '#shared/use-cases/trigger-schedule.ts';
import { FakeAgentRunner, InMemoryRunStore, RecordingDispatcher } from '../../fakes/in-memory-runs.ts';
import { FixedClock, InMemoryAgentStore, InMemoryScheduleStore } from '../../fakes/in-memory.ts';
import { inMemoryRunnerDeps } from '../../fakes/runner-deps.ts';
import { answered } from '../../support/answered.ts';
import { rejectionOf } from '../../support/rejections.ts';

const alice: TenantPrincipal = { role: 'tenant', tenantId: 'acme', userId: 'alice', keyId: 'k1' };
const mallory: TenantPrincipal = { role: 'tenant', tenantId: 'evil', userId: 'mallory', keyId: 'k9' };
const START = new Date('2026-11-20T00:00:00Z');

let schedules: InMemoryScheduleStore;
let runs: InMemoryRunStore;
let agent: FakeAgentRunner;
let clock: FixedClock;
let dispatcher: RecordingDispatcher;
let sleeps: number[];
let deps: RunnerDeps & { dispatcher: RecordingDispatcher };

beforeEach(async () => {
  schedules = new InMemoryScheduleStore();
  const agents = new InMemoryAgentStore();
  runs = new InMemoryRunStore(schedules);
  clock = new FixedClock(START);
  agent = new FakeAgentRunner({ elapse: (ms) => clock.advance(ms) });
  dispatcher = new RecordingDispatcher();
  sleeps = [];
  deps = inMemoryRunnerDeps(
    { schedules, agents, runs, clock, agentRunner: agent },
    {
      dispatcher,
      // Backoff moves the test's clock instead of waiting.
      sleep: async (ms) => {
        sleeps.push(ms);
        clock.advance(ms);
      },
      cancelCheckMs: 5,
    },
  );
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

async function newSchedule(fields: Record<string, unknown> = {}): Promise<Schedule> {
  const input = parseScheduleInput({ name: 'Hourly', task: 'Summarise', cronExpression: '0 * * * *', agentId: 'bot', timeoutSeconds: 600, ...fields }).input;
  return (await createSchedule(deps, alice, input)).schedule;
}

function fire(schedule: Schedule, scheduledTime: string): Promise<RunnerOutcome> {
  clock.current = new Date(scheduledTime);
  return executeScheduledRun(deps, { tenantId: 'acme', scheduleId: schedule.id, scheduledTime, executionId: 'exec', attempt: 1 });
}

function ranRun(outcome: RunnerOutcome): Run {
  if (outcome.outcome !== 'ran') throw new Error(`expected a run, got ${JSON.stringify(outcome)}`);
  return outcome.run;
}

async function stored(schedule: Schedule): Promise<Schedule> {
  return (await schedules.get('acme', schedule.id))!;
}

describe('cancel', () => {
  it('a queued run never starts: cancelled, counted once as cancelled, the agent never called', async () => {
    const schedule = await newSchedule();
    const { run: queued } = await triggerSchedule(deps, alice, schedule.id);
    const cancelled = await cancelRun(deps, alice, { scheduleId: schedule.id, runId: queued.id });
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelledAt: '2026-11-20T00:00:00Z', durationMs: 0 });

    const delivered = await executeQueuedRun(deps, { kind: 'queued', tenantId: 'acme', scheduleId: schedule.id, runId: queued.id });
    expect(delivered).toEqual({ outcome: 'duplicate', runId: queued.id });
    expect(agent.calls).toHaveLength(0);
    expect(await runs.get('acme', schedule.id, queued.id)).toMatchObject({ status: 'cancelled' });
    expect(await stored(schedule)).toMatchObject({ runCount: 1, cancelledCount: 1, successCount: 0, failureCount: 0, lastRunStatus: 'cancelled' });
  });

  it('a running run has its agent call aborted and ends cancelled; the failure streak and last error stay, the overlap marker is released', async () => {
    const schedule = await newSchedule();
    agent.fail('network', 'connection refused');
    ranRun(await fire(schedule, '2026-11-20T01:00:00.000Z'));
    const before = await stored(schedule);
    expect(before.consecutiveFailures).toBe(1);

    agent.untilAborted();
    const running = fire(schedule, '2026-11-20T02:00:00.000Z');
    await agent.called(2);
    const runId = agent.calls[1]!.request.runId;
    expect((await stored(schedule)).runningRunId).toBe(runId);
    clock.advance(4_000);
    const cancelled = await cancelRun(deps, alice, { scheduleId: schedule.id, runId });
    expect(cancelled).toMatchObject({ status: 'cancelled', durationMs: 4_000 });

    // The runner notices within its cancel check, aborts the call, and records nothing over the cancel.
    const outcome = ranRun(await running);
    expect(agent.calls[1]!.signal.aborted).toBe(true);
    expect(outcome.status).toBe('cancelled');
    expect(await runs.get('acme', schedule.id, runId)).toMatchObject({ status: 'cancelled', error: null });
    const after = await stored(schedule);
    expect(after).toMatchObject({ runCount: 2, cancelledCount: 1, failureCount: 1, successCount: 0, consecutiveFailures: 1, runningRunId: null });
    expect(after.lastError).toEqual(before.lastError);
  });

  it('a finished run answers 409 run_finished with its status; a second cancel too', async () => {
    const schedule = await newSchedule();
    const done = ranRun(await fire(schedule, '2026-11-20T01:00:00.000Z'));
    const error = await rejectionOf(cancelRun(deps, alice, { scheduleId: schedule.id, runId: done.id }), RunFinishedError);
    expect(answered(error)).toMatchObject({ status: 409, code: 'run_finished', details: { status: 'succeeded' } });
    expect(error.message).toContain('succeeded');

    const { run } = await triggerSchedule(deps, alice, schedule.id);
    await cancelRun(deps, alice, { scheduleId: schedule.id, runId: run.id });
    const again = await rejectionOf(cancelRun(deps, alice, { scheduleId: schedule.id, runId: run.id }), RunFinishedError);
    expect(answered(again).details).toMatchObject({ status: 'cancelled' });
    expect((await stored(schedule)).cancelledCount).toBe(1);
  });

  it("another tenant's run, or another user's one-off run, is a 404", async () => {
    const schedule = await newSchedule();
    const { run } = await triggerSchedule(deps, alice, schedule.id);
    await rejectionOf(cancelRun(deps, mallory, { scheduleId: schedule.id, runId: run.id }), NotFoundError);
    const { run: oneOff } = await createRun(deps, alice, parseRunRequest({ task: 'Once', agentId: 'bot' }));
    const bob: TenantPrincipal = { ...alice, userId: 'bob' };
    await rejectionOf(cancelRun(deps, bob, { scheduleId: null, runId: oneOff.id }), NotFoundError);
    expect(await cancelRun(deps, alice, { scheduleId: null, runId: oneOff.id })).toMatchObject({ status: 'cancelled' });
    expect((await runs.get('acme', schedule.id, run.id))?.status).toBe('queued');
  });
});

describe('retries of the agent call', () => {
  it('retries network failures with exponential backoff and counts the run once', async () => {
    const schedule = await newSchedule({ retry: { maxAttempts: 3, backoffSeconds: 10 } });
    agent.fail('network', 'ECONNRESET').fail('network', 'ECONNRESET').answer('third time lucky');
    const run = ranRun(await fire(schedule, '2026-11-20T01:00:00.000Z'));
    expect(run).toMatchObject({ status: 'succeeded', output: 'third time lucky' });
    expect(agent.calls).toHaveLength(3);
    expect(sleeps).toEqual([10_000, 20_000]);
    expect(run.attempts).toEqual([
      { startedAt: '2026-11-20T01:00:00Z', finishedAt: '2026-11-20T01:00:00Z', error: { kind: 'network', message: 'ECONNRESET' } },
      { startedAt: '2026-11-20T01:00:10Z', finishedAt: '2026-11-20T01:00:10Z', error: { kind: 'network', message: 'ECONNRESET' } },
      { startedAt: '2026-11-20T01:00:30Z', finishedAt: '2026-11-20T01:00:30Z', error: null },
    ]);
    expect((await runs.get('acme', schedule.id, run.id))?.attempts).toHaveLength(3);
    expect(await stored(schedule)).toMatchObject({ runCount: 1, successCount: 1, failureCount: 0, consecutiveFailures: 0 });
  });

  it('retries HTTP 429/5xx, not 4xx or a bad answer, and says why it stopped', async () => {
    const schedule = await newSchedule({ retry: { maxAttempts: 5, backoffSeconds: 1 } });
    agent
      .throws(new AgentError('http_status', 'Agent answered HTTP 503', { retryable: true }))
      .throws(new AgentError('http_status', 'Agent answered HTTP 429', { retryable: true }))
      .throws(new AgentError('http_status', 'Agent answered HTTP 400'));
    const run = ranRun(await fire(schedule, '2026-11-20T01:00:00.000Z'));
    expect(agent.calls).toHaveLength(3);
    expect(run.status).toBe('failed');
    expect(run.error).toEqual({
      kind: 'http_status',
      message: 'Agent answered HTTP 400 (attempt 3 of 5; not retried: a http_status error of this kind is not retryable)',
    });

    agent.fail('invalid_response', 'not JSON');
    const bad = ranRun(await fire(schedule, '2026-11-20T02:00:00.000Z'));
    expect(agent.calls).toHaveLength(4);
    expect(bad.attempts).toHaveLength(1);
    expect(await stored(schedule)).toMatchObject({ runCount: 2, failureCount: 2, consecutiveFailures: 2 });
  });

  it('gives up after maxAttempts, and never starts an attempt after the deadline', async () => {
    const schedule = await newSchedule({ retry: { maxAttempts: 2, backoffSeconds: 5 } });
    agent.fail('network', 'down').fail('network', 'down');
    const run = ranRun(await fire(schedule, '2026-11-20T01:00:00.000Z'));
    expect(run.error?.message).toBe('down (attempt 2 of 2; no attempts left)');
    expect(sleeps).toEqual([5_000]);

    const short = await newSchedule({ name: 'Short', timeoutSeconds: 30, retry: { maxAttempts: 5, backoffSeconds: 60 } });
    agent.fail('network', 'down');
    const late = ranRun(await fire(short, '2026-11-20T01:00:00.000Z'));
    expect(late.error?.message).toBe("down (attempt 1 of 5; not retried: the next attempt would start after the run's deadline)");
    expect(sleeps).toEqual([5_000]);
  });

  it('without a retry policy a run has one attempt', async () => {
    const schedule = await newSchedule();
    expect(schedule.retry).toBeNull();
    agent.fail('network', 'down');
    const run = ranRun(await fire(schedule, '2026-11-20T01:00:00.000Z'));
    expect(run.attempts).toHaveLength(1);
    expect(run.error?.message).toBe('down');
  });

  it('refuses a policy outside 1–5 attempts', () => {
    expect(() => parseScheduleInput({ cronExpression: '0 * * * *', task: 't', retry: { maxAttempts: 6 } })).toThrow(ValidationError);
    expect(() => parseScheduleInput({ cronExpression: '0 * * * *', task: 't', retry: { maxAttempts: 0 } })).toThrow(/retry.maxAttempts must be 1–5/);
  });
});

describe('idempotent triggers', () => {
  it('20 concurrent triggers with one key queue one run and all answer it', async () => {
    const schedule = await newSchedule();
    const results = await Promise.all(Array.from({ length: 20 }, () => triggerSchedule(deps, alice, schedule.id, { idempotencyKey: 'nightly-42' })));
    const ids = new Set(results.map((result) => result.run.id));
    expect(ids.size).toBe(1);
    expect(results.filter((result) => !result.replayed)).toHaveLength(1);
    expect([...runs.items.values()]).toHaveLength(1);
    expect(dispatcher.dispatched).toHaveLength(1);
  });

  it('the same key for another schedule, or for a schedule create, is a 409; another key is another run', async () => {
    const one = await newSchedule();
    const two = await newSchedule({ name: 'Two' });
    await triggerSchedule(deps, alice, one.id, { idempotencyKey: 'k' });
    const error = await rejectionOf(triggerSchedule(deps, alice, two.id, { idempotencyKey: 'k' }));
    expect(answered(error)).toMatchObject({ status: 409, details: { field: 'Idempotency-Key' } });
    const input = parseScheduleInput({ cronExpression: '0 * * * *', task: 't', agentId: 'bot' }).input;
    expect(answered(await rejectionOf(createSchedule(deps, alice, input, { idempotencyKey: 'k' }))).status).toBe(409);
    const other = await triggerSchedule(deps, alice, one.id, { idempotencyKey: 'k2' });
    expect(other.replayed).toBe(false);
    expect([...runs.items.values()]).toHaveLength(2);
  });

  it('POST /v1/runs with a key: the same run (and schedule) again; another body is a 409', async () => {
    const body = { task: 'Once', agentId: 'bot', schedule: { cronExpression: '0 9 * * *' } };
    const first = await createRun(deps, alice, parseRunRequest(body), { idempotencyKey: 'once-1' });
    const again = await Promise.all([1, 2, 3].map(() => createRun(deps, alice, parseRunRequest(body), { idempotencyKey: 'once-1' })));
    for (const result of again) {
      expect(result).toMatchObject({ replayed: true, run: { id: first.run.id }, schedule: { id: first.schedule!.id } });
    }
    expect(schedules.items.size).toBe(1);
    const error = await rejectionOf(createRun(deps, alice, parseRunRequest({ task: 'Other', agentId: 'bot' }), { idempotencyKey: 'once-1' }));
    expect(answered(error).status).toBe(409);
    expect(answered(await rejectionOf(triggerSchedule(deps, alice, first.schedule!.id, { idempotencyKey: 'bad key with spaces' }))).status).toBe(400);
  });
});
