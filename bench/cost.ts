// Benchmark: what each path costs in infrastructure — a scheduled run, a duplicate delivery, a manual trigger, a batch
// item and each API call. DynamoDB requests and capacity units are counted on DynamoDB Local (ReturnConsumedCapacity,
// through the same use cases and stores the functions run); Lambda GB-seconds are the measured p50 in-process time at
// the functions' default memory by role (a proxy: no cold start, DynamoDB Local on loopback); Scheduler, SQS and API Gateway requests
// are counted from what each path does. Dollars per million at the published prices in prices.ts.
import { Console } from 'node:console';
import { randomBytes } from 'node:crypto';
import { DEFAULT_MEMORY_MB } from '#infra/constructs/agent-function.ts';
import { DynamoAgentStore } from '#shared/adapters/dynamodb/agent-store.ts';
import { DynamoRunStore } from '#shared/adapters/dynamodb/run-store.ts';
import { DynamoScheduleStore } from '#shared/adapters/dynamodb/schedule-store.ts';
import { randomIds } from '#shared/adapters/system/ids.ts';
import { settingsFromEnv } from '#shared/config.ts';
import { cursorCodec } from '#shared/domain/cursor.ts';
import type { TenantPrincipal } from '#shared/domain/principal.ts';
import { parseRunListQuery } from '#shared/http/runs.ts';
import { parseScheduleInput, parseScheduleListQuery } from '#shared/http/schedules.ts';
import { logger } from '#shared/logger.ts';
import type { AgentRunner } from '#shared/ports/agent-runner.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { QueuedRunRef, RunDispatcher } from '#shared/ports/run-dispatcher.ts';
import { scheduledEventTemplate, type ScheduledEvent, type SchedulerMirror } from '#shared/ports/scheduler-mirror.ts';
import { createSchedule } from '#shared/use-cases/create-schedule.ts';
import { deleteSchedule } from '#shared/use-cases/delete-schedule.ts';
import { executeQueuedRun, executeScheduledRun, type RunnerDeps } from '#shared/use-cases/execute-run.ts';
import { getSchedule } from '#shared/use-cases/get-schedule.ts';
import { getScheduleRun, listRuns } from '#shared/use-cases/list-runs.ts';
import { listSchedules } from '#shared/use-cases/list-schedules.ts';
import { setScheduleEnabled } from '#shared/use-cases/set-schedule-enabled.ts';
import { triggerSchedule } from '#shared/use-cases/trigger-schedule.ts';
import { updateSchedule } from '#shared/use-cases/update-schedule.ts';
import { startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { perItem } from './batches.ts';
import { addUsage, meteredTable, noUsage, perEach, type Usage } from './metered.ts';
import { PRICES, dollars } from './prices.ts';
import { percentile } from './stats.ts';

/** Answers at once: a line, or 10 KiB for a task that asks for a long answer. */
const instantAgent: AgentRunner = {
  run: async (_agent, request) => ({ output: request.task === LONG_TASK ? 'x'.repeat(10 * 1024) : `done: ${request.task}` }),
};

const LONG_TASK = 'answer at length';

/** What one execution of a path uses besides DynamoDB. */
interface Calls {
  /** Lambda invocations (API function, runner, …) and the milliseconds each ran, at its memory. */
  lambda: Array<{ ms: number; memoryMb: number }>;
  schedulerInvocations?: number;
  schedulerApiCalls?: number;
  sqsRequests?: number;
  apiGatewayRequests?: number;
}

const gbSeconds = (calls: Calls) => calls.lambda.reduce((sum, call) => sum + (Math.ceil(call.ms) / 1000) * (call.memoryMb / 1024), 0);
const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/** One path's line of the report: its counts and its dollars per million executions. */
function line(dynamodb: Usage, calls: Calls) {
  const million = 1_000_000;
  const usd = {
    dynamodbWrites: dollars(dynamodb.writeUnits * million, PRICES.dynamodb.perMillionWriteUnits),
    dynamodbReads: dollars(dynamodb.readUnits * million, PRICES.dynamodb.perMillionReadUnits),
    lambdaRequests: dollars(calls.lambda.length * million, PRICES.lambda.perMillionRequests),
    lambdaGbSeconds: gbSeconds(calls) * million * PRICES.lambda.perGbSecond,
    scheduler: dollars((calls.schedulerInvocations ?? 0) * million, PRICES.scheduler.perMillionInvocations),
    sqs: dollars((calls.sqsRequests ?? 0) * million, PRICES.sqs.perMillionRequests),
    apiGateway: dollars((calls.apiGatewayRequests ?? 0) * million, PRICES.apiGateway.perMillionHttpRequests),
  };
  return {
    dynamodb,
    lambda: { requests: calls.lambda.length, gbSeconds: round(gbSeconds(calls), 5), memoryMb: calls.lambda.map((call) => call.memoryMb) },
    scheduler: { invocations: calls.schedulerInvocations ?? 0, apiCalls: calls.schedulerApiCalls ?? 0 },
    sqsRequests: calls.sqsRequests ?? 0,
    apiGatewayRequests: calls.apiGatewayRequests ?? 0,
    usdPerMillion: round(Object.values(usd).reduce((sum, value) => sum + value, 0)),
    usdPerMillionBreakdown: Object.fromEntries(Object.entries(usd).map(([key, value]) => [key, round(value)])),
  };
}

/** Runs `action` `times` times: DynamoDB usage per execution and the p50 milliseconds. */
async function repeat(table: Awaited<ReturnType<typeof meteredTable>>, times: number, action: (index: number) => Promise<unknown>) {
  const samples: number[] = [];
  let usage = noUsage();
  for (let index = 0; index < times; index += 1) {
    const start = performance.now();
    const measured = await table.measure(() => action(index));
    samples.push(performance.now() - start);
    usage = addUsage(usage, measured.usage);
  }
  samples.sort((a, b) => a - b);
  return { usage: perEach(usage, times), ms: percentile(samples, 50) };
}

async function costs(endpoint: string) {
  const table = await meteredTable(endpoint, 'bench-cost');
  const { client, tableName } = table;
  let now = new Date('2026-11-20T00:00:00Z');
  const clock: Clock = { now: () => new Date(now) };
  let mirrorCalls = 0;
  const count = async () => {
    mirrorCalls += 1;
  };
  const mirror: SchedulerMirror = { create: count, update: count, delete: count };
  const dispatched: QueuedRunRef[] = [];
  const dispatcher: RunDispatcher = { dispatch: async (ref) => void dispatched.push(ref) };
  const deps: RunnerDeps & { dispatcher: RunDispatcher } = {
    schedules: new DynamoScheduleStore({ client, tableName }),
    agents: new DynamoAgentStore({ client, tableName }),
    runs: new DynamoRunStore({ client, tableName }),
    agentRunner: instantAgent,
    mirror,
    clock,
    ids: randomIds,
    settings: { ...settingsFromEnv({}), defaultAgentId: 'echo' },
    dispatcher,
  };
  const principal: TenantPrincipal = { role: 'tenant', tenantId: 'bench', userId: 'u1', keyId: 'k' };
  const at = now.toISOString();
  await deps.agents.create({ tenantId: 'bench', id: 'echo', name: 'Echo', kind: 'http', url: 'http://127.0.0.1:9/', createdAt: at, updatedAt: at, version: 1 });
  const { schedule } = await createSchedule(deps, principal, parseScheduleInput({ name: 'bench', task: 't', cronExpression: '* * * * *' }).input);
  // Each function at its role's configured default memory (the memory bench chose them).
  const runner = (ms: number) => ({ ms, memoryMb: DEFAULT_MEMORY_MB.runner });
  const api = (ms: number) => ({ ms, memoryMb: DEFAULT_MEMORY_MB.api });

  // A scheduled run: one Scheduler invocation, the runner, with the event EventBridge delivers (its target Input).
  const event = (index: number): ScheduledEvent => ({
    ...(JSON.parse(scheduledEventTemplate('bench', schedule.id, schedule.agentId)) as ScheduledEvent),
    scheduledTime: new Date(now.getTime()).toISOString(),
    executionId: `e${index}`,
    attempt: 1,
  });
  const scheduled = await repeat(table, 100, async (index) => {
    now = new Date(now.getTime() + 60_000);
    const outcome = await executeScheduledRun(deps, event(index));
    if (outcome.outcome !== 'ran') throw new Error(`scheduled run ${index} answered ${outcome.outcome}`);
  });
  // The same event delivered again (Scheduler's at-least-once): nothing happens, and it is still billed.
  const duplicate = await repeat(table, 20, async () => {
    const outcome = await executeScheduledRun(deps, event(0));
    if (outcome.outcome !== 'duplicate') throw new Error(`a duplicate delivery answered ${outcome.outcome}`);
  });
  // A scheduled run whose agent answers 10 KiB: the output is put apart from the run record, once.
  const { schedule: long } = await createSchedule(deps, principal, parseScheduleInput({ name: 'long', task: LONG_TASK, cronExpression: '* * * * *' }).input);
  const longEvent = (index: number): ScheduledEvent => ({ ...event(index), scheduleId: long.id });
  const longOutput = await repeat(table, 20, async (index) => {
    now = new Date(now.getTime() + 60_000);
    const outcome = await executeScheduledRun(deps, longEvent(index));
    if (outcome.outcome !== 'ran') throw new Error(`long-output run ${index} answered ${outcome.outcome}`);
  });
  // A manual trigger: the API function writes the queued run and invokes the runner, which runs it.
  const triggerApi = await repeat(table, 50, () => triggerSchedule(deps, principal, schedule.id));
  const triggered = dispatched.splice(0);
  const triggerRunner = await repeat(table, triggered.length, (index) => executeQueuedRun(deps, triggered[index]!));

  const cursors = cursorCodec(randomBytes(32).toString('base64url'));
  const apiCalls: Record<string, ReturnType<typeof line>> = {};
  const apiCall = async (name: string, times: number, action: (index: number) => Promise<unknown>) => {
    const before = mirrorCalls;
    const measured = await repeat(table, times, action);
    apiCalls[name] = line(measured.usage, {
      lambda: [api(measured.ms)],
      apiGatewayRequests: 1,
      schedulerApiCalls: round((mirrorCalls - before) / times),
    });
  };
  const made: string[] = [];
  await apiCall('createSchedule', 20, async (index) => {
    const created = await createSchedule(deps, principal, parseScheduleInput({ name: `made ${index}`, task: 't', cronExpression: '0 9 * * *' }).input);
    made.push(created.schedule.id);
  });
  await apiCall('getSchedule', 20, () => getSchedule(deps, principal, schedule.id));
  await apiCall('listSchedules', 20, () => listSchedules({ ...deps, cursors }, principal, parseScheduleListQuery({})));
  await apiCall('updateSchedule', 20, (index) => updateSchedule(deps, principal, made[index]!, parseScheduleInput({ task: `changed ${index}` }).input));
  await apiCall('pauseSchedule', 20, (index) => setScheduleEnabled(deps, principal, made[index]!, false));
  await apiCall('listRuns', 20, () => listRuns({ ...deps, cursors }, principal, schedule.id, parseRunListQuery({})));
  await apiCall('getRun', 20, () => getScheduleRun(deps, principal, schedule.id, triggered[0]!.runId));
  await apiCall('deleteSchedule', 20, (index) => deleteSchedule(deps, principal, made[index]!));

  const items = await perItem(endpoint, 200, 10);
  return {
    scheduledRun: line(scheduled.usage, { lambda: [runner(scheduled.ms)], schedulerInvocations: 1 }),
    scheduledRunLongOutput: line(longOutput.usage, { lambda: [runner(longOutput.ms)], schedulerInvocations: 1 }),
    duplicateDelivery: line(duplicate.usage, { lambda: [runner(duplicate.ms)], schedulerInvocations: 1 }),
    manualTrigger: line(perEach(addUsage(triggerApi.usage, triggerRunner.usage), 1), {
      lambda: [api(triggerApi.ms), runner(triggerRunner.ms)],
      apiGatewayRequests: 1,
    }),
    // SQS per item: its share of a SendMessageBatch (10 per request), the event source's receive and its delete.
    batchItem: line(items.perItem, { lambda: [runner(items.runnerOverheadMsPerItem.p50)], sqsRequests: 2.1 }),
    api: apiCalls,
  };
}

export async function benchCost(): Promise<Record<string, unknown>> {
  (logger as unknown as { console: Console }).console = new Console({ stdout: process.stderr, stderr: process.stderr });
  const dynamo = await startDynamoDbLocal();
  try {
    process.stderr.write('bench cost: scheduled runs, duplicates, triggers, API calls and batch items on DynamoDB Local…\n');
    return {
      ...(await costs(dynamo.endpoint)),
      assumptions: {
        memoryMb: { api: DEFAULT_MEMORY_MB.api, runner: DEFAULT_MEMORY_MB.runner },
        lambda: 'arm64; GB-seconds = p50 in-process milliseconds (rounded up) × memory: no cold start, DynamoDB Local on loopback, the agent answering at once',
        capacity: 'capacity units as DynamoDB Local reports them (ReturnConsumedCapacity: TOTAL); a request refused by its condition reports none',
        authorizer: 'API calls: the authorizer’s answers are cached, so its invocations are left out',
        scheduler: 'EventBridge Scheduler bills invocations; its API calls (create, update, delete) are free',
      },
      prices: PRICES,
    };
  } finally {
    await dynamo.stop();
  }
}
