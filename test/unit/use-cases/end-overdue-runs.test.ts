// Runs that never end: a runner killed mid-run leaves its run `running`; the sweeper ends it timed_out after its
// deadline, counts it and frees the overlap marker. A final write the agent's answer breaks still ends the run.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Agent } from '#shared/domain/agent.ts';
import type { TenantPrincipal } from '#shared/domain/principal.ts';
import { QUEUED_RUN_LIMIT_MS, STUCK_RUN_GRACE_MS, scheduledRunId } from '#shared/domain/run.ts';
import { parseScheduleInput } from '#shared/http/schedules.ts';
import type { Schedule } from '#shared/domain/schedule.ts';
import { createSchedule } from '#shared/use-cases/create-schedule.ts';
import { endOverdueRuns } from '#shared/use-cases/end-overdue-runs.ts';
import { executeScheduledRun, type RunnerDeps } from '#shared/use-cases/execute-run.ts';
import { triggerSchedule } from '#shared/use-cases/trigger-schedule.ts';
import { FakeAgentRunner, InMemoryRunStore, RecordingDispatcher } from '../../fakes/in-memory-runs.ts';
import { FixedClock, InMemoryAgentStore, InMemoryScheduleStore } from '../../fakes/in-memory.ts';
import { inMemoryRunnerDeps } from '../../fakes/runner-deps.ts';

const alice: TenantPrincipal = { role: 'tenant', tenantId: 'acme', userId: 'alice', keyId: 'k1' };
const START = new Date('2026-11-20T00:00:00Z');

let schedules: InMemoryScheduleStore;
let runs: InMemoryRunStore;
let clock: FixedClock;
let agent: FakeAgentRunner;
let deps: RunnerDeps & { dispatcher: RecordingDispatcher };
const logged: string[] = [];

