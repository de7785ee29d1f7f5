// A schedule's two items on DynamoDB Local: what a scheduled run costs (counted from ReturnConsumedCapacity), runs the
// sweeper finds through the state, schedules stored before the split, and updates that race a run's end.
import { randomUUID } from 'node:crypto';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { createDynamoDbClient, documentClientFor } from '#shared/adapters/dynamodb/client.ts';
import { ensureTable } from '#shared/adapters/dynamodb/create-table.ts';
import { DynamoAgentStore } from '#shared/adapters/dynamodb/agent-store.ts';
import { DynamoRunStore } from '#shared/adapters/dynamodb/run-store.ts';
import { DynamoScheduleStore } from '#shared/adapters/dynamodb/schedule-store.ts';
import { ownerIndexPk, ownerIndexSk, scheduleSk, tenantPk } from '#shared/table.ts';
import { settingsFromEnv } from '#shared/config.ts';
import type { Agent } from '#shared/domain/agent.ts';
import type { TenantPrincipal } from '#shared/domain/principal.ts';
import { STUCK_RUN_GRACE_MS, scheduledRunId } from '#shared/domain/run.ts';
import type { Schedule } from '#shared/domain/schedule.ts';
import { parseScheduleInput } from '#shared/http/schedules.ts';
import { scheduledEventTemplate, type ScheduledEvent } from '#shared/ports/scheduler-mirror.ts';
import { createSchedule } from '#shared/use-cases/create-schedule.ts';
import { deleteSchedule } from '#shared/use-cases/delete-schedule.ts';
import { endOverdueRuns } from '#shared/use-cases/end-overdue-runs.ts';
import { executeQueuedRun, executeScheduledRun, type RunnerDeps } from '#shared/use-cases/execute-run.ts';
import { triggerSchedule } from '#shared/use-cases/trigger-schedule.ts';
import { setScheduleEnabled } from '#shared/use-cases/set-schedule-enabled.ts';
import { updateSchedule } from '#shared/use-cases/update-schedule.ts';
import { FakeAgentRunner, RecordingDispatcher } from '../fakes/in-memory-runs.ts';
import { FixedClock, RecordingMirror, SequentialIds } from '../fakes/in-memory.ts';

const endpoint = inject('dynamoEndpoint');
const alice: TenantPrincipal = { role: 'tenant', tenantId: 'acme', userId: 'alice', keyId: 'k1' };
const START = new Date('2026-11-20T00:00:00Z');

interface Meter {
  requests: number;
  units: number;
}

let client: DynamoDBDocumentClient;
let tableName: string;
let meter: Meter;
let agent: FakeAgentRunner;
let clock: FixedClock;
let deps: RunnerDeps;

