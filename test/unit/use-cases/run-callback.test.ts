// Long-running agents against in-memory fakes, on an injected clock: a run its agent accepted (HTTP 202) waits past the
// runner's own deadline and ends through its callback; wrong, reused and late callbacks are refused; the sweeper ends
// an accepted run whose deadline passed.
import { beforeEach, describe, expect, it } from 'vitest';
import { settingsFromEnv } from '#shared/config.ts';
import type { Agent } from '#shared/domain/agent.ts';
import { DomainError, NotFoundError, RunFinishedError, ValidationError } from '#shared/domain/errors.ts';
import { makeRun, newRunId, scheduledRunId, type Run } from '#shared/domain/run.ts';
import type { Schedule } from '#shared/domain/schedule.ts';
import { formatInstant } from '#shared/expressions/index.ts';
import { parseCallbackBody } from '#shared/http/callbacks.ts';
import { parseScheduleInput } from '#shared/http/schedules.ts';
import { cancelRun } from '#shared/use-cases/cancel-run.ts';
import { createSchedule } from '#shared/use-cases/create-schedule.ts';
import { endOverdueRuns } from '#shared/use-cases/end-overdue-runs.ts';
import { executeScheduledRun, type RunnerDeps } from '#shared/use-cases/execute-run.ts';
import {
  acceptRun,
  callbackFor,
  callbackHandle,
  callbackRequest,
  callbackToken,
  completeByCallback,
  type CallbackDeps,
} from '#shared/use-cases/run-callback.ts';
import { FakeAgentRunner, InMemoryRunStore } from '../../fakes/in-memory-runs.ts';
import { FixedClock, InMemoryAgentStore, InMemoryScheduleStore } from '../../fakes/in-memory.ts';
import { inMemoryRunnerDeps } from '../../fakes/runner-deps.ts';
import { rejectionOf } from '../../support/rejections.ts';

const SECRET = 'whsec_callback_test_secret';
const BASE = 'https://api.example.com';
const alice = { role: 'tenant', tenantId: 'acme', userId: 'alice', keyId: 'k1' } as const;
const START = new Date('2026-11-20T09:00:00Z');
const MINUTE = 60_000;

let schedules: InMemoryScheduleStore;
let runs: InMemoryRunStore;
let clock: FixedClock;
let agent: FakeAgentRunner;
let deps: RunnerDeps & CallbackDeps;

beforeEach(async () => {
  schedules = new InMemoryScheduleStore();
  const agents = new InMemoryAgentStore();
  runs = new InMemoryRunStore(schedules);
  clock = new FixedClock(START);
  agent = new FakeAgentRunner({ elapse: (ms) => clock.advance(ms) });
  deps = inMemoryRunnerDeps(
    { schedules, agents, runs, clock, agentRunner: agent, env: { PUBLIC_BASE_URL: `${BASE}/` } },
    {
      callbackSecret: SECRET,
      cancelCheckMs: 5,
    },
  );
  await agents.create({ tenantId: 'acme', id: 'bot', kind: 'http', name: 'Bot', url: 'https://agents.example.com/bot', version: 1 } as Agent);
});

async function newSchedule(timeoutSeconds = 3600): Promise<Schedule> {
  const fields = { name: 'Nightly', task: 'Reconcile', cronExpression: '0 * * * *', agentId: 'bot', overlapPolicy: 'skip', timeoutSeconds };
  return (await createSchedule(deps, alice, parseScheduleInput(fields).input)).schedule;
}

/** A run as the runner starts it: running, with the synchronous deadline (capped by the Lambda's 15 minutes). */
async function startRun(schedule: Schedule | null): Promise<Run> {
  const now = clock.now();
  const run = makeRun({
    tenantId: 'acme',
    id: schedule ? scheduledRunId(schedule.id, formatInstant(now)) : newRunId(now, 'abcdefabcdef'),
    scheduleId: schedule?.id ?? null,
    userId: 'alice',
    trigger: schedule ? 'schedule' : 'api',
    status: 'running',
    startedAt: formatInstant(now),
    deadlineAt: formatInstant(new Date(now.getTime() + 10 * MINUTE)),
    agentId: 'bot',
    expiresAt: 4_102_444_800,
  });
  if (schedule) expect(await runs.beginScheduledRun(run, { overlap: 'skip', now: formatInstant(now) })).toBe('started');
  else expect(await runs.recordRun(run)).toBe('created');
  return run;
}

