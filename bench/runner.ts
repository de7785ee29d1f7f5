// Benchmark: DynamoDB requests and capacity per run, runner overhead, 1,000 schedules firing in one minute locally, and
// the Lambda GB-seconds a 30 s agent costs when the runner waits for it versus when it answers 202 and calls back.
import { percentile } from './stats.ts';
import { Console } from 'node:console';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { settingsFromEnv } from '#shared/config.ts';
import { DynamoAgentStore } from '#shared/adapters/dynamodb/agent-store.ts';
import { DynamoRunStore } from '#shared/adapters/dynamodb/run-store.ts';
import { DynamoScheduleStore } from '#shared/adapters/dynamodb/schedule-store.ts';
import type { TenantPrincipal } from '#shared/domain/principal.ts';
import { parseScheduleInput } from '#shared/http/schedules.ts';
import type { AgentRunner } from '#shared/ports/agent-runner.ts';
import type { Clock } from '#shared/ports/clock.ts';
import { randomIds } from '#shared/adapters/system/ids.ts';
import { scheduledEventTemplate, type MirroredSchedule, type ScheduledEvent, type SchedulerMirror } from '#shared/ports/scheduler-mirror.ts';
import { createSchedule } from '#shared/use-cases/create-schedule.ts';
import { executeScheduledRun, type RunnerDeps } from '#shared/use-cases/execute-run.ts';
import { startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { startLocalServer } from '#local/server.ts';
import { logger } from '#shared/logger.ts';
import { callbackVersusSynchronous } from './callbacks.ts';
import { meteredTable, usageBetween, type Usage } from './metered.ts';

const noMirror: SchedulerMirror = {
  create: async (_schedule: MirroredSchedule) => undefined,
  update: async (_schedule: MirroredSchedule) => undefined,
  delete: async (_name: string) => undefined,
};
const instantAgent: AgentRunner = { run: async (_agent, request) => ({ output: `done: ${request.task}` }) };

/** Requests, consumed capacity and time the runner spends around an agent that answers at once. */
async function perRun(endpoint: string, runs: number) {
  const { client, tableName, used } = await meteredTable(endpoint);
  // Requests and capacity units (read and write together) since `before`.
  const since = (before: Usage) => {
    const usage = usageBetween(before, used());
    return { requests: usage.requests, capacity: usage.readUnits + usage.writeUnits };
  };

  let now = new Date('2026-11-20T00:00:00Z');
  const clock: Clock = { now: () => new Date(now) };
  const deps: RunnerDeps = {
    schedules: new DynamoScheduleStore({ client, tableName }),
    agents: new DynamoAgentStore({ client, tableName }),
    runs: new DynamoRunStore({ client, tableName }),
    agentRunner: instantAgent,
    mirror: noMirror,
    clock,
    ids: randomIds,
    settings: { ...settingsFromEnv({}), defaultAgentId: 'echo' },
  };
  const principal: TenantPrincipal = { role: 'tenant', tenantId: 'bench', userId: 'u1', keyId: 'k' };
  await deps.agents.create({
    tenantId: 'bench',
    id: 'echo',
    name: 'Echo',
    kind: 'http',
    url: 'http://127.0.0.1:9/',
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    version: 1,
  });
  const { schedule } = await createSchedule(deps, principal, parseScheduleInput({ name: 'bench', task: 't', cronExpression: '* * * * *' }).input);

  const samples: number[] = [];
  const beforeRuns = used();
  for (let index = 0; index < runs; index += 1) {
    now = new Date(now.getTime() + 60_000);
    const start = performance.now();
    const outcome = await executeScheduledRun(deps, {
      // The event EventBridge delivers: its target Input with the placeholders filled in.
      ...(JSON.parse(scheduledEventTemplate('bench', schedule.id, schedule.agentId)) as ScheduledEvent),
      scheduledTime: now.toISOString(),
      executionId: randomUUID(),
      attempt: 1,
    });
    samples.push(performance.now() - start);
    if (outcome.outcome !== 'ran') throw new Error(`run ${index} did not run: ${outcome.outcome}`);
  }
  const measured = since(beforeRuns);
  const perRunRequests = measured.requests / runs;
  const perRunCapacity = measured.capacity / runs;

  const beforeDuplicate = used();
  await executeScheduledRun(deps, {
    ...(JSON.parse(scheduledEventTemplate('bench', schedule.id, schedule.agentId)) as ScheduledEvent),
    scheduledTime: now.toISOString(),
    executionId: randomUUID(),
    attempt: 2,
  });
  const duplicate = since(beforeDuplicate);
  samples.sort((a, b) => a - b);
  return {
    runs,
    dynamodbRequestsPerRun: perRunRequests,
    consumedCapacityUnitsPerRun: Number(perRunCapacity.toFixed(2)),
    duplicateDelivery: { dynamodbRequests: duplicate.requests, consumedCapacityUnits: Number(duplicate.capacity.toFixed(2)) },
    runnerOverheadMs: { p50: percentile(samples, 50), p99: percentile(samples, 99) },
  };
}

/** 1,000 every-minute schedules on the local server, one minute boundary: every one fires once, within the minute. */
async function sameMinute(count: number) {
  const agent = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"output":"ok"}');
    });
  });
  await new Promise<void>((ready) => agent.listen(0, '127.0.0.1', ready));
  let now = new Date('2026-11-20T08:59:30Z');
  const server = await startLocalServer({
    inMemory: true,
    tickIntervalMs: 0,
    port: 0,
    dataDir: mkdtempSync(join(tmpdir(), 'bench-')),
    clock: { now: () => new Date(now) },
  });
  const headers = { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' };
  try {
    await fetch(`${server.url}/v1/agents`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ id: 'echo', name: 'Echo', kind: 'http', url: `http://127.0.0.1:${(agent.address() as AddressInfo).port}/` }),
    });
    const ids: string[] = [];
    for (let start = 0; start < count; start += 25) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(25, count - start) }, async (_, index) => {
          const response = await fetch(`${server.url}/v1/schedules`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ name: `s${start + index}`, task: 't', cronExpression: '* * * * *', agentId: 'echo', team: false }),
          });
          if (response.status !== 201) throw new Error(`create answered ${response.status}: ${await response.text()}`);
          return ((await response.json()) as { schedule: { id: string } }).schedule.id;
        }),
      );
      ids.push(...batch);
    }
    now = new Date('2026-11-20T09:00:00Z');
    const start = performance.now();
    const fired = await server.tick();
    const elapsedMs = performance.now() - start;
    const again = await server.tick();
    const perSchedule = new Map<string, number>();
    for (const event of fired) perSchedule.set(event.scheduleId, (perSchedule.get(event.scheduleId) ?? 0) + 1);
    let recorded = 0;
    for (const id of ids.slice(0, 50)) {
      const response = await fetch(`${server.url}/v1/schedules/${id}`, { headers });
      recorded += ((await response.json()) as { schedule: { runCount: number } }).schedule.runCount;
    }
    return {
      schedules: count,
      fired: fired.length,
      firedTwice: [...perSchedule.values()].filter((times) => times > 1).length,
      firedOnSecondTick: again.length,
      allRunsRecordedWithinMs: Number(elapsedMs.toFixed(0)),
      withinTheMinute: elapsedMs < 60_000,
      runCountOfFirst50: recorded,
    };
  } finally {
    await server.stop();
    agent.close();
  }
}

export async function benchRunner(): Promise<Record<string, unknown>> {
  // The service's log lines (the local server's runner logs every run) go to stderr: stdout holds only the report.
  (logger as unknown as { console: Console }).console = new Console({ stdout: process.stderr, stderr: process.stderr });
  const dynamo = await startDynamoDbLocal();
  try {
    const runs = await perRun(dynamo.endpoint, 200);
    const callbacks = await callbackVersusSynchronous(dynamo.endpoint, { synchronousRuns: 2, callbackRuns: 20, agentSeconds: 30 });
    return { perRun: runs, sameMinute: await sameMinute(1000), lambdaGbSecondsPerRun: callbacks };
  } finally {
    await dynamo.stop();
  }
}
