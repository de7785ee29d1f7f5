// Faults on the real local server process: kill -9 mid-run, a second server on the same data dir, a killed JVM.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const dataDir = mkdtempSync(join(tmpdir(), 'agent-schedules-faults-'));
const clockFile = join(dataDir, '..', `${dataDir.split('/').pop()}-clock`);
const MINUTE = 60_000;

interface Started {
  child: ChildProcess;
  url: string;
  apiKey: string;
  jvmPid: number;
}

/** The hanging agent: records each call and never answers (a run against it stays running until its deadline). */
let agent: Server;
let agentUrl: string;
const agentCalls: string[] = [];
const held: ServerResponse[] = [];
const children: ChildProcess[] = [];

function setClock(offsetMs: number): void {
  writeFileSync(clockFile, String(offsetMs));
}

/** Offset that puts the server's clock `before` ms ahead of the next minute boundary after `after` (server time). */
function offsetToJustBefore(minuteStartMs: number, before = 1_500): number {
  return minuteStartMs - before - Date.now();
}

function startServer(): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/e2e/support/server-process.ts'], {
    env: { ...process.env, DATA_DIR: dataDir, CLOCK_FILE: clockFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((candidate) => candidate.startsWith('{'));
      if (line) resolve({ child, ...(JSON.parse(line) as Omit<Started, 'child'>) });
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before it was ready: ${err.slice(-2000)}`)));
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function call(server: Started, method: string, path: string, body?: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

beforeAll(async () => {
  setClock(0);
  agent = createServer((request, response) => {
    agentCalls.push(new Date().toISOString());
    request.resume();
    held.push(response);
  });
  await new Promise<void>((ready) => agent.listen(0, '127.0.0.1', ready));
  agentUrl = `http://127.0.0.1:${(agent.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const response of held) response.destroy();
  agent.close();
  await new Promise((resolve) => setTimeout(resolve, 300));
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(clockFile, { force: true });
});

describe('the local server under faults', () => {
  it('after kill -9 mid-run: the JVM dies with it, a restart ends every unfinished run, and the next firing runs', async () => {
    const first = await startServer();
    // DynamoDB Local runs without telemetry.
    expect(readFileSync(`/proc/${first.jvmPid}/cmdline`, 'utf8').split('\0')).toContain('-disableTelemetry');
    expect((await call(first, 'POST', '/v1/agents', { id: 'slow', name: 'Slow', kind: 'http', url: agentUrl })).status).toBe(201);
    const created = await call(first, 'POST', '/v1/schedules', { name: 'Every minute', task: 't', cronExpression: '* * * * *', agentId: 'slow' });
    expect(created.status).toBe(201);
    const id = created.body.schedule.id as string;
    const firstFire = Date.parse(created.body.schedule.nextRunAt as string);

    // A manual run and the scheduled one both reach the agent, which never answers.
    expect((await call(first, 'POST', `/v1/schedules/${id}/trigger`)).status).toBe(202);
    setClock(offsetToJustBefore(firstFire));
    await until('both runs to reach the agent', () => (agentCalls.length >= 2 ? true : undefined));
    const running = await call(first, 'GET', `/v1/schedules/${id}/runs`);
    expect(running.body.data.map((run: { status: string }) => run.status)).toEqual(['running', 'running']);

    // Another server on the same data dir is refused while this one lives.
    const second = spawn(process.execPath, ['--import', 'tsx', 'test/e2e/support/server-process.ts'], {
      env: { ...process.env, DATA_DIR: dataDir, CLOCK_FILE: clockFile },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(second);
    const refused = await exited(second);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`another agent-schedules server (pid ${first.child.pid})`);

    first.child.kill('SIGKILL');
    await until('the JVM to die with its server', () => (alive(first.jvmPid) ? undefined : true), 10_000);

    // Restarted half a minute after the first firing: nothing can still be running those runs.
    setClock(firstFire + MINUTE / 2 - Date.now());
    const restarted = await startServer();
    const afterRestart = await call(restarted, 'GET', `/v1/schedules/${id}/runs`);
    expect(afterRestart.body.data.map((run: { status: string; error: { kind: string } | null }) => [run.status, run.error?.kind])).toEqual([
      ['timed_out', 'timeout'],
      ['timed_out', 'timeout'],
    ]);
    expect((await call(restarted, 'GET', `/v1/schedules/${id}`)).body.schedule).toMatchObject({ runCount: 2, lastRunStatus: 'timed_out' });

    // The next firing is not skipped as an overlap: the marker of the killed run was released.
    const callsBefore = agentCalls.length;
    setClock(offsetToJustBefore(firstFire + MINUTE));
    await until('the next firing to reach the agent', () => (agentCalls.length > callsBefore ? true : undefined));
    const next = await call(restarted, 'GET', `/v1/schedules/${id}/runs?limit=1`);
    expect(next.body.data[0]).toMatchObject({
      scheduledTime: new Date(firstFire + MINUTE).toISOString().replace('.000Z', 'Z'),
      status: 'running',
      reason: null,
    });

    // A killed JVM: data requests answer 503 storage_unavailable, /health says so, then the server restarts it and nothing is lost.
    process.kill(restarted.jvmPid, 'SIGKILL');
    const during = await call(restarted, 'GET', `/v1/schedules/${id}`);
    expect([during.status, during.body.error?.code]).toEqual([503, 'storage_unavailable']);
    const health = await fetch(`${restarted.url}/health`);
    expect([health.status, ((await health.json()) as { storage: string }).storage]).toEqual([503, 'unavailable']);
    const back = await until('storage to come back', async () => {
      const answer = await call(restarted, 'GET', `/v1/schedules/${id}`);
      return answer.status === 200 ? answer : undefined;
    });
    expect(back.body.schedule).toMatchObject({ id, name: 'Every minute', runCount: 2 });
    expect((await fetch(`${restarted.url}/health`)).status).toBe(200);

    const stopping = exited(restarted.child);
    restarted.child.kill('SIGTERM');
    expect((await stopping).code).toBe(0);
  }, 90_000);
});
