// The runner end to end: the local server (DynamoDB Local, the real handlers and the local scheduler) with a clock the
// test advances, calling a real http agent on 127.0.0.1 that answers {output} (and, on another route, HTTP 500).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '#shared/adapters/agents/index.ts';
import { flexibleOffsetMs } from '#shared/adapters/local-scheduler/local-scheduler.ts';
import { ENV } from '#shared/config.ts';
import { START, startE2eServer, type E2eServer } from './harness.ts';

interface AgentCall {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let e2e: E2eServer;
let agentServer: Server;
let agentUrl: string;
const agentCalls: AgentCall[] = [];

const at = (offsetMs: number) => new Date(START.getTime() + offsetMs);

beforeAll(async () => {
  agentServer = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      agentCalls.push({ path: request.url ?? '', headers: request.headers, body });
      if (request.url === '/fail') {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end('agent exploded');
        return;
      }
      const task = (JSON.parse(body) as { task: string }).task;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ output: `did: ${task}`, usage: { inputTokens: 3, outputTokens: 4 } }));
    });
  });
  await new Promise<void>((ready) => agentServer.listen(0, '127.0.0.1', ready));
  agentUrl = `http://127.0.0.1:${(agentServer.address() as AddressInfo).port}`;

  e2e = await startE2eServer();
  for (const [id, path] of [
    ['worker', '/ok'],
    ['broken', '/fail'],
  ] as const) {
    const created = await e2e.request('POST', '/v1/agents', { body: { id, name: `Agent ${id}`, kind: 'http', url: `${agentUrl}${path}` } });
    expect(created.status).toBe(201);
  }
});

afterAll(async () => {
  await e2e?.stop();
  await new Promise<void>((done) => (agentServer ? agentServer.close(() => done()) : done()));
});

