// A schedule with `batch`: each fire runs its task over the items as one batch, exactly once per (schedule, scheduled
// time); the fire's run stays running while the batch does and takes its outcome, so the schedule counts batches.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Agent } from '#shared/domain/agent.ts';
import { scheduledRunId } from '#shared/domain/run.ts';
import type { Schedule } from '#shared/domain/schedule.ts';
import { DEFAULT_MODEL_PRICES } from '#shared/domain/model-prices.ts';
import { ValidationError } from '#shared/domain/errors.ts';
import { parseScheduleInput } from '#shared/http/schedules.ts';
import type { QueuedRunRef } from '#shared/ports/run-dispatcher.ts';
import { createSchedule } from '#shared/use-cases/create-schedule.ts';
import { updateSchedule } from '#shared/use-cases/update-schedule.ts';
import { executeQueuedRun, executeScheduledRun, type RunnerDeps } from '#shared/use-cases/execute-run.ts';
import { triggerSchedule } from '#shared/use-cases/trigger-schedule.ts';
import { endScheduleRunOfBatch } from '#shared/use-cases/batches/scheduled-batch.ts';
import { cancelRun } from '#shared/use-cases/cancel-run.ts';
import { FakeAgentRunner, InMemoryRunStore, RecordingDispatcher } from '../../../fakes/in-memory-runs.ts';
import { FixedClock, InMemoryAgentStore, InMemoryScheduleStore } from '../../../fakes/in-memory.ts';
import { InMemoryBatchStore } from '../../../fakes/in-memory-batches.ts';
import { inMemoryRunnerDeps } from '../../../fakes/runner-deps.ts';

const alice = { role: 'tenant', tenantId: 'acme', userId: 'alice', keyId: 'k1' } as const;
const bob = { role: 'tenant', tenantId: 'acme', userId: 'bob', keyId: 'k2' } as const;
const START = new Date('2026-11-30T09:00:00Z');
const MONDAY_9 = '2026-11-30T09:00:00.000Z';

let schedules: InMemoryScheduleStore;
let runs: InMemoryRunStore;
let batches: InMemoryBatchStore;
let clock: FixedClock;
let agent: FakeAgentRunner;
let queued: QueuedRunRef[];
let deps: RunnerDeps & { dispatcher: RecordingDispatcher };

beforeEach(async () => {
  schedules = new InMemoryScheduleStore();
  runs = new InMemoryRunStore(schedules);
  batches = new InMemoryBatchStore(runs);
  clock = new FixedClock(START);
  agent = new FakeAgentRunner();
  queued = [];
  const agents = new InMemoryAgentStore();
  deps = inMemoryRunnerDeps(
    { schedules, agents, runs, clock, agentRunner: agent, env: { AUTO_DISABLE_AFTER_FAILURES: '0' } },
    {
      dispatcher: new RecordingDispatcher(),
      batches,
      batchQueue: { enqueue: async (refs) => void queued.push(...refs) },
      modelPrices: DEFAULT_MODEL_PRICES,
      batchCompute: { engine: 'local', memoryMb: null },
    },
  );
  // As the composition wires it: a schedule's batch that ends ends the schedule's run.
  deps.onBatchFinished = (batch) => endScheduleRunOfBatch(deps, batch);
  await agents.create({ tenantId: 'acme', id: 'bot', kind: 'http', name: 'Bot', url: 'https://agents.example.com/bot', version: 1 } as Agent);
});

async function weekly(
  batch: Record<string, unknown> = { items: [{ account: 'a1' }, { account: 'a2' }, { account: 'a3' }], maxConcurrency: 2 },
): Promise<Schedule> {
  const fields = { name: 'Weekly accounts', task: 'Summarise account {{item.account}}', cronExpression: '0 9 * * 1', agentId: 'bot', batch };
  return (await createSchedule(deps, alice, parseScheduleInput(fields).input)).schedule;
}

