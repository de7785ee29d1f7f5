// Benchmark: right-sized memory. Lambda cannot run here, so this is a proxy and says so: for 128/256/512/1024 MB it
// models each function role's cold start and p50 invocation from what this machine measures, prices them, and picks
// the size where cost × latency is lowest among the sizes the role fits in.
//  - Lambda gives CPU in proportion to memory: at 1,769 MB a function has one vCPU (AWS Lambda developer guide,
//    "Configure Lambda function memory"). Nothing is throttled here: each measurement is split into CPU time and
//    waiting, and modelled as time = CPU × max(1, 1769 / MB) + (wall − CPU).
//  - Cold start: representative functions bundled as the stack bundles them (bench/bundles.ts), imported by a fresh
//    Node process per size with its heap capped as Lambda's Node bootstrap has been seen to cap it (old space 90 %,
//    semi space 5 % of the memory) and source maps on (NODE_OPTIONS of the stack); the child reports its CPU time, wall
//    time and peak RSS.
//  - p50: the functions' use cases on DynamoDB Local, as bench/cost.ts and bench/runner.ts run them, timed per
//    invocation (process.cpuUsage and wall clock) after a warm-up; the runner calls a real loopback HTTP agent that
//    runs in a process of its own, so its CPU is not counted.
//  - Fits: peak RSS after the import + the heap an invocation grows by (the runner's with a 7.5 MB agent answer, near
//    the 8 MiB cap) must stay within 75 % of the size.
//  - Roles: API (four route functions, three calls), authorizer, runner (chosen with an assumed 1 s agent answer);
//    withDynamoDbLatency and everyInvocationCold say whether each choice holds with real DynamoDB waits or no warm starts.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { Console } from 'node:console';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DEFAULT_MEMORY_MB } from '#infra/constructs/agent-function.ts';
import { AUTHORIZER_SPEC, RUNNER_SPEC, apiFunctionSpecs, type FunctionSpec } from '#infra/functions.ts';
import { AgentRunnerRegistry } from '#shared/adapters/agents/index.ts';
import { DynamoAgentStore } from '#shared/adapters/dynamodb/agent-store.ts';
import { DynamoApiKeyStore } from '#shared/adapters/dynamodb/api-key-store.ts';
import { DynamoRunStore } from '#shared/adapters/dynamodb/run-store.ts';
import { DynamoScheduleStore } from '#shared/adapters/dynamodb/schedule-store.ts';
import { randomIds } from '#shared/adapters/system/ids.ts';
import { settingsFromEnv } from '#shared/config.ts';
import { cursorCodec } from '#shared/domain/cursor.ts';
import type { TenantPrincipal } from '#shared/domain/principal.ts';
import { parseRunListQuery } from '#shared/http/runs.ts';
import { parseScheduleInput } from '#shared/http/schedules.ts';
import { logger } from '#shared/logger.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { SchedulerMirror } from '#shared/ports/scheduler-mirror.ts';
import { createApiKey } from '#shared/use-cases/api-keys.ts';
import { createSchedule } from '#shared/use-cases/create-schedule.ts';
import { executeScheduledRun, type RunnerDeps } from '#shared/use-cases/execute-run.ts';
import { getSchedule } from '#shared/use-cases/get-schedule.ts';
import { listRuns } from '#shared/use-cases/list-runs.ts';
import { hashKey, resolveApiKey } from '#shared/use-cases/resolve-api-key.ts';
import { startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { bundleFunction } from './bundles.ts';
import { meteredTable, type MeteredTable } from './metered.ts';
import { PRICES } from './prices.ts';
import { percentile } from './stats.ts';

export const MEMORY_SIZES_MB = [128, 256, 512, 1024] as const;
/** Lambda: at 1,769 MB a function has the equivalent of one vCPU, and CPU is proportional to memory below that. */
export const FULL_VCPU_MB = 1769;
/** Share of the memory the function's peak may use; the rest is for what the proxy does not see (Lambda's runtime client, Node 24's heap, fragmentation): a quarter, since an out-of-memory runner loses the run. */
export const USABLE_SHARE = 0.75;
/** How long the runner's agent is assumed to take to answer: pure waiting for the runner. Its size is chosen with it. */
export const ASSUMED_AGENT_MS = 1000;
/** What a request to DynamoDB in its region is assumed to wait ("single-digit milliseconds"), for the sensitivity check. */
export const ASSUMED_DYNAMODB_MS = 5;
/** The large agent answer the runner's memory check uses (the HTTP client refuses answers over 8 MiB). */
const LARGE_ANSWER_BYTES = 7.5 * 1024 * 1024;
const API_FUNCTIONS = ['get-schedule', 'create-schedule', 'list-runs', 'create-batch'];
const WARM_UP = 10;
const RUNS = 60;

export interface Sample {
  cpuMs: number;
  wallMs: number;
}

/** How much longer CPU work takes at `memoryMb` than on one full vCPU. */
export const cpuStretch = (memoryMb: number): number => Math.max(1, FULL_VCPU_MB / memoryMb);
/** A measurement's modelled duration at `memoryMb`: its CPU time stretched, its waiting unchanged. */
export const modelledMs = (sample: Sample, memoryMb: number, extraWaitMs = 0): number =>
  sample.cpuMs * cpuStretch(memoryMb) + Math.max(0, sample.wallMs - sample.cpuMs) + extraWaitMs;
/** V8 heap limits for a memory size, as Lambda's Node.js bootstrap has been seen to set them (AWS does not document them). */
export const heapFlags = (memoryMb: number): string[] => [
  `--max-old-space-size=${Math.floor(memoryMb * USABLE_SHARE)}`,
  `--max-semi-space-size=${Math.max(1, Math.floor(memoryMb * 0.05))}`,
];
/** Dollars per million invocations of `ms` at `memoryMb` (billed per millisecond, rounded up; arm64). */
export const usdPerMillion = (ms: number, memoryMb: number): number =>
  (Math.ceil(ms) / 1000) * (memoryMb / 1024) * PRICES.lambda.perGbSecond * 1_000_000 + PRICES.lambda.perMillionRequests;

const round = (value: number, digits = 1): number => Number(value.toFixed(digits));
const p50 = (values: number[]): number =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

interface ColdImport {
  memoryMb: number;
  cpuMs: number;
  wallMs: number;
  rssMb: number;
  modelledMs: number;
  error?: string;
}

/** A fresh Node process imports the bundle with the heap of `memoryMb`: median (by modelled time) of `runs`. */
function coldImport(file: string, memoryMb: number, runs = 3): ColdImport {
  const script = `const cpu0 = process.cpuUsage(); const t0 = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)});
const wallMs = performance.now() - t0; const cpu = process.cpuUsage(cpu0);
process.stdout.write(JSON.stringify({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000, rssMb: process.resourceUsage().maxRSS / 1024 }));`;
  const env = { ...process.env, AWS_REGION: 'us-east-1', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb), NODE_OPTIONS: '--enable-source-maps' };
  const results: ColdImport[] = [];
  for (let run = 0; run < runs; run += 1) {
    const child = spawnSync(process.execPath, [...heapFlags(memoryMb), '--input-type=module', '-e', script], { encoding: 'utf8', env });
    if (child.status !== 0) {
      const reason = child.stderr.split('\n').filter((line) => /Error|heap/i.test(line) && line.length < 300);
      return { memoryMb, cpuMs: 0, wallMs: 0, rssMb: 0, modelledMs: 0, error: reason.at(-1) ?? `exit ${child.status ?? child.signal}` };
    }
    const measured = JSON.parse(child.stdout) as Sample & { rssMb: number };
    results.push({ memoryMb, ...measured, modelledMs: modelledMs(measured, memoryMb) });
  }
  results.sort((a, b) => a.modelledMs - b.modelledMs);
  const median = results[Math.floor(results.length / 2)]!;
  return {
    memoryMb,
    cpuMs: round(median.cpuMs),
    wallMs: round(median.wallMs),
    rssMb: round(Math.max(...results.map((r) => r.rssMb))),
    modelledMs: round(median.modelledMs, 0),
  };
}

