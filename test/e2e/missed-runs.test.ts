// A lost fire shows up: the local scheduler does not tick for a schedule's time, and once the grace period has passed
// the server's own sweep records that time as a skipped run, reason "missed", visible in the run history; the schedule
// moves on, and the late delivery of that fire does not run it.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startLocalServer, type LocalServer } from '#local/server.ts';
import { fixedClock, START } from './harness.ts';

const clock = fixedClock();
let dataDir: string;
let agent: Server;
let agentUrl: string;
let server: LocalServer;

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
  dataDir = await mkdtemp(join(tmpdir(), 'agent-schedules-missed-'));
  // The scheduler ticks only when the test says; the sweep runs every few milliseconds, on the test's clock.
  server = await startLocalServer({ inMemory: true, tickIntervalMs: 0, sweepIntervalMs: 20, port: 0, dataDir, clock });
});

afterAll(async () => {
  await server?.stop();
  agent?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

const at = (minutes: number, seconds = 0) => new Date(START.getTime() + minutes * 60_000 + seconds * 1000);

describe('missed-run detection on the local server', () => {
  it('records a fire the scheduler never delivered as missed once the grace period has passed, and never runs it late', async () => {
    // Prepare: every 5 minutes from 00:00, so the first fire is 00:05.
    expect((await call('POST', '/v1/agents', { id: 'echo', name: 'Echo', kind: 'http', url: agentUrl })).status).toBe(201);
    const created = await call('POST', '/v1/schedules', { name: 'Every five minutes', task: 't', cronExpression: '*/5 * * * *', agentId: 'echo' });
    expect(created.status).toBe(201);
    const id = created.body.schedule.id as string;
    expect(created.body.schedule.nextRunAt).toBe('2026-11-20T00:05:00Z');
    const { detectMissedRuns } = await import('#shared/use-cases/detect-missed-runs.ts');
    const { missedRunDeps } = await import('#shared/composition/sweeper.ts');

    // Act: no tick for 00:05; within the 10-minute grace nothing is missed, past it the server's sweep records it.
    clock.set(at(15));
    const withinGrace = await detectMissedRuns(await missedRunDeps());
    clock.set(at(15, 1));
    const missed = await vi.waitFor(
      async () => {
        const runs = await call('GET', `/v1/schedules/${id}/runs`);
        if (runs.body.data.length === 0) throw new Error('no missed run yet');
        return runs.body.data;
      },
      { timeout: 10_000, interval: 25 },
    );

    // Assess
    expect(withinGrace.missed).toEqual([]);
    expect(missed).toHaveLength(1);
    expect(missed[0]).toMatchObject({ scheduledTime: '2026-11-20T00:05:00Z', trigger: 'schedule', status: 'skipped', reason: 'missed' });
    const one = await call('GET', `/v1/schedules/${id}/runs/${missed[0].id}`);
    expect(one.body.run).toMatchObject({ status: 'skipped', reason: 'missed' });
    const schedule = (await call('GET', `/v1/schedules/${id}`)).body.schedule;
    expect(schedule).toMatchObject({ enabled: true, nextRunAt: '2026-11-20T00:20:00Z', missedCount: 1, runCount: 0 });

    // Act: the scheduler catches up: 00:05 arrives late and is a duplicate; 00:10 and 00:15 run.
    const fired = await server.tick();
    await server.drain();

    // Assess
    expect(fired.map((event) => event.scheduledTime)).toEqual(['2026-11-20T00:05:00Z', '2026-11-20T00:10:00Z', '2026-11-20T00:15:00Z']);
    const history = await call('GET', `/v1/schedules/${id}/runs`);
    expect(
      history.body.data.map((run: { scheduledTime: string; status: string; reason: string | null }) => [run.scheduledTime, run.status, run.reason]),
    ).toEqual([
      ['2026-11-20T00:15:00Z', 'succeeded', null],
      ['2026-11-20T00:10:00Z', 'succeeded', null],
      ['2026-11-20T00:05:00Z', 'skipped', 'missed'],
    ]);
    expect((await call('GET', `/v1/schedules/${id}`)).body.schedule).toMatchObject({ runCount: 2, missedCount: 1, nextRunAt: '2026-11-20T00:20:00Z' });
  }, 60_000);
});