const fire = (schedule: Schedule, at = MONDAY_9) =>
  executeScheduledRun(deps, { tenantId: 'acme', scheduleId: schedule.id, scheduledTime: at, executionId: `e-${at}`, attempt: 1 });

/** Runs what the batch queue holds, as the runner would, until nothing is left. */
async function drain(): Promise<number> {
  let ran = 0;
  while (queued.length > 0) {
    const ref = queued.shift()!;
    await executeQueuedRun(deps, ref);
    ran += 1;
  }
  return ran;
}

describe('a schedule with a batch', () => {
  it('checks every item against the task when it is created or changed, and stores nothing wrong', async () => {
    const fields = {
      name: 'Bad',
      task: 'Summarise {{item.account}}',
      cronExpression: '0 9 * * 1',
      agentId: 'bot',
      batch: { items: [{ account: 'a' }, { id: 2 }] },
    };
    await expect(createSchedule(deps, alice, parseScheduleInput(fields).input)).rejects.toThrow(/items\[1\]: no field "account"/);
    expect(schedules.items.size).toBe(0);
    const schedule = await weekly();
    await expect(updateSchedule(deps, alice, schedule.id, parseScheduleInput({ task: 'Summarise {{item.region}}' }).input)).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(() => parseScheduleInput({ task: 'x', cronExpression: '0 9 * * 1', batch: { items: [] } })).toThrow(/at least one item/);
    expect(() => parseScheduleInput({ task: 'x', cronExpression: '0 9 * * 1', batch: { items: [1] } })).toThrow(/string or a JSON object/);
  });

  it('a fire creates one batch whose items run with the schedule task filled in; the run ends with it and the schedule counts one run', async () => {
    const schedule = await weekly();
    const outcome = await fire(schedule);
    expect(outcome.outcome).toBe('ran');
    const runId = scheduledRunId(schedule.id, MONDAY_9);
    const parent = (await runs.get('acme', schedule.id, runId))!;
    expect(parent.status).toBe('running');
    expect(parent.batchId).toMatch(/^batch_/);
    const batch = (await batches.get('acme', parent.batchId!))!;
    expect(batch).toMatchObject({ scheduleId: schedule.id, scheduledTime: '2026-11-30T09:00:00Z', scheduleRunId: runId, maxConcurrency: 2, status: 'running' });
    expect(queued).toHaveLength(2);

    expect(await drain()).toBe(3);
    expect(agent.calls.map((call) => call.request.task).sort()).toEqual(['Summarise account a1', 'Summarise account a2', 'Summarise account a3']);
    expect((await batches.get('acme', batch.id))!.status).toBe('succeeded');
    const ended = (await runs.get('acme', schedule.id, runId))!;
    expect(ended.status).toBe('succeeded');
    expect(JSON.parse(ended.output!)).toMatchObject({ batchId: batch.id, status: 'succeeded', counts: { total: 3, succeeded: 3 } });
    expect(schedules.items.get(`acme/${schedule.id}`)).toMatchObject({ runCount: 1, successCount: 1, failureCount: 0, lastRunStatus: 'succeeded' });
  });

  it('fires exactly once per scheduled time, however often the fire is delivered', async () => {
    const schedule = await weekly();
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => fire(schedule)));
    expect(outcomes.filter((outcome) => outcome.outcome === 'ran')).toHaveLength(1);
    expect((await batches.list('acme', { limit: 10 })).items).toHaveLength(1);
    await drain();
    expect(agent.calls).toHaveLength(3);
    // The next week is a new batch.
    clock.current = new Date('2026-12-07T09:00:00Z');
    await fire(schedule, '2026-12-07T09:00:00.000Z');
    await drain();
    expect((await batches.list('acme', { limit: 10, scheduleId: schedule.id })).items).toHaveLength(2);
    expect(schedules.items.get(`acme/${schedule.id}`)).toMatchObject({ runCount: 2, successCount: 2 });
  });

  it('a batch with failed items fails the run, naming the counts, and counts as a failure', async () => {
    const schedule = await weekly();
    agent.answer('ok').fail('http_status', 'Agent answered HTTP 500');
    await fire(schedule);
    await drain();
    const run = (await runs.get('acme', schedule.id, scheduledRunId(schedule.id, MONDAY_9)))!;
    expect(run.status).toBe('failed');
    expect(run.error!.message).toMatch(/ended partially_failed: 1 of 3 items failed \(http_status 1\), 2 succeeded/);
    expect(schedules.items.get(`acme/${schedule.id}`)).toMatchObject({ runCount: 1, failureCount: 1, consecutiveFailures: 1 });
  });

  it('holds the overlap marker while its batch runs: the next fire is skipped (overlap) until the batch ends', async () => {
    const schedule = await weekly();
    await fire(schedule);
    clock.current = new Date('2026-11-30T09:30:00Z');
    const next = await fire(schedule, '2026-11-30T09:30:00.000Z');
    expect(next).toMatchObject({ outcome: 'skipped', run: { reason: 'overlap' } });
    await drain();
    clock.current = new Date('2026-11-30T09:45:00Z');
    expect((await fire(schedule, '2026-11-30T09:45:00.000Z')).outcome).toBe('ran');
  });

  it('a trigger starts a batch too', async () => {
    const schedule = await weekly();
    const { run } = await triggerSchedule(deps, alice, schedule.id);
    await executeQueuedRun(deps, { kind: 'queued', tenantId: 'acme', scheduleId: schedule.id, runId: run.id });
    expect((await batches.list('acme', { limit: 10, scheduleId: schedule.id })).items).toHaveLength(1);
    await drain();
    expect((await runs.get('acme', schedule.id, run.id))!.status).toBe('succeeded');
    expect(agent.calls).toHaveLength(3);
  });

  it('over the monthly budget: the fire is skipped (budget) and its batch cancelled before any item runs', async () => {
    deps.settings = { ...deps.settings, runQuotas: { default: 2, tenants: {} } };
    const schedule = await weekly();
    const outcome = await fire(schedule);
    expect(outcome).toMatchObject({ outcome: 'ran', run: { status: 'skipped', reason: 'budget' } });
    const [batch] = (await batches.list('acme', { limit: 10 })).items;
    expect(batch).toMatchObject({ status: 'cancelled', counts: { total: 3, cancelled: 3, pending: 0 } });
    expect(queued).toEqual([]);
    expect(agent.calls).toEqual([]);
  });

  it("is the schedule owner's: another user of the tenant cannot trigger it", async () => {
    const schedule = await weekly();
    await expect(triggerSchedule(deps, bob, schedule.id)).rejects.toThrow(/No schedule with id/);
  });
});

describe("cancelling a schedule's batch run", () => {
  it('stops its batch: no item starts after it, the pending ones end cancelled, and the run stays cancelled', async () => {
    const schedule = await weekly();
    await fire(schedule);
    const runId = scheduledRunId(schedule.id, MONDAY_9);
    const parent = (await runs.get('acme', schedule.id, runId))!;
    const cancelled = await cancelRun(deps, alice, { scheduleId: schedule.id, runId });
    expect(cancelled.status).toBe('cancelled');
    const stopped = (await batches.get('acme', parent.batchId!))!;
    expect(stopped).toMatchObject({ status: 'cancelled', counts: { total: 3, pending: 0, running: 2, cancelled: 1 } });
    // The two items already queued end (their runs run), and nothing else starts.
    expect(await drain()).toBe(2);
    expect(agent.calls).toHaveLength(2);
    expect((await batches.get('acme', parent.batchId!))!).toMatchObject({ status: 'cancelled', counts: { succeeded: 2, cancelled: 1, running: 0 } });
    expect((await runs.get('acme', schedule.id, runId))!.status).toBe('cancelled');
    await expect(cancelRun(deps, alice, { scheduleId: schedule.id, runId })).rejects.toThrow(/cancelled/);
  });
});