function accepted(result: Run | 'already_final'): Run {
  if (result === 'already_final') throw new Error('expected the run to be accepted');
  return result;
}

const handleOf = (run: Run) => callbackHandle({ tenantId: run.tenantId, scheduleId: run.scheduleId, runId: run.id });
const tokenOf = (run: Run) => callbackToken(SECRET, { tenantId: run.tenantId, scheduleId: run.scheduleId, runId: run.id });
const stored = async (run: Run) => (await runs.get(run.tenantId, run.scheduleId, run.id))!;
const storedSchedule = async (schedule: Schedule) => (await schedules.get('acme', schedule.id))!;

describe('accepting a run (the agent answered 202)', () => {
  it("keeps the run running until startedAt + the schedule's timeoutSeconds, and holds the overlap marker as long", async () => {
    const schedule = await newSchedule(4 * 3600);
    const run = await startRun(schedule);
    clock.advance(2_000);

    const result = accepted(await acceptRun(deps, run, schedule));

    expect(result).toMatchObject({ status: 'running', acceptedAt: '2026-11-20T09:00:02Z', deadlineAt: '2026-11-20T13:00:00Z' });
    expect(await stored(run)).toMatchObject({ status: 'running', acceptedAt: '2026-11-20T09:00:02Z', deadlineAt: '2026-11-20T13:00:00Z' });
    expect(await storedSchedule(schedule)).toMatchObject({ runningRunId: run.id, runningUntil: '2026-11-20T13:00:00Z' });
  });

  it('gives a one-off run (no schedule) its default 300 s', async () => {
    const run = await startRun(null);
    const result = accepted(await acceptRun(deps, { ...run, deadlineAt: formatInstant(new Date(START.getTime() + 60_000)) }, null));
    expect(result.deadlineAt).toBe('2026-11-20T09:05:00Z');
  });

  it('is already_final for a run cancelled before the 202 was recorded, and leaves the marker released', async () => {
    const schedule = await newSchedule();
    const run = await startRun(schedule);
    await cancelRun(deps, alice, { scheduleId: schedule.id, runId: run.id });

    expect(await acceptRun(deps, run, schedule)).toBe('already_final');
    expect(await stored(run)).toMatchObject({ status: 'cancelled' });
    expect((await stored(run)).acceptedAt).toBeUndefined();
    expect(await storedSchedule(schedule)).toMatchObject({ runningRunId: null, runningUntil: null });
  });
});

