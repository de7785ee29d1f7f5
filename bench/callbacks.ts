// Benchmark: what a run of a 30 s agent costs in Lambda GB-seconds — the runner waiting for a synchronous answer versus
// the agent answering 202 at once and ending the run through its callback (the runner, then the callback function).
// Real loopback agents, the real agent adapters and DynamoDB Local; billed time is the measured wall time, rounded up
// to the millisecond as Lambda does, times the functions' memory.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_MEMORY_MB } from '#infra/constructs/agent-function.ts';
import { AgentRunnerRegistry } from '#shared/adapters/agents/index.ts';
import { createDynamoDbClient, documentClientFor } from '#shared/adapters/dynamodb/client.ts';
import { ensureTable } from '#shared/adapters/dynamodb/create-table.ts';
import { DynamoAgentStore } from '#shared/adapters/dynamodb/agent-store.ts';
import { DynamoRunStore } from '#shared/adapters/dynamodb/run-store.ts';
import { DynamoScheduleStore } from '#shared/adapters/dynamodb/schedule-store.ts';
import { randomIds } from '#shared/adapters/system/ids.ts';
import { settingsFromEnv } from '#shared/config.ts';
import type { TenantPrincipal } from '#shared/domain/principal.ts';
import { parseScheduleInput } from '#shared/http/schedules.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { SchedulerMirror } from '#shared/ports/scheduler-mirror.ts';
import { createSchedule } from '#shared/use-cases/create-schedule.ts';
import { executeScheduledRun, type RunnerDeps } from '#shared/use-cases/execute-run.ts';
import { CALLBACK_PATH_PREFIX, completeByCallback } from '#shared/use-cases/run-callback.ts';
import { percentile } from './stats.ts';

const SECRET = 'bench-signing-secret';
const noMirror: SchedulerMirror = { create: async () => undefined, update: async () => undefined, delete: async () => undefined };

/** An agent on 127.0.0.1: `sync` answers after `seconds`; `callback` answers 202 at once and keeps what it was given. */
async function loopbackAgent(mode: 'sync' | 'callback', seconds: number) {
  const offered: Array<{ callbackUrl: string; callbackToken: string }> = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { callbackUrl?: string; callbackToken?: string };
      if (mode === 'callback') {
        if (payload.callbackUrl && payload.callbackToken) offered.push({ callbackUrl: payload.callbackUrl, callbackToken: payload.callbackToken });
        response.writeHead(202, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end('{"output":"done"}'), seconds * 1000);
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, offered, close: () => new Promise<void>((done) => server.close(() => done())) };
}

const gbSeconds = (ms: number, memoryMb: number): number => (Math.ceil(ms) / 1000) * (memoryMb / 1024);
const round = (value: number, digits = 4): number => Number(value.toFixed(digits));

