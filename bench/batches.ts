// Benchmark: batches. Items per second on the local server (10,000 items at concurrency 50, an instant loopback
// agent); the DynamoDB requests and capacity units one item costs (counted from ReturnConsumedCapacity on DynamoDB
// Local, through the same use cases and store the runner uses: perItem, which the cost bench reuses); and the
// infrastructure cost per million items at the published prices in prices.ts.
import { Console } from 'node:console';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MEMORY_MB } from '#infra/constructs/agent-function.ts';
import { settingsFromEnv } from '#shared/config.ts';
import { DynamoAgentStore } from '#shared/adapters/dynamodb/agent-store.ts';
import { DynamoBatchStore } from '#shared/adapters/dynamodb/batch-store.ts';
import { DynamoRunStore } from '#shared/adapters/dynamodb/run-store.ts';
import { DynamoScheduleStore } from '#shared/adapters/dynamodb/schedule-store.ts';
import { randomIds } from '#shared/adapters/system/ids.ts';
import { systemClock } from '#shared/adapters/system/clock.ts';
import { DEFAULT_MODEL_PRICES } from '#shared/domain/model-prices.ts';
import type { TenantPrincipal } from '#shared/domain/principal.ts';
import type { AgentRunner } from '#shared/ports/agent-runner.ts';
import type { QueuedRunRef } from '#shared/ports/run-dispatcher.ts';
import type { MirroredSchedule, SchedulerMirror } from '#shared/ports/scheduler-mirror.ts';
import { createBatch } from '#shared/use-cases/batches/create-batch.ts';
import { withCost } from '#shared/use-cases/batches/batch-queries.ts';
import { executeQueuedRun, type RunnerDeps } from '#shared/use-cases/execute-run.ts';
import { startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { startLocalServer } from '#local/server.ts';
import { logger } from '#shared/logger.ts';
import { addUsage, meteredTable, perEach, usageBetween, type Usage } from './metered.ts';
import { PRICES, dollars } from './prices.ts';
import { percentile } from './stats.ts';

const noMirror: SchedulerMirror = {
  create: async (_schedule: MirroredSchedule) => undefined,
  update: async (_schedule: MirroredSchedule) => undefined,
  delete: async (_name: string) => undefined,
};
const instantAgent: AgentRunner = { run: async (_agent, request) => ({ output: `done: ${request.task}`, usage: { inputTokens: 100, outputTokens: 20 } }) };

/** Requests and capacity one item costs, from the batch's creation to its last item's end, through the runner's use cases. */
export async function perItem(endpoint: string, items: number, maxConcurrency: number) {
  const { client, tableName, used } = await meteredTable(endpoint, 'bench-batches');
  const queued: QueuedRunRef[] = [];
  const deps: RunnerDeps = {
    schedules: new DynamoScheduleStore({ client, tableName }),
    agents: new DynamoAgentStore({ client, tableName }),
    runs: new DynamoRunStore({ client, tableName }),
    agentRunner: instantAgent,
    mirror: noMirror,
    clock: systemClock,
    ids: randomIds,
    settings: settingsFromEnv({}),
    batches: new DynamoBatchStore({ client, tableName }),
    batchQueue: { enqueue: async (refs) => void queued.push(...refs) },
    modelPrices: DEFAULT_MODEL_PRICES,
  };
  const principal: TenantPrincipal = { role: 'tenant', tenantId: 'bench', userId: 'u1', keyId: 'k' };
  const at = new Date().toISOString();
  await deps.agents.create({
    tenantId: 'bench',
    id: 'echo',
    name: 'Echo',
    kind: 'openai',
    baseUrl: 'http://127.0.0.1:9/v1',
    model: 'gpt-4o-mini',
    createdAt: at,
    updatedAt: at,
    version: 1,
  } as never);

  const beforeCreate = used();
  const { batch } = await createBatch(
    { ...deps, batches: deps.batches!, queue: deps.batchQueue!, prices: DEFAULT_MODEL_PRICES, engine: 'local', memoryMb: DEFAULT_MEMORY_MB.runner },
    principal,
    {
      name: 'bench',
      agentId: 'echo',
      task: 'Summarise account {{item.account}}',
      items: Array.from({ length: items }, (_, index) => ({ account: `a${index}` })),
      maxConcurrency,
    },
  );
  const creation = usageBetween(beforeCreate, used());

  // The runner's share: each queued item run, as the batch queue's consumer runs it (one per invocation on AWS).
  const beforeRuns = used();
  const samples: number[] = [];
  while (queued.length > 0) {
    const ref = queued.shift()!;
    const start = performance.now();
    await executeQueuedRun(deps, ref);
    samples.push(performance.now() - start);
  }
  const running = usageBetween(beforeRuns, used());
  const final = await deps.batches!.get('bench', batch.id);
  if (final?.status !== 'succeeded' || final.counts.succeeded !== items)
    throw new Error(`the bench batch ended ${final?.status} with ${JSON.stringify(final?.counts)}`);
  samples.sort((a, b) => a - b);
  const perItemOf = (usage: Usage) => perEach(usage, items);
  const total = addUsage(creation, running);
  const runnerMs = percentile(samples, 50);
  return {
    items,
    maxConcurrency,
    dynamodbPerItem: { creating: perItemOf(creation), running: perItemOf(running), total: perItemOf(total) },
    runnerOverheadMsPerItem: { p50: runnerMs, p99: percentile(samples, 99) },
    cost: withCost(final).cost,
    perItem: perItemOf(total),
  };
}

/** Infrastructure dollars per million items (the agent's own cost aside), from the measured counts. */
function costPerMillion(measured: { perItem: { readUnits: number; writeUnits: number }; runnerOverheadMsPerItem: { p50: number } }) {
  const million = 1_000_000;
  const memoryGb = DEFAULT_MEMORY_MB.runner / 1024;
  // Lambda bills by the millisecond; the runner's time around an instant agent, at its memory.
  const gbSeconds = (Math.ceil(measured.runnerOverheadMsPerItem.p50) / 1000) * memoryGb * million;
  // SQS per item: its share of a SendMessageBatch (10 per request), the event source's receive and its delete.
  const sqsRequests = (0.1 + 1 + 1) * million;
  const lines = {
    dynamodbWrites: dollars(measured.perItem.writeUnits * million, PRICES.dynamodb.perMillionWriteUnits),
    dynamodbReads: dollars(measured.perItem.readUnits * million, PRICES.dynamodb.perMillionReadUnits),
    lambdaRequests: dollars(million, PRICES.lambda.perMillionRequests),
    lambdaGbSeconds: gbSeconds * PRICES.lambda.perGbSecond,
    sqs: dollars(sqsRequests, PRICES.sqs.perMillionRequests),
  };
  const rounded = Object.fromEntries(Object.entries(lines).map(([key, value]) => [key, Number(value.toFixed(2))]));
  return {
    usdPerMillionItems: Number(
      Object.values(lines)
        .reduce((sum, value) => sum + value, 0)
        .toFixed(2),
    ),
    breakdown: rounded,
    assumptions: `runner ${DEFAULT_MEMORY_MB.runner} MB arm64 for the measured p50 overhead per item; SQS 2.1 requests per item; prices ${PRICES.region}, ${PRICES.date} (bench/prices.ts)`,
    prices: PRICES,
  };
}

/** 10,000 items at concurrency 50 on the local server, an instant loopback agent: items per second, polled progress. */
async function onLocalServer(items: number, maxConcurrency: number) {
  let inFlight = 0;
  let peak = 0;
  let calls = 0;
  // In flight from a request's arrival until its answer is sent: the agent answers at once, after the whole body.
  const agent = createServer((request, response) => {
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    calls += 1;
    response.on('close', () => {
      inFlight -= 1;
    });
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"output":"ok"}');
    });
  });
  await new Promise<void>((ready) => agent.listen(0, '127.0.0.1', ready));
  const server = await startLocalServer({ port: 0, tickIntervalMs: 0, dataDir: mkdtempSync(join(tmpdir(), 'bench-batches-')) });
  const headers = { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' };
  try {
    const agentUrl = `http://127.0.0.1:${(agent.address() as AddressInfo).port}/`;
    const made = await fetch(`${server.url}/v1/agents`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ id: 'echo', name: 'Echo', kind: 'http', url: agentUrl }),
    });
    if (!made.ok) throw new Error(`agent create answered ${made.status}: ${await made.text()}`);
    const start = performance.now();
    const created = await fetch(`${server.url}/v1/batches`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        name: 'bench',
        agentId: 'echo',
        task: 'Item {{item}}',
        items: Array.from({ length: items }, (_, index) => `i${index}`),
        maxConcurrency,
      }),
    });
    if (created.status !== 202) throw new Error(`batch create answered ${created.status}: ${await created.text()}`);
    const { batch } = (await created.json()) as { batch: { id: string } };
    let polls = 0;
    let peakRunning = 0;
    let view: { status: string; counts: Record<string, number>; progressPct: number };
    for (;;) {
      await new Promise((wait) => setTimeout(wait, 250));
      const response = await fetch(`${server.url}/v1/batches/${batch.id}`, { headers });
      view = ((await response.json()) as { batch: typeof view }).batch;
      polls += 1;
      peakRunning = Math.max(peakRunning, view.counts.running ?? 0);
      if (!['queued', 'running'].includes(view.status)) break;
      if (performance.now() - start > 60 * 60_000) throw new Error(`the bench batch is still ${view.status} after an hour: ${JSON.stringify(view.counts)}`);
    }
    const seconds = (performance.now() - start) / 1000;
    return {
      items,
      maxConcurrency,
      status: view.status,
      counts: view.counts,
      seconds: Number(seconds.toFixed(1)),
      itemsPerSecond: Number((items / seconds).toFixed(1)),
      agentCalls: calls,
      // An instant agent is in flight for about a millisecond of each item: the batch's running count says more.
      peakConcurrentAgentCalls: peak,
      peakRunningSeenInPolls: peakRunning,
      polls,
    };
  } finally {
    await server.stop();
    agent.close();
  }
}

export async function benchBatches(): Promise<Record<string, unknown>> {
  (logger as unknown as { console: Console }).console = new Console({ stdout: process.stderr, stderr: process.stderr });
  const dynamo = await startDynamoDbLocal();
  let measured: Awaited<ReturnType<typeof perItem>>;
  try {
    process.stderr.write('bench batches: counting DynamoDB requests per item (500 items)…\n');
    measured = await perItem(dynamo.endpoint, 500, 10);
  } finally {
    await dynamo.stop();
  }
  // BENCH_BATCH_ITEMS runs a smaller batch (the rate is per item; 10,000 takes DynamoDB Local about half an hour).
  const items = Number(process.env.BENCH_BATCH_ITEMS ?? 10_000);
  process.stderr.write(`bench batches: ${items} items at concurrency 50 on the local server…\n`);
  const local = await onLocalServer(items, 50);
  const { perItem: _perItem, ...counts } = measured;
  return { localServer: local, dynamodb: counts, infraCost: costPerMillion(measured) };
}
