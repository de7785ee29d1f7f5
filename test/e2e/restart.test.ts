// npm start twice on one DATA_DIR: schedules, runs and keys survive, and the scheduler picks the schedules up again.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer, type LocalServer } from '#local/server.ts';

let now = new Date('2026-11-20T08:58:30Z');
const clock = { now: () => new Date(now) };
const dataDir = mkdtempSync(join(tmpdir(), 'agent-schedules-restart-'));
let agent: Server;
let agentUrl: string;
let server: LocalServer | undefined;

beforeAll(async () => {
  agent = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ output: 'ok' }));
    });
  });
  await new Promise<void>((ready) => agent.listen(0, '127.0.0.1', ready));
  agentUrl = `http://127.0.0.1:${(agent.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await server?.stop();
  agent.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function call(method: string, path: string, body?: unknown) {
  const response = await fetch(`${server!.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server!.apiKey}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('restarting the local server on the same DATA_DIR', () => {
  it('keeps keys, schedules and runs, and fires the reloaded schedules at their next times', async () => {
    server = await startLocalServer({ dataDir, port: 0, tickIntervalMs: 0, clock });
    const firstKeys = { apiKey: server.apiKey, adminKey: server.adminKey };
    expect((await call('POST', '/v1/agents', { id: 'echo', name: 'Echo', kind: 'http', url: agentUrl })).status).toBe(201);
    const created = await call('POST', '/v1/schedules', { name: 'Every minute', task: 't', cronExpression: '* * * * *', agentId: 'echo' });
    const id = created.body.schedule.id as string;
    const daily = await call('POST', '/v1/schedules', {
      name: 'Zzzz daily, caught up',
      task: 't',
      cronExpression: '0 9 * * *',
      agentId: 'echo',
      catchUp: 'latest',
    });
    expect(daily.body.schedule).toMatchObject({ catchUp: 'latest', catchUpWindowMinutes: 60 });
    expect((await call('POST', '/v1/schedules', { name: 'Zzz later', task: 't', scheduledTime: '2027-06-01T00:00:00Z', agentId: 'echo' })).status).toBe(201);
    const firstPage = await call('GET', '/v1/schedules?limit=1');
    expect(firstPage.body.data.map((schedule: { name: string }) => schedule.name)).toEqual(['Every minute']);
    now = new Date('2026-11-20T08:59:00Z');
    expect((await server.tick()).map((event) => event.scheduledTime)).toEqual(['2026-11-20T08:59:00Z']);
    await server.stop();

    now = new Date('2026-11-20T09:00:30Z');
    server = await startLocalServer({ dataDir, port: 0, tickIntervalMs: 0, clock });

    expect({ apiKey: server.apiKey, adminKey: server.adminKey }).toEqual(firstKeys);
    // 09:00 of the schedule that catches up was missed while the server was down: it ran once at start-up.
    await server.drain();
    const caughtUp = await call('GET', `/v1/schedules/${daily.body.schedule.id}/runs`);
    expect(caughtUp.body.data.map((run: { scheduledTime: string; trigger: string; status: string }) => [run.scheduledTime, run.trigger, run.status])).toEqual([
      ['2026-11-20T09:00:00Z', 'catch_up', 'succeeded'],
    ]);
    // The cursor key is the data dir's own and kept with it: a cursor from before the restart still pages on.
    const secondPage = await call('GET', `/v1/schedules?limit=1&cursor=${encodeURIComponent(firstPage.body.next_cursor)}`);
    expect([secondPage.status, secondPage.body.data.map((schedule: { name: string }) => schedule.name)]).toEqual([200, ['Zzz later']]);
    expect((await call('GET', `/v1/schedules/${id}`)).body.schedule).toMatchObject({ name: 'Every minute', runCount: 1, nextRunAt: '2026-11-20T09:01:00Z' });
    // 09:00 passed while the server was down: it is not replayed, and 09:01 fires once.
    now = new Date('2026-11-20T09:01:00Z');
    expect((await server.tick()).map((event) => event.scheduledTime)).toEqual(['2026-11-20T09:01:00Z']);
    const runs = await call('GET', `/v1/schedules/${id}/runs`);
    expect(runs.body.data.map((run: { scheduledTime: string; status: string }) => [run.scheduledTime, run.status])).toEqual([
      ['2026-11-20T09:01:00Z', 'succeeded'],
      ['2026-11-20T08:59:00Z', 'succeeded'],
    ]);
    // Two servers start here, each with its own DynamoDB Local JVM: on a busy machine that alone takes 10–20 s.
  }, 60_000);
});