export async function callbackVersusSynchronous(
  endpoint: string,
  options: { synchronousRuns: number; callbackRuns: number; agentSeconds: number },
): Promise<Record<string, unknown>> {
  const base = createDynamoDbClient({ endpoint });
  const tableName = `bench-callbacks-${randomUUID()}`;
  await ensureTable(base, tableName);
  const client = documentClientFor(base);
  let now = new Date('2026-11-20T00:00:00Z');
  const clock: Clock = { now: () => new Date(now) };
  const deps: RunnerDeps & { callbackSecret: string } = {
    schedules: new DynamoScheduleStore({ client, tableName }),
    agents: new DynamoAgentStore({ client, tableName }),
    runs: new DynamoRunStore({ client, tableName }),
    agentRunner: new AgentRunnerRegistry({ signingSecret: SECRET, allowLoopback: true }),
    mirror: noMirror,
    clock,
    ids: randomIds,
    // The callback URL is never called over HTTP here: its handle is given straight to the callback use case.
    settings: { ...settingsFromEnv({}), publicBaseUrl: 'http://127.0.0.1:9' },
    callbackSecret: SECRET,
  };
  const principal: TenantPrincipal = { role: 'tenant', tenantId: 'bench', userId: 'u1', keyId: 'k' };
  const agents = { sync: await loopbackAgent('sync', options.agentSeconds), callback: await loopbackAgent('callback', options.agentSeconds) };
  try {
    const scheduleOf = async (mode: 'sync' | 'callback') => {
      const at = now.toISOString();
      await deps.agents.create({ tenantId: 'bench', id: mode, name: mode, kind: 'http', url: agents[mode].url, createdAt: at, updatedAt: at, version: 1 });
      const input = parseScheduleInput({ name: mode, task: 't', cronExpression: '* * * * *', agentId: mode, timeoutSeconds: 3600 }).input;
      return (await createSchedule(deps, principal, input)).schedule;
    };
    const fire = async (scheduleId: string) => {
      now = new Date(now.getTime() + 60_000);
      const start = performance.now();
      const outcome = await executeScheduledRun(deps, {
        tenantId: 'bench',
        scheduleId,
        scheduledTime: now.toISOString(),
        executionId: randomUUID(),
        attempt: 1,
      });
      if (outcome.outcome !== 'ran') throw new Error(`the run did not run: ${outcome.outcome}`);
      return { ms: performance.now() - start, run: outcome.run };
    };

    const synchronous: number[] = [];
    const sync = await scheduleOf('sync');
    for (let index = 0; index < options.synchronousRuns; index += 1) {
      process.stderr.write(`bench runner: synchronous run ${index + 1} of ${options.synchronousRuns} (${options.agentSeconds} s)…\n`);
      const { ms, run } = await fire(sync.id);
      if (run.status !== 'succeeded') throw new Error(`the synchronous run ended ${run.status}: ${run.error?.message}`);
      synchronous.push(ms);
    }

    const runner: number[] = [];
    const callback: number[] = [];
    let accepted = 0;
    const slow = await scheduleOf('callback');
    for (let index = 0; index < options.callbackRuns; index += 1) {
      const { ms, run } = await fire(slow.id);
      runner.push(ms);
      if (run.status !== 'running' || !run.acceptedAt) continue;
      accepted += 1;
      // The agent works (not billed to this account's Lambdas), then calls back: the callback function's time.
      const { callbackUrl, callbackToken } = agents.callback.offered.at(-1)!;
      now = new Date(now.getTime() + options.agentSeconds * 1000);
      const start = performance.now();
      await completeByCallback(deps, callbackUrl.slice(callbackUrl.indexOf(CALLBACK_PATH_PREFIX) + CALLBACK_PATH_PREFIX.length), callbackToken, {
        status: 'succeeded',
        output: 'done',
      });
      callback.push(performance.now() - start);
    }

    const p50 = (samples: number[]) =>
      percentile(
        [...samples].sort((a, b) => a - b),
        50,
      );
    // The runner at its default memory; the callback route is an API function.
    const memoryMb = { runner: DEFAULT_MEMORY_MB.runner, callbackFunction: DEFAULT_MEMORY_MB.api };
    const syncGb = gbSeconds(p50(synchronous), memoryMb.runner);
    const callbackGb = accepted > 0 ? gbSeconds(p50(runner), memoryMb.runner) + gbSeconds(p50(callback), memoryMb.callbackFunction) : null;
    return {
      agentSeconds: options.agentSeconds,
      memoryMb,
      synchronous: { runs: synchronous.length, runnerMs: round(p50(synchronous), 1), invocations: 1, gbSeconds: round(syncGb) },
      callback:
        callbackGb === null
          ? { runs: runner.length, accepted, note: 'The runner did not accept the 202 answers: execute-run.ts does not call acceptRun yet.' }
          : {
              runs: runner.length,
              accepted,
              runnerMs: round(p50(runner), 1),
              callbackFunctionMs: round(p50(callback), 1),
              invocations: 2,
              gbSeconds: round(callbackGb),
            },
      ...(callbackGb === null ? {} : { synchronousOverCallback: round(syncGb / callbackGb, 0) }),
    };
  } finally {
    await Promise.all([agents.sync.close(), agents.callback.close()]);
  }
}
