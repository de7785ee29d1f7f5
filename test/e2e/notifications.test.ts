// Notifications end to end: the local server (DynamoDB Local, the real handlers, the in-process runner and notification
// queue) and loopback webhook receivers — a failing run's webhook POSTed once with a valid signature and its event id,
// a receiver answering 500 retried with backoff on the injected clock and then shown failed with its response code,
// the run itself as it would be without notifications, the Slack body, the tenant default, and another tenant's 404.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifySignature } from '#shared/adapters/agents/http-agent.ts';
import { ENV } from '#shared/config.ts';
import { startE2eServer, type E2eServer } from './harness.ts';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: any;
}

let e2e: E2eServer;
let agentServer: Server;
let receiver: Server;
let hooks: string;
const received: Received[] = [];

beforeAll(async () => {
  agentServer = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const fails = request.url === '/fail';
      response.writeHead(fails ? 500 : 200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(fails ? { error: 'agent broke' } : { output: 'done' }));
    });
  });
  // /broken (whatever its query) always answers 500; every other path 200.
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ path: request.url ?? '', headers: request.headers, body, json: JSON.parse(body) });
      const broken = request.url?.split('?')[0] === '/broken';
      response.writeHead(broken ? 500 : 200, { 'content-type': 'text/plain' });
      response.end(broken ? 'receiver is down' : 'ok');
    });
  });
  await Promise.all([agentServer, receiver].map((server) => new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready))));
  const agentUrl = `http://127.0.0.1:${(agentServer.address() as AddressInfo).port}`;
  hooks = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  e2e = await startE2eServer();
  for (const id of ['ok', 'fail'])
    expect((await e2e.request('POST', '/v1/agents', { body: { id, name: id, kind: 'http', url: `${agentUrl}/${id}` } })).status).toBe(201);
});

afterAll(async () => {
  await e2e?.stop();
  for (const server of [agentServer, receiver]) {
    server?.closeAllConnections();
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  }
});

const at = (path: string) => received.filter((request) => request.path === path);
const settle = () => new Promise((resolve) => setTimeout(resolve, 400));

async function schedule(agentId: string, notify?: unknown): Promise<string> {
  const body = { name: `${agentId} job`, task: 'Work', cronExpression: '0 9 * * *', agentId, ...(notify === undefined ? {} : { notify }) };
  const created = await e2e.request('POST', '/v1/schedules', { body });
  expect(created.status, created.text).toBe(201);
  return created.json.schedule.id as string;
}

/** Triggers the schedule, waits for its run to end, and returns the run and the schedule as they are then. */
async function runOnce(id: string): Promise<{ run: any; schedule: any }> {
  const triggered = await e2e.request('POST', `/v1/schedules/${id}/trigger`);
  expect(triggered.status).toBe(202);
  await e2e.server.drain();
  const run = (await e2e.request('GET', `/v1/schedules/${id}/runs/${triggered.json.run.id}`)).json.run;
  return { run, schedule: (await e2e.request('GET', `/v1/schedules/${id}`)).json.schedule };
}

async function deliveries(id: string, key?: string): Promise<any[]> {
  const listed = await e2e.request('GET', `/v1/schedules/${id}/notifications`, key === undefined ? {} : { key });
  expect(listed.status, listed.text).toBe(200);
  return listed.json.data;
}

/** The run and counters a client sees, without what differs between any two runs. */
const outcomeOf = ({ run, schedule: current }: { run: any; schedule: any }) => ({
  status: run.status,
  error: run.error,
  output: run.output,
  counts: [current.runCount, current.successCount, current.failureCount, current.consecutiveFailures, current.lastRunStatus],
});