async function timed(action: () => Promise<unknown>): Promise<Sample> {
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  await action();
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpu0);
  return { cpuMs: (cpu.user + cpu.system) / 1000, wallMs };
}

interface Call {
  samples: Sample[];
  /** DynamoDB requests per invocation (counted by the metered client). */
  requests: number;
}

/** `action` `runs` times after a warm-up (a warm Lambda's invocations): the samples and the DynamoDB requests each made. */
async function callOf(table: MeteredTable, runs: number, action: (index: number) => Promise<unknown>): Promise<Call> {
  for (let index = 0; index < WARM_UP; index += 1) await action(index);
  const samples: Sample[] = [];
  const before = table.used().requests;
  for (let index = WARM_UP; index < WARM_UP + runs; index += 1) samples.push(await timed(() => action(index)));
  return { samples, requests: (table.used().requests - before) / runs };
}

let collect: (() => void) | undefined;
/** MB the heap (and external memory) grows by while `action` runs, sampled every millisecond from a collected heap. */
async function heapGrowthMb(action: () => Promise<unknown>): Promise<number> {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  collect();
  const used = () => {
    const memory = process.memoryUsage();
    return memory.heapUsed + memory.external;
  };
  const base = used();
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, used());
  }, 1);
  try {
    await action();
  } finally {
    clearInterval(timer);
  }
  return round((Math.max(peak, used()) - base) / 2 ** 20);
}

