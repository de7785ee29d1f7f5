// Every way a run ends queues its notifications from one place (run-end.ts and the sweeper): the runner's own end,
// a failure that pauses the schedule, the sweeper's timed_out, an agent's callback; a cancel and a one-off run send none.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Agent } from '#shared/domain/agent.ts';
import { STUCK_RUN_GRACE_MS, scheduledRunId } from '#shared/domain/run.ts';
import type { Schedule } from '#shared/domain/schedule.ts';
import { parseScheduleInput } from '#shared/http/schedules.ts';
import { cancelRun } from '#shared/use-cases/cancel-run.ts';
import { createSchedule } from '#shared/use-cases/create-schedule.ts';
import { endOverdueRuns } from '#shared/use-cases/end-overdue-runs.ts';
import { executeQueuedRun, executeScheduledRun, type RunnerDeps } from '#shared/use-cases/execute-run.ts';
import { callbackToken, completeByCallback, callbackHandle } from '#shared/use-cases/run-callback.ts';
import { createRun } from '#shared/use-cases/create-run.ts';
import { parseRunRequest } from '#shared/http/runs.ts';
import { triggerSchedule } from '#shared/use-cases/trigger-schedule.ts';
import { FakeAgentRunner, InMemoryRunStore, RecordingDispatcher } from '../../fakes/in-memory-runs.ts';
import { FixedClock, InMemoryAgentStore, InMemoryScheduleStore } from '../../fakes/in-memory.ts';
import { inMemoryRunnerDeps } from '../../fakes/runner-deps.ts';
import { InMemoryNotificationSettings, RecordingNotificationQueue } from '../../fakes/in-memory-notifications.ts';

const alice = { role: 'tenant', tenantId: 'acme', userId: 'alice', keyId: 'k1' } as const;
const START = new Date('2026-11-20T00:00:00Z');
const HOOK = 'https://hooks.example.com/ops';
const SECRET = 'whsec_run_end_test';
const EVERY_EVENT = ['run.failed', 'run.timed_out', 'run.succeeded', 'schedule.recovered', 'schedule.auto_paused'];

let schedules: InMemoryScheduleStore;
let runs: InMemoryRunStore;
let clock: FixedClock;
let agent: FakeAgentRunner;
let queue: RecordingNotificationQueue;
let deps: RunnerDeps & { dispatcher: RecordingDispatcher; callbackSecret: string };

beforeEach(async () => {
  schedules = new InMemoryScheduleStore();
  runs = new InMemoryRunStore(schedules);
  clock = new FixedClock(START);
  agent = new FakeAgentRunner();
  queue = new RecordingNotificationQueue();
  const agents = new InMemoryAgentStore();
  deps = inMemoryRunnerDeps(
    { schedules, agents, runs, clock, agentRunner: agent, env: { AUTO_DISABLE_AFTER_FAILURES: '2', PUBLIC_BASE_URL: 'https://api.example.com' } },
    {
      dispatcher: new RecordingDispatcher(),
      callbackSecret: SECRET,
      cancelCheckMs: 5,
      notifications: { queue, defaults: new InMemoryNotificationSettings(), clock, settings: { publicBaseUrl: 'https://api.example.com' } },
    },
  );
  await agents.create({ tenantId: 'acme', id: 'bot', kind: 'http', name: 'Bot', url: 'https://agents.example.com/bot', version: 1 } as Agent);
});

async function hourly(): Promise<Schedule> {
  const fields = {
    name: 'Hourly',
    task: 'Summarise',
    cronExpression: '0 * * * *',
    agentId: 'bot',
    timeoutSeconds: 60,
    notify: [{ on: EVERY_EVENT, url: HOOK }],
  };
  return (await createSchedule(deps, alice, parseScheduleInput(fields).input)).schedule;
}

const fire = (schedule: Schedule, at: string) =>
  executeScheduledRun(deps, { tenantId: 'acme', scheduleId: schedule.id, scheduledTime: at, executionId: `e-${at}`, attempt: 1 });
const events = () => queue.messages.map((message) => `${message.event} ${message.payload.run?.id ?? ''}`.trim());