beforeEach(async () => {
  schedules = new InMemoryScheduleStore();
  runs = new InMemoryRunStore(schedules);
  clock = new FixedClock(START);
  agent = new FakeAgentRunner();
  const agents = new InMemoryAgentStore();
  logged.length = 0;
  deps = inMemoryRunnerDeps(
    { schedules, agents, runs, clock, agentRunner: agent },
    {
      dispatcher: new RecordingDispatcher(),
      // The agent never answers by itself in these tests: the held call plays a runner that was killed.
      deadlineSignal: () => new AbortController().signal,
      log: (message) => logged.push(message),
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

async function hourly(): Promise<Schedule> {
  const input = parseScheduleInput({ task: 'Summarise', cronExpression: '0 * * * *', agentId: 'bot', timeoutSeconds: 60 }).input;
  return (await createSchedule(deps, alice, input)).schedule;
}

const stored = (schedule: Schedule) => schedules.items.get(`${schedule.tenantId}/${schedule.id}`)!;

describe('the sweeper', () => {
  it('ends a run whose runner died, once its deadline and grace have passed: timed_out, counted, overlap marker released', async () => {
    const schedule = await hourly();
    const held = agent.hold();
    clock.current = new Date('2026-11-20T01:00:00Z');
    void executeScheduledRun(deps, { tenantId: 'acme', scheduleId: schedule.id, scheduledTime: '2026-11-20T01:00:00Z', executionId: 'e1', attempt: 1 });
    await held.started;
    const runId = scheduledRunId(schedule.id, '2026-11-20T01:00:00Z');
    expect(stored(schedule).runningRunId).toBe(runId);

    clock.current = new Date(Date.parse('2026-11-20T01:01:00Z') + STUCK_RUN_GRACE_MS - 1000);
    expect((await endOverdueRuns(deps)).ended).toEqual([]);

    clock.current = new Date(Date.parse('2026-11-20T01:01:00Z') + STUCK_RUN_GRACE_MS + 1000);
    expect((await endOverdueRuns(deps)).ended).toEqual([runId]);
    const run = await runs.get('acme', schedule.id, runId);
    expect(run).toMatchObject({ status: 'timed_out', error: { kind: 'timeout' } });
    expect(run!.error!.message).toContain('deadline');
    expect(stored(schedule)).toMatchObject({ runCount: 1, failureCount: 1, lastRunStatus: 'timed_out', consecutiveFailures: 1, runningRunId: null });
    expect(stored(schedule).lastError?.kind).toBe('timeout');

    // The next firing runs: the marker no longer makes it an overlap skip.
    agent.answer('next hour done');
    clock.current = new Date('2026-11-20T02:00:00Z');
    const next = await executeScheduledRun(deps, {
      tenantId: 'acme',
      scheduleId: schedule.id,
      scheduledTime: '2026-11-20T02:00:00Z',
      executionId: 'e2',
      attempt: 1,
    });
    expect(next.outcome === 'ran' && next.run.status).toBe('succeeded');

    // A runner that was only slow, not dead, cannot overwrite the service's verdict or count the run twice.
    held.release({ output: 'late answer' });
    await new Promise((resolve) => setImmediate(resolve));
    expect((await runs.get('acme', schedule.id, runId))!.status).toBe('timed_out');
    expect(stored(schedule)).toMatchObject({ runCount: 2, successCount: 1, failureCount: 1 });
  });

  it('ends every unfinished run at once when told the process that ran them is gone (a local restart)', async () => {
    const schedule = await hourly();
    const held = agent.hold();
    clock.current = new Date('2026-11-20T01:00:00Z');
    void executeScheduledRun(deps, { tenantId: 'acme', scheduleId: schedule.id, scheduledTime: '2026-11-20T01:00:00Z', executionId: 'e1', attempt: 1 });
    await held.started;
    const result = await endOverdueRuns(deps, { everyUnfinished: true });
    expect(result.ended).toHaveLength(1);
    const run = await runs.get('acme', schedule.id, result.ended[0]!);
    expect(run!.status).toBe('timed_out');
    expect(run!.error!.message).toContain('local server stopped');
  });

  it('fails a queued run the runner never picked up, after the asynchronous retries are over', async () => {
    const schedule = await hourly();
    const run = (await triggerSchedule(deps, alice, schedule.id)).run;
    clock.current = new Date(START.getTime() + QUEUED_RUN_LIMIT_MS - 1000);
    expect((await endOverdueRuns(deps)).ended).toEqual([]);
    clock.current = new Date(START.getTime() + QUEUED_RUN_LIMIT_MS + 1000);
    expect((await endOverdueRuns(deps)).ended).toEqual([run.id]);
    expect(await runs.get('acme', schedule.id, run.id)).toMatchObject({ status: 'failed', error: { kind: 'internal' } });
    expect(stored(schedule)).toMatchObject({ runCount: 1, failureCount: 1 });
  });
});

describe('a final write that fails', () => {
  it('records the run as failed without the agent output when its result cannot be stored, so it never stays running', async () => {
    const schedule = await hourly();
    agent.answer('fine output', { inputTokens: 12 });
    const finish = runs.finishRun.bind(runs);
    let calls = 0;
    runs.finishRun = async (run, outcome) => {
      calls += 1;
      if (calls === 1) throw new Error('ValidationException: Number overflow');
      return finish(run, outcome);
    };
    clock.current = new Date('2026-11-20T01:00:00Z');
    const outcome = await executeScheduledRun(deps, {
      tenantId: 'acme',
      scheduleId: schedule.id,
      scheduledTime: '2026-11-20T01:00:00Z',
      executionId: 'e1',
      attempt: 1,
    });
    expect(outcome.outcome).toBe('ran');
    const run = await runs.get('acme', schedule.id, scheduledRunId(schedule.id, '2026-11-20T01:00:00Z'));
    expect(run).toMatchObject({ status: 'failed', output: null, usage: null, error: { kind: 'internal' } });
    expect(stored(schedule)).toMatchObject({ runCount: 1, failureCount: 1, runningRunId: null });
    expect(logged).toContain("Could not record a run's result; recording it as failed");
  });
});