describe('a failing run', () => {
  it('POSTs its webhook exactly once, signed, with its event id, and the run ends exactly as without notifications', async () => {
    // Prepare
    const notified = await schedule('fail', [{ on: ['run.failed', 'run.succeeded'], url: `${hooks}/hook` }]);
    const silent = await schedule('fail');

    // Act
    const withNotify = await runOnce(notified);
    const without = await runOnce(silent);
    await vi.waitFor(() => expect(at('/hook')).toHaveLength(1), { timeout: 5000, interval: 20 });
    await settle();

    // Assess
    expect(outcomeOf(withNotify)).toEqual(outcomeOf(without));
    expect(withNotify.run.status).toBe('failed');
    const posts = at('/hook');
    expect(posts).toHaveLength(1);
    const [post] = posts;
    const eventId = `run.failed:${withNotify.run.id}`;
    expect(post!.headers['x-agent-schedules-event-id']).toBe(eventId);
    const secret = process.env[ENV.signingSecret]!;
    const now = e2e.clock.now().getTime() / 1000;
    expect(verifySignature(post!.headers['x-agent-schedules-signature'] as string, post!.body, secret, 300, now)).toBe(true);
    expect(post!.json).toMatchObject({
      id: eventId,
      event: 'run.failed',
      schedule: { id: notified, name: 'fail job' },
      run: { id: withNotify.run.id, status: 'failed', trigger: 'manual', error: { kind: 'http_status' } },
    });
    expect(post!.json.link).toMatch(new RegExp(`/v1/schedules/${notified}/runs/${withNotify.run.id}$`));
    expect(await deliveries(notified)).toMatchObject([
      { eventId, event: 'run.failed', status: 'delivered', attempts: 1, lastResponseCode: 200, url: `${hooks}/hook` },
    ]);
  });
});

describe('a webhook answering 500', () => {
  it('is retried with backoff as the clock moves, then recorded failed with its response code, while the run succeeded', async () => {
    // Prepare
    const id = await schedule('ok', [{ on: ['run.succeeded'], url: `${hooks}/broken?token=hidden` }]);

    // Act: each retry falls due when the clock reaches the nextAttemptAt the log shows, not a moment before.
    const { run, schedule: after } = await runOnce(id);
    const pending: any[] = [];
    let beforeBackoff = 0;
    for (let attempt = 1; attempt < 5; attempt += 1) {
      const entry = await vi.waitFor(
        async () => {
          const [latest] = await deliveries(id);
          expect(latest?.attempts).toBe(attempt);
          return latest;
        },
        { timeout: 5000, interval: 20 },
      );
      pending.push(entry);
      if (attempt === 1) {
        await settle();
        beforeBackoff = at('/broken?token=hidden').length;
      }
      e2e.clock.set(entry.nextAttemptAt);
      await vi.waitFor(() => expect(at('/broken?token=hidden')).toHaveLength(attempt + 1), { timeout: 5000, interval: 20 });
    }
    const final = await vi.waitFor(
      async () => {
        const [entry] = await deliveries(id);
        expect(entry?.status).toBe('failed');
        return entry;
      },
      { timeout: 5000, interval: 20 },
    );
    e2e.clock.set(new Date(e2e.clock.now().getTime() + 3_600_000));
    await settle();

    // Assess
    expect(run).toMatchObject({ status: 'succeeded', output: 'done', error: null });
    expect(after).toMatchObject({ lastRunStatus: 'succeeded', successCount: 1, failureCount: 0, consecutiveFailures: 0 });
    expect(pending[0]).toMatchObject({ status: 'pending', lastResponseCode: 500, lastError: 'The webhook answered HTTP 500: receiver is down' });
    expect(pending.map((entry) => (Date.parse(entry.nextAttemptAt) - Date.parse(entry.updatedAt)) / 1000)).toEqual([30, 60, 120, 240]);
    expect(beforeBackoff).toBe(1);
    expect(final).toMatchObject({
      event: 'run.succeeded',
      eventId: `run.succeeded:${run.id}`,
      url: `${hooks}/broken`,
      status: 'failed',
      attempts: 5,
      lastResponseCode: 500,
      nextAttemptAt: null,
    });
    const posts = at('/broken?token=hidden');
    expect(posts).toHaveLength(5);
    expect(posts.map((post) => post.headers['x-agent-schedules-delivery-attempt'])).toEqual(['1', '2', '3', '4', '5']);
    expect(new Set(posts.map((post) => post.headers['x-agent-schedules-event-id']))).toEqual(new Set([`run.succeeded:${run.id}`]));
    expect((await e2e.request('GET', `/v1/schedules/${id}/runs/${run.id}`)).json.run).toMatchObject({ status: 'succeeded' });
  });
});