describe('scheduled runs fired by the local scheduler', () => {
  let oneTimeId: string;
  let recurringId: string;

  beforeAll(async () => {
    e2e.clock.set(START);
    const oneTime = await e2e.request('POST', '/v1/schedules', {
      body: { name: 'Deploy', task: 'Deploy v2', scheduleType: 'one-time', scheduledTime: at(90_000).toISOString(), agentId: 'worker' },
    });
    const recurring = await e2e.request('POST', '/v1/schedules', {
      body: { name: 'Every minute', task: 'Check the inbox', cronExpression: '* * * * *', agentId: 'worker', metadata: { source: 'e2e' } },
    });
    expect([oneTime.status, recurring.status]).toEqual([201, 201]);
    oneTimeId = oneTime.json.schedule.id;
    recurringId = recurring.json.schedule.id;

    e2e.clock.set(at(180_000));
    const fired = await e2e.server.tick();
    expect(fired.map((event) => [event.scheduleId, event.scheduledTime])).toEqual([
      [recurringId, '2026-11-20T00:01:00Z'],
      [oneTimeId, '2026-11-20T00:01:30Z'],
      [recurringId, '2026-11-20T00:02:00Z'],
      [recurringId, '2026-11-20T00:03:00Z'],
    ]);
  });

  it('fired the one-time schedule exactly once at its instant, and it is now completed', async () => {
    const schedule = (await e2e.request('GET', `/v1/schedules/${oneTimeId}`)).json.schedule;
    expect(schedule).toMatchObject({
      enabled: false,
      status: 'completed',
      nextRunAt: null,
      runCount: 1,
      successCount: 1,
      failureCount: 0,
      lastRunStatus: 'succeeded',
      lastError: null,
    });

    const runs = await e2e.request('GET', `/v1/schedules/${oneTimeId}/runs`);
    expect(runs.status).toBe(200);
    expect(runs.json.data).toHaveLength(1);
    expect(runs.json.data[0]).toMatchObject({
      trigger: 'schedule',
      status: 'succeeded',
      scheduledTime: '2026-11-20T00:01:30Z',
      output: 'did: Deploy v2',
      usage: { inputTokens: 3, outputTokens: 4, totalTokens: 7 },
    });
  });

  it('fired the recurring schedule at each minute boundary, listed newest first with outputs', async () => {
    const runs = await e2e.request('GET', `/v1/schedules/${recurringId}/runs`);
    expect(runs.status).toBe(200);
    expect(runs.json).toMatchObject({ object: 'list', has_more: false, next_cursor: null });
    expect(runs.json.data.map((run: any) => [run.scheduledTime, run.status, run.output])).toEqual([
      ['2026-11-20T00:03:00Z', 'succeeded', 'did: Check the inbox'],
      ['2026-11-20T00:02:00Z', 'succeeded', 'did: Check the inbox'],
      ['2026-11-20T00:01:00Z', 'succeeded', 'did: Check the inbox'],
    ]);

    const schedule = (await e2e.request('GET', `/v1/schedules/${recurringId}`)).json.schedule;
    expect(schedule).toMatchObject({
      enabled: true,
      status: 'active',
      runCount: 3,
      successCount: 3,
      consecutiveFailures: 0,
      lastRunStatus: 'succeeded',
      lastRunAt: '2026-11-20T00:03:00Z',
      nextRunAt: '2026-11-20T00:04:00Z',
    });
  });

  it('fires nothing on a second tick at the same time', async () => {
    expect(await e2e.server.tick()).toEqual([]);
    const runs = await e2e.request('GET', `/v1/schedules/${recurringId}/runs`);
    expect(runs.json.data).toHaveLength(3);
  });

  it('called the agent with a valid X-Agent-Schedules-Signature and exactly the documented payload', async () => {
    const scheduled = agentCalls.filter((call) => call.path === '/ok');
    expect(scheduled).toHaveLength(4);
    const secret = process.env[ENV.signingSecret]!;
    for (const call of scheduled) {
      expect(call.headers['content-type']).toBe('application/json');
      expect(verifySignature(call.headers['x-agent-schedules-signature'] as string, call.body, secret)).toBe(true);
      expect(verifySignature(call.headers['x-agent-schedules-signature'] as string, call.body, 'another secret')).toBe(false);
    }

    const runs = (await e2e.request('GET', `/v1/schedules/${recurringId}/runs`)).json.data as any[];
    const first = runs.find((run) => run.scheduledTime === '2026-11-20T00:01:00Z');
    const payload = scheduled.map((call) => JSON.parse(call.body)).find((body) => body.runId === first.id);
    expect(payload).toEqual({
      task: 'Check the inbox',
      scheduleId: recurringId,
      runId: first.id,
      scheduledTime: '2026-11-20T00:01:00Z',
      metadata: { source: 'e2e' },
      environmentId: null,
      // http agents are offered a callback (the local server's own URL): they may answer 202 and finish later.
      callbackUrl: expect.stringMatching(new RegExp(`^${e2e.url}/v1/callbacks/[A-Za-z0-9_-]+$`)),
      callbackToken: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });
});

describe('triggering a schedule', () => {
  it('answers 202 with the queued run, and the runner then runs it to success', async () => {
    const created = await e2e.request('POST', '/v1/schedules', {
      body: { name: 'Weekly digest', task: 'Write the digest', cronExpression: '0 9 * * 1', agentId: 'worker' },
    });
    const id = created.json.schedule.id as string;

    const triggered = await e2e.request('POST', `/v1/schedules/${id}/trigger`);
    expect(triggered.status).toBe(202);
    expect(triggered.json).toMatchObject({ run: { status: 'queued', trigger: 'manual', scheduleId: id }, message: 'Schedule triggered - execution started' });
    const runId = triggered.json.run.id as string;
    expect(runId).toMatch(/^run_/);

    await e2e.server.drain();
    const run = await e2e.request('GET', `/v1/schedules/${id}/runs/${runId}`);
    expect(run.status).toBe(200);
    expect(run.json.run).toMatchObject({ id: runId, status: 'succeeded', output: 'did: Write the digest', error: null });
    expect((await e2e.request('GET', `/v1/schedules/${id}`)).json.schedule).toMatchObject({ runCount: 1, successCount: 1, lastRunStatus: 'succeeded' });
  });

  it('of a schedule whose agent answers 500 records a failed run and the error on the schedule, which stays enabled', async () => {
    const created = await e2e.request('POST', '/v1/schedules', {
      body: { name: 'Broken job', task: 'Fail please', cronExpression: '0 12 * * *', agentId: 'broken' },
    });
    const id = created.json.schedule.id as string;

    const triggered = await e2e.request('POST', `/v1/schedules/${id}/trigger`);
    expect(triggered.status).toBe(202);
    await e2e.server.drain();

    const run = (await e2e.request('GET', `/v1/schedules/${id}/runs/${triggered.json.run.id}`)).json.run;
    expect(run).toMatchObject({ status: 'failed', output: null, error: { kind: 'http_status' } });
    expect(run.error.message).toContain('500');
    const schedule = (await e2e.request('GET', `/v1/schedules/${id}`)).json.schedule;
    expect(schedule).toMatchObject({
      enabled: true,
      status: 'active',
      failureCount: 1,
      successCount: 0,
      consecutiveFailures: 1,
      lastRunStatus: 'failed',
      lastError: { kind: 'http_status' },
    });
    expect(agentCalls.filter((call) => call.path === '/fail')).toHaveLength(1);
  });
});

describe("seed 001's thread request", () => {
  it('answers 202 with a run and the schedule it created', async () => {
    const response = await e2e.request('POST', '/v1/threads', {
      body: {
        messages: [{ role: 'user', content: 'Run database backup' }],
        schedule: { type: 'recurring', name: 'Nightly Backup', cronExpression: '0 2 * * *' },
      },
    });

    expect(response.status).toBe(202);
    expect(response.json.run).toMatchObject({ status: 'queued', trigger: 'api', scheduleId: null });
    expect(response.json.thread).toEqual({ id: response.json.run.id, status: 'queued' });
    expect(response.json.schedule).toMatchObject({
      name: 'Nightly Backup',
      task: 'Run database backup',
      scheduleType: 'recurring',
      cronExpression: '0 2 * * *',
      enabled: true,
      nextRunAt: '2026-11-20T02:00:00Z',
    });
    const schedule = await e2e.request('GET', `/v1/schedules/${response.json.schedule.id}`);
    expect(schedule.status).toBe(200);

    await e2e.server.drain();
    const run = await e2e.request('GET', `/v1/runs/${response.json.run.id}`);
    expect(run.status).toBe(200);
    // No agentId and no DEFAULT_AGENT_ID on the local server: the run fails and says how to fix it.
    expect(run.json.run).toMatchObject({ status: 'failed', error: { kind: 'no_agent' } });
    expect(run.json.run.error.message).toContain('DEFAULT_AGENT_ID');
  });
});

describe('a schedule with a flexible window', () => {
  it('shows the window of its next run, and runs inside it with the scheduled time the window starts at', async () => {
    e2e.clock.set(at(0));
    const created = await e2e.request('POST', '/v1/schedules', {
      body: { name: 'Spread', task: 'spread', cronExpression: '30 0 * * *', timezone: 'UTC', agentId: 'worker', flexibleWindowMinutes: 10, team: false },
    });
    expect(created.status).toBe(201);
    const { id } = created.json.schedule;
    expect(created.json.schedule).toMatchObject({ flexibleWindowMinutes: 10, nextRunAt: '2026-11-20T00:30:00Z', nextRunWindowEnd: '2026-11-20T00:40:00Z' });

    const start = new Date('2026-11-20T00:30:00Z');
    const offset = flexibleOffsetMs({ name: id, flexibleWindowMinutes: 10 }, start);
    e2e.clock.set(new Date(start.getTime() + offset - 1));
    expect((await e2e.server.tick()).filter((event) => event.scheduleId === id)).toEqual([]);
    e2e.clock.set(new Date(start.getTime() + offset));
    expect((await e2e.server.tick()).filter((event) => event.scheduleId === id).map((event) => event.scheduledTime)).toEqual(['2026-11-20T00:30:00Z']);
    const runs = await e2e.request('GET', `/v1/schedules/${id}/runs`);
    expect(runs.json.data.map((run: { scheduledTime: string; status: string }) => [run.scheduledTime, run.status])).toEqual([
      ['2026-11-20T00:30:00Z', 'succeeded'],
    ]);
  });
});

describe('a rate schedule (every 90 minutes)', () => {
  it('previews, fires at its anchor plus multiples of 90 minutes, and backfills its past occurrences once each', async () => {
    e2e.clock.set(new Date('2026-11-20T05:50:00Z'));
    const preview = await e2e.request('POST', '/v1/schedules/preview', { body: { rate: '90 minutes', startAt: '2026-11-20T00:00:00Z', count: 3 } });
    expect(preview.json).toMatchObject({
      schedulerExpression: 'rate(90 minutes)',
      rate: '90 minutes',
      nextRuns: ['2026-11-20T06:00:00Z', '2026-11-20T07:30:00Z', '2026-11-20T09:00:00Z'],
    });

    const created = await e2e.request('POST', '/v1/schedules', {
      body: { name: 'Every 90', task: 'ninety', rate: '90 minutes', startAt: '2026-11-20T00:00:00Z', agentId: 'worker', team: false },
    });
    expect(created.status).toBe(201);
    const { id } = created.json.schedule;
    expect(created.json.schedule).toMatchObject({
      rate: '90 minutes',
      cronExpression: null,
      schedulerExpression: 'rate(90 minutes)',
      nextRunAt: '2026-11-20T06:00:00Z',
    });

    e2e.clock.set(new Date('2026-11-20T07:31:00Z'));
    const fired = (await e2e.server.tick()).filter((event) => event.scheduleId === id);
    expect(fired.map((event) => event.scheduledTime)).toEqual(['2026-11-20T06:00:00Z', '2026-11-20T07:30:00Z']);

    const backfill = await e2e.request('POST', `/v1/schedules/${id}/backfill`, { body: { from: '2026-11-20T00:00:00Z', to: '2026-11-20T07:00:00Z' } });
    expect(backfill.status).toBe(202);
    for (let round = 0; round < 10; round += 1) await e2e.server.drain();
    const runs = await e2e.request('GET', `/v1/schedules/${id}/runs?limit=20`);
    expect(runs.json.data.map((run: { scheduledTime: string; trigger: string }) => [run.scheduledTime, run.trigger]).reverse()).toEqual([
      ['2026-11-20T00:00:00Z', 'backfill'],
      ['2026-11-20T01:30:00Z', 'backfill'],
      ['2026-11-20T03:00:00Z', 'backfill'],
      ['2026-11-20T04:30:00Z', 'backfill'],
      ['2026-11-20T06:00:00Z', 'schedule'],
      ['2026-11-20T07:30:00Z', 'schedule'],
    ]);
  });
});

describe('a calendar form (the last Friday of the month)', () => {
  it('previews, is created and fires only on the last Friday', async () => {
    // A week passes in one tick below: the other tests' schedules would fire hundreds of times meanwhile.
    for (const schedule of (await e2e.request('GET', '/v1/schedules?limit=100')).json.data) await e2e.request('DELETE', `/v1/schedules/${schedule.id}`);
    e2e.clock.set(new Date('2026-11-20T10:00:00Z'));
    const preview = await e2e.request('POST', '/v1/schedules/preview', { body: { cronExpression: '0 16 * * 5L', count: 2 } });
    expect(preview.json).toMatchObject({ schedulerExpression: 'cron(0 16 ? * 6L *)', nextRuns: ['2026-11-27T16:00:00Z', '2026-12-25T16:00:00Z'] });
    const created = await e2e.request('POST', '/v1/schedules', {
      body: { name: 'Month end', task: 'close', cronExpression: '0 16 * * 5L', agentId: 'worker', team: false },
    });
    expect(created.json.schedule).toMatchObject({ schedulerExpression: 'cron(0 16 ? * 6L *)', nextRunAt: '2026-11-27T16:00:00Z' });
    const { id } = created.json.schedule;
    e2e.clock.set(new Date('2026-11-27T15:59:00Z'));
    expect((await e2e.server.tick()).filter((event) => event.scheduleId === id)).toEqual([]);
    e2e.clock.set(new Date('2026-11-27T16:00:30Z'));
    expect((await e2e.server.tick()).filter((event) => event.scheduleId === id).map((event) => event.scheduledTime)).toEqual(['2026-11-27T16:00:00Z']);
  });
});