describe('completing a run through its callback', () => {
  it('ends an accepted run after 20 simulated minutes, past the sweeper: succeeded, counted once, the overlap released', async () => {
    const schedule = await newSchedule(3600);
    const before = await storedSchedule(schedule);
    const run = accepted(await acceptRun(deps, await startRun(schedule), schedule));
    clock.advance(20 * MINUTE);
    // Its synchronous deadline (10 min) plus the grace has passed; the accepted deadline has not.
    expect((await endOverdueRuns(deps)).ended).toEqual([]);

    const body = parseCallbackBody({ status: 'succeeded', output: { rows: 12 }, usage: { prompt_tokens: 7, completion_tokens: 5 } });
    const ended = await completeByCallback(deps, handleOf(run), tokenOf(run), body);

    expect(ended).toMatchObject({ status: 'succeeded', output: '{"rows":12}', error: null, durationMs: 20 * MINUTE, finishedAt: '2026-11-20T09:20:00Z' });
    expect(ended.usage).toEqual({ inputTokens: 7, outputTokens: 5, totalTokens: 12 });
    expect(await stored(run)).toMatchObject({ status: 'succeeded', output: '{"rows":12}', acceptedAt: '2026-11-20T09:00:00Z' });
    expect(await storedSchedule(schedule)).toMatchObject({
      runCount: (before.runCount ?? 0) + 1,
      successCount: (before.successCount ?? 0) + 1,
      failureCount: before.failureCount ?? 0,
      lastRunStatus: 'succeeded',
      runningRunId: null,
      runningUntil: null,
    });
  });

  it('records a reported failure with its kind and caps a long output at 64 KiB', async () => {
    const schedule = await newSchedule();
    const run = accepted(await acceptRun(deps, await startRun(schedule), schedule));
    clock.advance(MINUTE);
    const body = parseCallbackBody({ status: 'failed', output: 'x'.repeat(70_000), error: { message: 'Upstream refused', kind: 'http_status' } });

    const ended = await completeByCallback(deps, handleOf(run), tokenOf(run), body);

    expect(ended).toMatchObject({ status: 'failed', truncated: true, error: { message: 'Upstream refused', kind: 'http_status' } });
    expect(ended.output).toHaveLength(64 * 1024);
    expect(await storedSchedule(schedule)).toMatchObject({ lastRunStatus: 'failed', consecutiveFailures: 1, lastError: { kind: 'http_status' } });
  });

  it('refuses a wrong token with 401, the same whether the run exists or not, and changes nothing', async () => {
    const schedule = await newSchedule();
    const run = accepted(await acceptRun(deps, await startRun(schedule), schedule));
    const other = { tenantId: 'acme', scheduleId: schedule.id, runId: 'run_20261120T090000Z_000000000000' };
    const body = parseCallbackBody({ status: 'succeeded', output: 'forged' });
    const attempts = [
      completeByCallback(deps, handleOf(run), 'f'.repeat(64), body),
      completeByCallback(deps, handleOf(run), undefined, body),
      completeByCallback(deps, handleOf(run), callbackToken('another-secret', other), body),
      // A token of another run does not open this one.
      completeByCallback(deps, handleOf(run), callbackToken(SECRET, other), body),
      completeByCallback(deps, callbackHandle(other), 'f'.repeat(64), body),
      completeByCallback(deps, 'not a handle', tokenOf(run), body),
    ];

    for (const attempt of attempts) {
      const error = await rejectionOf(attempt, DomainError);
      expect(error.code).toBe('unauthorized');
      expect(error.message).toBe('Missing or invalid callback token.');
    }
    expect(await stored(run)).toMatchObject({ status: 'running' });
  });

  it('answers 404 to the right token of a run that no longer exists', async () => {
    const gone = { tenantId: 'acme', scheduleId: null, runId: 'run_20261120T090000Z_000000000000' };
    const body = parseCallbackBody({ status: 'succeeded' });
    await rejectionOf(completeByCallback(deps, callbackHandle(gone), callbackToken(SECRET, gone), body), NotFoundError);
  });

  it('refuses a reused token with 409 run_finished: the run and its counters stay as the first callback left them', async () => {
    const schedule = await newSchedule();
    const run = accepted(await acceptRun(deps, await startRun(schedule), schedule));
    await completeByCallback(deps, handleOf(run), tokenOf(run), parseCallbackBody({ status: 'succeeded', output: 'first' }));
    const after = await storedSchedule(schedule);

    const error = await rejectionOf(
      completeByCallback(deps, handleOf(run), tokenOf(run), parseCallbackBody({ status: 'failed', error: { message: 'second' } })),
      RunFinishedError,
    );

    expect(error.code).toBe('run_finished');
    expect(error.details).toMatchObject({ status: 'succeeded' });
    expect(await stored(run)).toMatchObject({ status: 'succeeded', output: 'first' });
    expect(await storedSchedule(schedule)).toEqual(after);
  });

  it('refuses a callback after the deadline with 409 deadline_passed and ends the run timed_out, releasing the marker', async () => {
    const schedule = await newSchedule(1800);
    const run = accepted(await acceptRun(deps, await startRun(schedule), schedule));
    clock.advance(31 * MINUTE);

    const error = await rejectionOf(
      completeByCallback(deps, handleOf(run), tokenOf(run), parseCallbackBody({ status: 'succeeded', output: 'late' })),
      DomainError,
    );

    expect(error.code).toBe('deadline_passed');
    expect(error.details).toMatchObject({ status: 'timed_out', deadlineAt: '2026-11-20T09:30:00Z' });
    expect(await stored(run)).toMatchObject({ status: 'timed_out', output: null, error: { kind: 'timeout' }, durationMs: 31 * MINUTE });
    expect(await storedSchedule(schedule)).toMatchObject({ lastRunStatus: 'timed_out', runningRunId: null, runningUntil: null });
  });

  it('lets the sweeper end an accepted run once its deadline (plus the grace) passed; a callback then is a 409', async () => {
    const schedule = await newSchedule(1800);
    const run = accepted(await acceptRun(deps, await startRun(schedule), schedule));
    clock.advance(31 * MINUTE);
    expect((await endOverdueRuns(deps)).ended).toEqual([]);
    clock.advance(2 * MINUTE);

    expect((await endOverdueRuns(deps)).ended).toEqual([run.id]);

    expect(await stored(run)).toMatchObject({ status: 'timed_out' });
    expect(await storedSchedule(schedule)).toMatchObject({ runningRunId: null, runningUntil: null });
    const error = await rejectionOf(completeByCallback(deps, handleOf(run), tokenOf(run), parseCallbackBody({ status: 'succeeded' })), RunFinishedError);
    expect(error.details).toMatchObject({ status: 'timed_out' });
  });
});