beforeEach(async () => {
  const base = createDynamoDbClient({ endpoint });
  tableName = `test-${randomUUID()}`;
  await ensureTable(base, tableName);
  meter = { requests: 0, units: 0 };
  // Every request asks DynamoDB what it consumed: the units are DynamoDB's count, not an estimate.
  base.middlewareStack.add(
    (next) => async (args) => {
      meter.requests += 1;
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
      meter.units += (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
      return result;
    },
    { step: 'initialize', name: 'meter' },
  );
  client = documentClientFor(base);
  const agents = new DynamoAgentStore({ client, tableName });
  clock = new FixedClock(START);
  agent = new FakeAgentRunner();
  deps = {
    schedules: new DynamoScheduleStore({ client, tableName }),
    agents,
    runs: new DynamoRunStore({ client, tableName }),
    agentRunner: agent,
    mirror: new RecordingMirror(),
    clock,
    ids: new SequentialIds(),
    settings: settingsFromEnv({}),
  };
  const at = START.toISOString();
  await agents.create({
    tenantId: 'acme',
    id: 'bot',
    kind: 'http',
    name: 'Bot',
    url: 'https://agents.example.com/bot',
    createdAt: at,
    updatedAt: at,
    version: 1,
  } as Agent);
});

async function newSchedule(fields: Record<string, unknown> = {}): Promise<Schedule> {
  const input = parseScheduleInput({ name: 'Every minute', task: 'Check the queue', cronExpression: '* * * * *', agentId: 'bot', ...fields }).input;
  return (await createSchedule(deps, alice, input)).schedule;
}

/** The event EventBridge delivers for this schedule: its target Input with the placeholders filled in. */
function eventFor(schedule: Schedule, scheduledTime: string): ScheduledEvent {
  return {
    ...(JSON.parse(scheduledEventTemplate('acme', schedule.id, schedule.agentId)) as ScheduledEvent),
    scheduledTime,
    executionId: `e-${scheduledTime}`,
    attempt: 1,
  };
}

function minute(n: number): string {
  return new Date(Date.parse('2026-11-20T01:00:00Z') + n * 60_000).toISOString().replace('.000Z', 'Z');
}

describe('a scheduled run on DynamoDB Local', () => {
  it.each(['skip', 'allow'] as const)('costs at most 4 requests and 8 capacity units with overlap %s, and keeps the counters', async (overlapPolicy) => {
    const schedule = await newSchedule({ overlapPolicy });
    for (let n = 1; n <= 5; n += 1) {
      clock.current = new Date(minute(n));
      const before = { ...meter };
      const outcome = await executeScheduledRun(deps, eventFor(schedule, minute(n)));
      expect(outcome.outcome).toBe('ran');
      expect(meter.requests - before.requests).toBeLessThanOrEqual(4);
      expect(meter.units - before.units).toBeLessThanOrEqual(8);
    }
    const stored = await deps.schedules.get('acme', schedule.id);
    expect(stored).toMatchObject({ runCount: 5, successCount: 5, lastRunStatus: 'succeeded' });
    expect(stored?.runningRunId ?? null).toBeNull();
  });
});

describe('a manual trigger', () => {
  it('costs at most 8 requests and 13 units from the API to the end, and a run whose runner died is still ended', async () => {
    const schedule = await newSchedule({ timeoutSeconds: 60 });
    const dispatcher = new RecordingDispatcher();
    const withDispatcher = { ...deps, dispatcher };
    clock.current = new Date(minute(1));
    const before = { ...meter };
    await triggerSchedule(withDispatcher, alice, schedule.id);
    expect((await executeQueuedRun(withDispatcher, dispatcher.dispatched[0]!)).outcome).toBe('ran');
    expect(meter.requests - before.requests).toBeLessThanOrEqual(8);
    expect(meter.units - before.units).toBeLessThanOrEqual(13);
    expect(await deps.schedules.get('acme', schedule.id)).toMatchObject({ runCount: 1, successCount: 1 });

    // The next trigger's runner dies while the agent works: the sweeper finds the run through the schedule state.
    const held = agent.hold();
    await triggerSchedule(withDispatcher, alice, schedule.id);
    const running = executeQueuedRun(withDispatcher, dispatcher.dispatched[1]!);
    await held.started;
    clock.current = new Date(Date.parse(minute(2)) + STUCK_RUN_GRACE_MS + 1000);
    expect((await endOverdueRuns(deps)).ended).toEqual([dispatcher.dispatched[1]!.runId]);
    expect(await deps.runs.listOverdue('9999', 10)).toEqual([]);
    held.release({ output: 'late' });
    await running;
    expect(await deps.schedules.get('acme', schedule.id)).toMatchObject({ runCount: 2, successCount: 1, failureCount: 1 });
  });
});

describe('a long output', () => {
  it('is kept out of the run record: a 20 KiB answer costs its size once, not twice in the final transaction', async () => {
    const schedule = await newSchedule();
    const answer = `${'x'.repeat(20 * 1024 - 10)} ✓ done`;
    agent.respond = () => ({ output: answer });
    clock.current = new Date(minute(1));
    const before = { ...meter };

    expect((await executeScheduledRun(deps, eventFor(schedule, minute(1)))).outcome).toBe('ran');

    // 20 KB put once (21 units with the keys), then the run's usual 7.5; inline, the transaction alone would be ≥ 42.
    expect(meter.units - before.units).toBeLessThanOrEqual(21 + 8);
    expect(meter.requests - before.requests).toBe(5);
    const runId = scheduledRunId(schedule.id, minute(1));
    expect((await deps.runs.get('acme', schedule.id, runId))?.output).toBe(answer);
    expect((await deps.runs.list('acme', schedule.id, { limit: 5 })).items.map((run) => run.output)).toEqual([answer]);
  });
});

describe('the agent named in the Scheduler event', () => {
  it('is a hint: a schedule moved to another agent runs that agent, and its EventBridge schedule is rewritten with it', async () => {
    const schedule = await newSchedule();
    const at = START.toISOString();
    await deps.agents.create({
      tenantId: 'acme',
      id: 'other',
      kind: 'http',
      name: 'Other',
      url: 'https://agents.example.com/other',
      createdAt: at,
      updatedAt: at,
      version: 1,
    } as Agent);
    const stale = eventFor(schedule, minute(1));
    await updateSchedule(deps, alice, schedule.id, parseScheduleInput({ agentId: 'other' }).input);

    clock.current = new Date(minute(1));
    expect((await executeScheduledRun(deps, stale)).outcome).toBe('ran');

    expect(stale.agentId).toBe('bot');
    expect(agent.calls.map((call) => call.agent.id)).toEqual(['other']);
    const mirrored = (deps.mirror as RecordingMirror).calls.filter((call) => call.kind === 'update').map((call) => call.schedule?.agentId);
    expect(mirrored).toEqual(['other']);
  });
});

describe('runs the sweeper finds through the schedule state', () => {
  it('ends a run of an overlap "allow" schedule whose runner died', async () => {
    const schedule = await newSchedule({ overlapPolicy: 'allow', timeoutSeconds: 60 });
    const held = agent.hold();
    clock.current = new Date(minute(0));
    const late = executeScheduledRun(deps, eventFor(schedule, minute(0)));
    await held.started;
    const runId = scheduledRunId(schedule.id, minute(0));
    expect(await deps.runs.listOverdue(new Date(Date.parse(minute(1)) + STUCK_RUN_GRACE_MS - 1000).toISOString(), 10)).toEqual([]);

    clock.current = new Date(Date.parse(minute(1)) + STUCK_RUN_GRACE_MS + 1000);
    expect((await endOverdueRuns(deps)).ended).toEqual([runId]);
    expect(await deps.runs.listOverdue('9999', 10)).toEqual([]);
    expect(await deps.schedules.get('acme', schedule.id)).toMatchObject({ runCount: 1, failureCount: 1 });
    held.release({ output: 'too late' });
    await late;
    expect(await deps.runs.get('acme', schedule.id, runId)).toMatchObject({ status: 'timed_out' });
  });

  it('still ends a run whose schedule was deleted while it ran', async () => {
    const schedule = await newSchedule({ timeoutSeconds: 60 });
    const held = agent.hold();
    clock.current = new Date(minute(0));
    const running = executeScheduledRun(deps, eventFor(schedule, minute(0)));
    await held.started;
    await deleteSchedule(deps, alice, schedule.id);

    clock.current = new Date(Date.parse(minute(1)) + STUCK_RUN_GRACE_MS + 1000);
    const runId = scheduledRunId(schedule.id, minute(0));
    expect((await endOverdueRuns(deps)).ended).toEqual([runId]);
    expect(await deps.runs.get('acme', schedule.id, runId)).toMatchObject({ status: 'timed_out' });
    held.release({ output: 'late' });
    await running;
  });
});

describe('a start that dies between its two writes', () => {
  it('runs on the redelivery with the same id; without one, the sweeper clears the entry and later fires run', async () => {
    const schedule = await newSchedule({ timeoutSeconds: 60 });
    // The runner dies right after taking the marker: the run's PutItem never happens.
    let failPuts = 1;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (/^Put(Item)?Command$/.test(context.commandName ?? '') && failPuts > 0) {
          failPuts -= 1;
          throw new Error('the runner died');
        }
        return next(args);
      },
      { step: 'initialize', name: 'dieOnce' },
    );
    clock.current = new Date(minute(1));
    await expect(executeScheduledRun(deps, eventFor(schedule, minute(1)))).rejects.toThrow('the runner died');
    expect(await deps.schedules.get('acme', schedule.id)).toMatchObject({ runningRunId: scheduledRunId(schedule.id, minute(1)) });

    // EventBridge delivers it again: the same run id gets through the marker it holds, and runs once.
    expect((await executeScheduledRun(deps, eventFor(schedule, minute(1)))).outcome).toBe('ran');
    expect(agent.calls).toHaveLength(1);

    // Dies again at minute 2, and this time nothing redelivers it.
    failPuts = 1;
    clock.current = new Date(minute(2));
    await expect(executeScheduledRun(deps, eventFor(schedule, minute(2)))).rejects.toThrow('the runner died');
    clock.current = new Date(minute(3));
    expect((await executeScheduledRun(deps, eventFor(schedule, minute(3)))).outcome).toBe('skipped');

    // Past its deadline and the grace, the sweeper finds no run for the entry: it clears it, ending nothing.
    clock.current = new Date(Date.parse(minute(3)) + STUCK_RUN_GRACE_MS + 1000);
    expect((await endOverdueRuns(deps)).ended).toEqual([]);
    expect(await deps.runs.listOverdue('9999', 10)).toEqual([]);
    expect(await deps.schedules.get('acme', schedule.id)).toMatchObject({ runningRunId: null, runCount: 1 });
    clock.current = new Date(minute(10));
    expect((await executeScheduledRun(deps, eventFor(schedule, minute(10)))).outcome).toBe('ran');
  });
});