/** A loopback HTTP agent in a Node process of its own: `/` answers at once, `/large` with LARGE_ANSWER_BYTES of output. */
async function loopbackAgent(): Promise<{ url: string; process: ChildProcess }> {
  const script = `const big = JSON.stringify({ output: 'x'.repeat(${LARGE_ANSWER_BYTES}) });
require('node:http').createServer((request, response) => { request.resume(); request.on('end', () => {
  response.writeHead(200, { 'content-type': 'application/json' }); response.end(request.url === '/large' ? big : '{"output":"ok"}'); });
}).listen(0, '127.0.0.1', function () { process.stdout.write(this.address().port + '\\n'); });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
    child.once('exit', (code) => reject(new Error(`the loopback agent exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}/`, process: child };
}

/** The measured invocations by role (scheduled runs; API calls; API keys resolved), with the heap each grows by. */
async function invocations(endpoint: string) {
  const table = await meteredTable(endpoint, 'bench-memory');
  const { client, tableName } = table;
  let now = new Date('2026-11-20T00:00:00Z');
  const clock: Clock = { now: () => new Date(now) };
  const mirror: SchedulerMirror = { create: async () => undefined, update: async () => undefined, delete: async () => undefined };
  const agent = await loopbackAgent();
  try {
    const deps: RunnerDeps = {
      schedules: new DynamoScheduleStore({ client, tableName }),
      agents: new DynamoAgentStore({ client, tableName }),
      runs: new DynamoRunStore({ client, tableName }),
      agentRunner: new AgentRunnerRegistry({ signingSecret: 'bench-memory', allowLoopback: true }),
      mirror,
      clock,
      ids: randomIds,
      settings: { ...settingsFromEnv({}), defaultAgentId: 'echo' },
    };
    const principal: TenantPrincipal = { role: 'tenant', tenantId: 'bench', userId: 'u1', keyId: 'k' };
    const at = now.toISOString();
    for (const [id, url] of [
      ['echo', agent.url],
      ['large', `${agent.url}large`],
    ] as const) {
      await deps.agents.create({ tenantId: 'bench', id, name: id, kind: 'http', url, createdAt: at, updatedAt: at, version: 1 });
    }
    const scheduleFor = async (agentId: string) =>
      (await createSchedule(deps, principal, parseScheduleInput({ name: agentId, task: 't', cronExpression: '* * * * *', agentId }).input)).schedule;
    const [echo, large] = [await scheduleFor('echo'), await scheduleFor('large')];
    const fire = async (scheduleId: string) => {
      now = new Date(now.getTime() + 60_000);
      const event = { tenantId: 'bench', scheduleId, scheduledTime: now.toISOString(), executionId: randomUUID(), attempt: 1 };
      const outcome = await executeScheduledRun(deps, event);
      if (outcome.outcome !== 'ran' || outcome.run.status !== 'succeeded') throw new Error(`a bench run ended ${JSON.stringify(outcome).slice(0, 300)}`);
    };

    process.stderr.write('bench memory: scheduled runs against a loopback agent…\n');
    const scheduledRun = await callOf(table, RUNS, () => fire(echo.id));
    const runnerGrowth = { heapGrowthMb: await heapGrowthMb(() => fire(echo.id)), largeAnswerHeapGrowthMb: await heapGrowthMb(() => fire(large.id)) };

    process.stderr.write('bench memory: API calls and API keys…\n');
    const cursors = cursorCodec(randomBytes(32).toString('base64url'));
    const get = () => getSchedule(deps, principal, echo.id);
    const create = (index: number) =>
      createSchedule(deps, principal, parseScheduleInput({ name: `made ${index}`, task: 't', cronExpression: '0 9 * * *' }).input);
    const list = () => listRuns({ ...deps, cursors }, principal, echo.id, parseRunListQuery({}));
    const api = { getSchedule: await callOf(table, RUNS, get), createSchedule: await callOf(table, RUNS, create), listRuns: await callOf(table, RUNS, list) };
    const apiGrowth = Math.max(await heapGrowthMb(get), await heapGrowthMb(() => create(-1)), await heapGrowthMb(list));

    const keys = { keys: new DynamoApiKeyStore({ client, tableName }), adminKeyHash: hashKey(randomBytes(32).toString('base64url')) };
    const { apiKey } = await createApiKey({ ...keys, clock, ids: randomIds }, { tenantId: 'bench', userId: 'u1', name: 'bench' });
    const resolve = async () => {
      if ((await resolveApiKey(keys, apiKey))?.role !== 'tenant') throw new Error('the bench API key did not resolve');
    };
    const authorizer = { resolveApiKey: await callOf(table, RUNS, resolve) };
    return {
      runner: { calls: { scheduledRun }, ...runnerGrowth },
      api: { calls: api, heapGrowthMb: apiGrowth },
      authorizer: { calls: authorizer, heapGrowthMb: await heapGrowthMb(resolve) },
    };
  } finally {
    agent.process.kill();
  }
}

interface Measured {
  calls: Record<string, Call>;
  heapGrowthMb: number;
  largeAnswerHeapGrowthMb?: number;
}

/**
 * A role's figures at each size and its best size. `extraWaitMs`: waiting added to each call's invocations; `cold`:
 * every invocation also pays the cold start, in time and, since INIT is billed (1 August 2025), in dollars.
 */
function sizesOf(cold: ColdImport[][], measured: Measured, extraWaitMs: (call: Call) => number, everyInvocationCold = false) {
  const calls = Object.values(measured.calls);
  const sizes = MEMORY_SIZES_MB.map((memoryMb) => {
    const imports = cold.map((entries) => entries.find((entry) => entry.memoryMb === memoryMb)!);
    const coldStartMs = Math.max(...imports.map((entry) => entry.modelledMs));
    const extra = (call: Call) => extraWaitMs(call) + (everyInvocationCold ? coldStartMs : 0);
    const p50s = calls.map((call) => p50(call.samples.map((sample) => modelledMs(sample, memoryMb, extra(call)))));
    const p50Ms = p50s.reduce((sum, value) => sum + value, 0) / p50s.length;
    const usd = p50s.reduce((sum, value) => sum + usdPerMillion(value, memoryMb), 0) / p50s.length;
    const peakMb = Math.max(...imports.map((entry) => entry.rssMb)) + Math.max(measured.heapGrowthMb, measured.largeAnswerHeapGrowthMb ?? 0);
    const failed = imports.find((entry) => entry.error);
    return {
      memoryMb,
      coldStartMs,
      p50Ms: round(p50Ms),
      usdPerMillion: round(usd, 3),
      costLatency: round(usd * p50Ms, 1),
      peakMb: round(peakMb),
      fits: !failed && peakMb <= memoryMb * USABLE_SHARE,
      ...(failed ? { error: failed.error } : {}),
    };
  });
  const fitting = sizes.filter((size) => size.fits);
  const best = fitting.length === 0 ? null : fitting.reduce((a, b) => (b.costLatency < a.costLatency ? b : a)).memoryMb;
  return { sizes, best };
}

/** One role: what was measured, its figures at each size and the best size, and the same with DynamoDB's real latency assumed. */
function roleFigures(cold: Map<string, ColdImport[]>, measured: Measured, configuredMb: number, agentMs = 0) {
  const figures = sizesOf([...cold.values()], measured, () => agentMs);
  const slowerDynamoDb = sizesOf([...cold.values()], measured, (call) => agentMs + call.requests * ASSUMED_DYNAMODB_MS);
  const allCold = sizesOf([...cold.values()], measured, () => agentMs, true);
  return {
    functions: [...cold.keys()],
    invocations: Object.fromEntries(
      Object.entries(measured.calls).map(([name, call]) => [
        name,
        {
          samples: call.samples.length,
          dynamodbRequests: round(call.requests, 2),
          cpuMsP50: round(p50(call.samples.map((sample) => sample.cpuMs)), 2),
          wallMsP50: round(p50(call.samples.map((sample) => sample.wallMs)), 2),
        },
      ]),
    ),
    heapGrowthMb: measured.heapGrowthMb,
    ...(measured.largeAnswerHeapGrowthMb === undefined ? {} : { largeAnswerHeapGrowthMb: measured.largeAnswerHeapGrowthMb }),
    ...(agentMs > 0 ? { assumedAgentMs: agentMs } : {}),
    ...figures,
    withDynamoDbLatency: {
      assumedMsPerRequest: ASSUMED_DYNAMODB_MS,
      best: slowerDynamoDb.best,
      costLatency: slowerDynamoDb.sizes.map((size) => size.costLatency),
    },
    everyInvocationCold: { best: allCold.best, costLatency: allCold.sizes.map((size) => size.costLatency) },
    configuredDefault: configuredMb,
  };
}

export async function benchMemory(): Promise<Record<string, unknown>> {
  (logger as unknown as { console: Console }).console = new Console({ stdout: process.stderr, stderr: process.stderr });
  const apiSpecs = apiFunctionSpecs().filter((spec) => API_FUNCTIONS.includes(spec.name));
  const specs: FunctionSpec[] = [RUNNER_SPEC, AUTHORIZER_SPEC, ...apiSpecs];
  const outdir = mkdtempSync(join(tmpdir(), 'agent-schedules-memory-'));
  const cold = new Map<string, ColdImport[]>();
  try {
    for (const spec of specs) {
      process.stderr.write(`bench memory: cold imports of ${spec.name} at ${MEMORY_SIZES_MB.join('/')} MB…\n`);
      const { file } = await bundleFunction(spec, outdir);
      cold.set(
        spec.name,
        MEMORY_SIZES_MB.map((memoryMb) => coldImport(file, memoryMb)),
      );
    }
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
  const dynamo = await startDynamoDbLocal();
  let measured: Awaited<ReturnType<typeof invocations>>;
  try {
    measured = await invocations(dynamo.endpoint);
  } finally {
    await dynamo.stop();
  }
  const only = (names: string[]) => new Map([...cold].filter(([name]) => names.includes(name)));
  const runnerCold = only([RUNNER_SPEC.name]);
  return {
    proxy: true,
    method:
      'Not Lambda: a model from measurements on this machine. Lambda gives CPU in proportion to memory (1,769 MB = one vCPU); nothing is throttled here: ' +
      'each measurement is split into CPU time and waiting and modelled as CPU × max(1, 1769/MB) + (wall − CPU). ' +
      `Cold start = the bundle (built as the stack builds it) imported by a fresh Node ${process.version} process with the V8 heap capped as Lambda caps it at that size ` +
      "and source maps on (Lambda runs Node 24; its runtime's own start and any extra CPU during init are not modelled). " +
      `p50 = the functions' use cases on DynamoDB Local on loopback (no API Gateway, middy or EventBridge Scheduler time), ${RUNS} warm invocations each; ` +
      `withDynamoDbLatency adds an assumed ${ASSUMED_DYNAMODB_MS} ms per DynamoDB request; everyInvocationCold adds the cold start to every invocation, ` +
      'in time and in billed duration (INIT is billed since 1 August 2025). The runner calls a loopback HTTP agent that answers at once; ' +
      `its figures add an assumed ${ASSUMED_AGENT_MS} ms agent answer (waiting), instantAgent does not. ` +
      `$ per million invocations = p50 (billed per ms) × MB/1024 × arm64 $${PRICES.lambda.perGbSecond}/GB-s + $${PRICES.lambda.perMillionRequests} requests ` +
      `(${PRICES.region}, ${PRICES.date}). costLatency = $ per million × p50 ms (lower is better). A size fits when peak RSS after the import + the heap an ` +
      `invocation grows by (the runner's with a 7.5 MB agent answer) ≤ ${USABLE_SHARE * 100} % of it; best = the fitting size with the lowest costLatency. ` +
      "A role's figures are the mean over its calls; its cold start is the slowest of its bundles.",
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length },
    sizesMb: MEMORY_SIZES_MB,
    coldImport: Object.fromEntries(cold),
    roles: {
      api: roleFigures(only(API_FUNCTIONS), measured.api, DEFAULT_MEMORY_MB.api),
      authorizer: roleFigures(only([AUTHORIZER_SPEC.name]), measured.authorizer, DEFAULT_MEMORY_MB.authorizer),
      runner: {
        ...roleFigures(runnerCold, measured.runner, DEFAULT_MEMORY_MB.runner, ASSUMED_AGENT_MS),
        instantAgent: sizesOf([...runnerCold.values()], measured.runner, () => 0),
      },
    },
    configuredDefaults: DEFAULT_MEMORY_MB,
  };
}