describe('a run the runner ends', () => {
  it('queues run.failed for each failure, schedule.auto_paused with the failure that paused it, and schedule.recovered after', async () => {
    const schedule = await hourly();
    agent.fail('http_status', 'Agent answered HTTP 500').fail('http_status', 'Agent answered HTTP 500');
    clock.current = new Date('2026-11-20T01:00:00Z');
    await fire(schedule, '2026-11-20T01:00:00Z');
    clock.current = new Date('2026-11-20T02:00:00Z');
    await fire(schedule, '2026-11-20T02:00:00Z');
    const first = scheduledRunId(schedule.id, '2026-11-20T01:00:00Z');
    const second = scheduledRunId(schedule.id, '2026-11-20T02:00:00Z');
    expect(events()).toEqual([`run.failed ${first}`, `run.failed ${second}`, `schedule.auto_paused ${second}`]);
    expect(queue.messages[0]!.payload.link).toBe(`https://api.example.com/v1/schedules/${schedule.id}/runs/${first}`);

    // Enabled again, the next success is a recovery.
    const paused = schedules.items.get(`acme/${schedule.id}`)!;
    expect(paused.enabled).toBe(false);
    schedules.items.set(`acme/${schedule.id}`, { ...paused, enabled: true, version: paused.version + 1 });
    queue.messages.length = 0;
    agent.answer('fine');
    clock.current = new Date('2026-11-20T03:00:00Z');
    await fire(schedule, '2026-11-20T03:00:00Z');
    const third = scheduledRunId(schedule.id, '2026-11-20T03:00:00Z');
    expect(events()).toEqual([`run.succeeded ${third}`, `schedule.recovered ${third}`]);
  });

  it('queues nothing for a one-off run (it has no schedule to say where)', async () => {
    const { run } = await createRun(deps, alice, parseRunRequest({ task: 'Once', agentId: 'bot' }));
    agent.fail('http_status', 'Agent answered HTTP 500');
    await executeQueuedRun(deps, { kind: 'queued', tenantId: 'acme', scheduleId: null, runId: run.id });
    expect((await runs.get('acme', null, run.id))!.status).toBe('failed');
    expect(queue.messages).toEqual([]);
  });
});

describe('a run ended elsewhere', () => {
  it('by the sweeper (its runner died) queues run.timed_out', async () => {
    const schedule = await hourly();
    const held = agent.hold();
    clock.current = new Date('2026-11-20T01:00:00Z');
    void fire(schedule, '2026-11-20T01:00:00Z');
    await held.started;
    clock.current = new Date(Date.parse('2026-11-20T01:01:00Z') + STUCK_RUN_GRACE_MS + 1000);
    const runId = scheduledRunId(schedule.id, '2026-11-20T01:00:00Z');
    expect((await endOverdueRuns({ ...deps, notifications: deps.notifications! })).ended).toEqual([runId]);
    expect(events()).toEqual([`run.timed_out ${runId}`]);
    held.release({ output: 'too late' });
  });

  it('by a cancel queues nothing', async () => {
    const schedule = await hourly();
    const { run } = await triggerSchedule(deps, alice, schedule.id);
    await cancelRun(deps, alice, { scheduleId: schedule.id, runId: run.id });
    expect((await runs.get('acme', schedule.id, run.id))!.status).toBe('cancelled');
    expect(queue.messages).toEqual([]);
  });

  it('by its agent’s callback queues that outcome, and the sync answer of the runner queues none', async () => {
    const schedule = await hourly();
    agent.steps.push({ kind: 'answer', result: { output: '', accepted: true } });
    clock.current = new Date('2026-11-20T01:00:00Z');
    const outcome = await fire(schedule, '2026-11-20T01:00:00Z');
    expect(outcome.outcome === 'ran' && outcome.run.status).toBe('running');
    expect(queue.messages).toEqual([]);

    clock.current = new Date('2026-11-20T01:00:40Z');
    const ref = { tenantId: 'acme', scheduleId: schedule.id, runId: scheduledRunId(schedule.id, '2026-11-20T01:00:00Z') };
    await completeByCallback(deps, callbackHandle(ref), callbackToken(SECRET, ref), { status: 'failed', error: { message: 'upstream gone' } });
    expect(events()).toEqual([`run.failed ${ref.runId}`]);
    expect(queue.messages[0]!.payload.run?.error).toEqual({ message: 'upstream gone', kind: 'agent_error' });
  });
});