describe('the callback offered to the agent', () => {
  it('is a URL under PUBLIC_BASE_URL with a per-run token, and none without PUBLIC_BASE_URL or the secret', async () => {
    const run = await startRun(null);
    const offered = callbackFor(SECRET, `${BASE}/`, run);
    expect(offered.url).toBe(`${BASE}/v1/callbacks/${handleOf(run)}`);
    expect(offered.token).toMatch(/^[0-9a-f]{64}$/);
    expect(offered.token).not.toBe(callbackFor(SECRET, BASE, { ...run, id: 'run_20261120T090000Z_bbbbbbbbbbbb' }).token);
    expect(callbackRequest(deps, run)).toEqual({ callback: offered });
    expect(callbackRequest({ ...deps, settings: settingsFromEnv({}) }, run)).toEqual({});
    expect(callbackRequest({ ...deps, callbackSecret: undefined }, run)).toEqual({});
  });

  it('is read back in a body that names each wrong field', () => {
    const error = (() => {
      try {
        parseCallbackBody({ status: 'done', error: { message: '' }, extra: 1 });
      } catch (caught) {
        return caught as ValidationError;
      }
      throw new Error('expected a 400');
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain('status: must be "succeeded" or "failed"');
    expect(error.message).toContain('error.message: must not be empty');
    expect(error.message).toContain('unknown field "extra"');
  });
});

describe('the runner with a 202 agent (execute-run.ts calls acceptRun)', () => {
  it('offers the callback, records the run accepted and returns at once, holding the overlap marker to the deadline', async () => {
    const schedule = await newSchedule(4 * 3600);
    agent.respond = () => ({ output: '', accepted: true });

    const outcome = await executeScheduledRun(deps, {
      tenantId: 'acme',
      scheduleId: schedule.id,
      scheduledTime: START.toISOString(),
      executionId: 'e',
      attempt: 1,
    });

    if (outcome.outcome !== 'ran') throw new Error(`expected a run, got ${outcome.outcome}`);
    expect(agent.calls[0]!.request.callback).toEqual(callbackFor(SECRET, BASE, outcome.run));
    expect(await stored(outcome.run)).toMatchObject({ status: 'running', acceptedAt: '2026-11-20T09:00:00Z', deadlineAt: '2026-11-20T13:00:00Z' });
    expect(await storedSchedule(schedule)).toMatchObject({ runningRunId: outcome.run.id, runningUntil: '2026-11-20T13:00:00Z', runCount: 0 });
  });
});