describe('schedules stored before the state was split off', () => {
  it('reads one as before, gives it its state on the first read, and runs it with exact counters', async () => {
    const created = await newSchedule();
    // The single item an earlier version wrote: every field on the definition, no state item.
    const legacy: Schedule = { ...created, id: 'sched_legacy0001', name: 'Legacy', runCount: 7, successCount: 6, failureCount: 1, nextRunAt: minute(1) };
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...legacy,
          pk: tenantPk('acme'),
          sk: scheduleSk(legacy.id),
          gsi1pk: ownerIndexPk('acme', 'user#alice'),
          gsi1sk: ownerIndexSk(legacy),
          gsi2pk: 'SCHEDULES_DUE#0',
          gsi2sk: `${minute(1)}#${legacy.id}`,
          entity: 'schedule',
        },
      }),
    );

    expect(await deps.schedules.get('acme', legacy.id)).toEqual(legacy);
    clock.current = new Date(minute(1));
    expect((await executeScheduledRun(deps, eventFor(legacy, minute(1)))).outcome).toBe('ran');
    expect(await deps.schedules.get('acme', legacy.id)).toMatchObject({
      runCount: 8,
      successCount: 7,
      failureCount: 1,
      lastRunStatus: 'succeeded',
      nextRunAt: minute(2),
    });
  });
});

describe('a schedule update racing a run', () => {
  it('keeps the counters of a run that ended after the update read the schedule', async () => {
    const schedule = await newSchedule();
    const held = agent.hold();
    clock.current = new Date(minute(1));
    const running = executeScheduledRun(deps, eventFor(schedule, minute(1)));
    await held.started;
    const read = await deps.schedules.get('acme', schedule.id);
    held.release({ output: 'done' });
    await running;

    // A rename from the schedule as read before the run ended: it writes the name only.
    await deps.schedules.update({ ...read!, name: 'Renamed', version: read!.version + 1 }, read!);
    expect(await deps.schedules.get('acme', schedule.id)).toMatchObject({ name: 'Renamed', runCount: 1, successCount: 1, runningRunId: null });

    // Through the use case too: a pause after the run keeps its counters.
    await setScheduleEnabled(deps, alice, schedule.id, false);
    expect(await deps.schedules.get('acme', schedule.id)).toMatchObject({ enabled: false, status: 'paused', runCount: 1, successCount: 1 });
  });
});