describe('formats and defaults', () => {
  it('sends a Slack-compatible body: only a text line naming the schedule, with the link', async () => {
    // Prepare
    const id = await schedule('ok', [{ on: ['run.succeeded'], url: `${hooks}/slack`, format: 'slack' }]);

    // Act
    const { run } = await runOnce(id);
    await vi.waitFor(() => expect(at('/slack')).toHaveLength(1), { timeout: 5000, interval: 20 });

    // Assess
    const [post] = at('/slack');
    expect(Object.keys(post!.json)).toEqual(['text']);
    expect(post!.json.text).toMatch(/^\*Run succeeded\* — schedule "ok job"/);
    expect(post!.json.text).toContain(`/v1/schedules/${id}/runs/${run.id}`);
  });

  it('uses the tenant default for a schedule without notify, set and read through /v1/notification-settings', async () => {
    // Prepare
    const notify = [{ on: ['run.failed'], url: `${hooks}/default` }];
    const refused = await e2e.request('PUT', '/v1/notification-settings', { body: { notify: [{ on: ['run.exploded'], url: 'ftp://x' }] } });
    const put = await e2e.request('PUT', '/v1/notification-settings', { body: { notify } });
    const read = await e2e.request('GET', '/v1/notification-settings');
    const id = await schedule('fail');

    // Act
    const { run } = await runOnce(id);
    await vi.waitFor(() => expect(at('/default')).toHaveLength(1), { timeout: 5000, interval: 20 });
    await e2e.request('PUT', '/v1/notification-settings', { body: { notify: [] } });

    // Assess
    expect(refused.status).toBe(400);
    expect(put.status).toBe(200);
    expect(read.json).toEqual({ object: 'notification_settings', notify: [{ ...notify[0], format: 'json' }] });
    expect(at('/default')[0]!.json).toMatchObject({ event: 'run.failed', run: { id: run.id } });
  });
});

describe('the delivery log', () => {
  it('shows schedule.missed deliveries, and answers 404 for another tenant’s schedule', async () => {
    // Prepare
    const id = await schedule('ok', [{ on: ['schedule.missed'], url: `${hooks}/missed` }]);
    const other = await e2e.createKey({ tenantId: 'other-tenant', userId: 'mallory' });
    const { notifyMissed } = await import('#shared/use-cases/notifications.ts');
    const { notifyDeps } = await import('#shared/composition/notifications.ts');
    const { scheduleStore } = await import('#shared/composition/stores.ts');
    const stored = (await scheduleStore().get('local', id))!;
    const missedRun = {
      ...(await import('#shared/domain/run.ts')).makeRun({
        tenantId: 'local',
        id: 'run_20261120T090000Z_abcdefabcdef',
        scheduleId: id,
        userId: 'local',
        trigger: 'schedule',
        status: 'skipped',
        expiresAt: 0,
      }),
      reason: 'missed' as const,
      scheduledTime: '2026-11-20T09:00:00Z',
      finishedAt: '2026-11-20T09:10:01Z',
    };

    // Act
    await notifyMissed(await notifyDeps(), stored, missedRun);
    await vi.waitFor(() => expect(at('/missed')).toHaveLength(1), { timeout: 5000, interval: 20 });
    const listed = await vi.waitFor(
      async () => {
        const entries = await deliveries(id);
        expect(entries).toHaveLength(1);
        return entries;
      },
      { timeout: 5000, interval: 20 },
    );
    const fromOtherTenant = await e2e.request('GET', `/v1/schedules/${id}/notifications`, { key: other.apiKey });
    const badLimit = await e2e.request('GET', `/v1/schedules/${id}/notifications?limit=0`);

    // Assess
    expect(at('/missed')[0]!.json).toMatchObject({ id: `schedule.missed:${missedRun.id}`, event: 'schedule.missed', run: { status: 'skipped' } });
    expect(listed).toMatchObject([{ object: 'notification_delivery', event: 'schedule.missed', status: 'delivered', lastResponseCode: 200, scheduleId: id }]);
    expect(fromOtherTenant.status).toBe(404);
    expect(fromOtherTenant.json.error.code).toBe('not_found');
    expect(badLimit.status).toBe(400);
  });
});
