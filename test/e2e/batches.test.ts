// Batches end to end: the local server (DynamoDB Local, the real handlers, the in-process runner through the local batch
// queue) calling a real http agent on 127.0.0.1 that records how many calls it has in flight. Every item runs once,
// maxConcurrency is never exceeded, counts add up at every poll and progress never goes back; cancel stops new items;
// retry re-runs only failures; another tenant sees 404; bad input stores nothing.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eServer, type E2eServer } from './harness.ts';

let e2e: E2eServer;
let agentServer: Server;
/** Each call's task, and how many calls were in flight when it arrived. */
const calls: Array<{ task: string; runId: string; inFlight: number }> = [];
let inFlight = 0;
/** Tasks answered HTTP 500 the first time they are asked (retry tests). */
const failOnce = new Set<string>();
/** Milliseconds the agent takes per call. */
let delayMs = 5;

beforeAll(async () => {
  agentServer = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      inFlight += 1;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { task: string; runId: string };
      calls.push({ task: body.task, runId: body.runId, inFlight });
      setTimeout(() => {
        inFlight -= 1;
        if (failOnce.delete(body.task)) {
          response.writeHead(500, { 'content-type': 'application/json' });
          response.end('{"error":"flaky"}');
          return;
        }
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ output: `done: ${body.task}` }));
      }, delayMs);
    });
  });
  await new Promise<void>((ready) => agentServer.listen(0, '127.0.0.1', ready));
  const agentUrl = `http://127.0.0.1:${(agentServer.address() as AddressInfo).port}/run`;
  e2e = await startE2eServer();
  const created = await e2e.request('POST', '/v1/agents', { body: { id: 'summariser', name: 'Summariser', kind: 'http', url: agentUrl } });
  expect(created.status).toBe(201);
}, 60_000);

afterAll(async () => {
  await e2e?.stop();
  await new Promise<void>((done) => (agentServer ? agentServer.close(() => done()) : done()));
});

interface BatchView {
  id: string;
  status: string;
  counts: Record<string, number>;
  progressPct: number;
}

const sum = (counts: Record<string, number>) =>
  counts.pending! + counts.running! + counts.succeeded! + counts.failed! + counts.timedOut! + counts.cancelled! + counts.skipped!;

/** Polls the batch until it is final, checking at every poll that counts add up and progress never goes back. */
async function untilFinal(id: string, options: { onPoll?: (batch: BatchView) => void; everyMs?: number; polls?: number } = {}): Promise<BatchView> {
  const { onPoll, everyMs = 20, polls = 2_000 } = options;
  let progress = 0;
  for (let poll = 0; poll < polls; poll += 1) {
    const response = await e2e.request('GET', `/v1/batches/${id}`);
    expect(response.status).toBe(200);
    const batch = response.json.batch as BatchView;
    expect(sum(batch.counts), JSON.stringify(batch.counts)).toBe(batch.counts.total);
    expect(batch.progressPct).toBeGreaterThanOrEqual(progress);
    progress = batch.progressPct;
    onPoll?.(batch);
    if (!['queued', 'running'].includes(batch.status)) return batch;
    await new Promise((wait) => setTimeout(wait, everyMs));
  }
  throw new Error(`batch ${id} did not finish`);
}

async function create(body: Record<string, unknown>): Promise<BatchView> {
  const response = await e2e.request('POST', '/v1/batches', { body: { name: 'accounts', agentId: 'summariser', ...body } });
  expect(response.status, response.text).toBe(202);
  return response.json.batch as BatchView;
}

describe('a batch', () => {
  it(
    'runs 10,000 items each exactly once, never more than maxConcurrency at a time, and lists items and results',
    async () => {
      calls.length = 0;
      const total = 10_000;
      const items = Array.from({ length: total }, (_, index) => ({ account: `acct-${index}` }));
      const batch = await create({ task: 'Summarise the week of {{item.account}}', items, maxConcurrency: 50 });
      let polls = 0;
      const final = await untilFinal(batch.id, {
        everyMs: 250,
        polls: 20_000,
        onPoll: () => {
          polls += 1;
        },
      });
      expect(polls).toBeGreaterThan(10);
      expect(final.status).toBe('succeeded');
      expect(final.progressPct).toBe(100);
      expect(final.counts).toMatchObject({ total, succeeded: total, pending: 0, running: 0 });
      expect(calls).toHaveLength(total);
      expect(new Set(calls.map((call) => call.task)).size).toBe(total);
      expect(Math.max(...calls.map((call) => call.inFlight))).toBeLessThanOrEqual(50);

      const page = await e2e.request('GET', `/v1/batches/${batch.id}/items?limit=5`);
      expect(page.status).toBe(200);
      expect(page.json.data).toHaveLength(5);
      expect(page.json.data[0]).toMatchObject({ index: 0, status: 'succeeded' });
      const results = await e2e.request('GET', `/v1/batches/${batch.id}/results?limit=1000`);
      expect(results.status).toBe(200);
      expect(results.headers.get('content-type')).toMatch(/application\/x-ndjson/);
      const lines = results.text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(lines).toHaveLength(1000);
      expect(results.headers.get('x-next-after')).toBe('999');
      expect(lines[3]).toMatchObject({ index: 3, status: 'succeeded', output: 'done: Summarise the week of acct-3' });

      // Agent Manager's path lists it too.
      const listed = await e2e.request('GET', '/api/v1/schedules/batches');
      expect(listed.status).toBe(200);
      expect(listed.json.data.map((view: BatchView) => view.id)).toContain(batch.id);
    },
    20 * 60_000,
  );

  it('retry re-runs only the failed items, as new attempts', async () => {
    calls.length = 0;
    const items = Array.from({ length: 20 }, (_, index) => `item-${index}`);
    for (const index of [2, 5, 11]) failOnce.add(`Check ${items[index]}`);
    const batch = await create({ task: 'Check {{item}}', items, maxConcurrency: 4 });
    const first = await untilFinal(batch.id);
    expect(first.status).toBe('partially_failed');
    expect(first.counts).toMatchObject({ succeeded: 17, failed: 3 });
    const failed = await e2e.request('GET', `/v1/batches/${batch.id}/items?status=failed`);
    expect(failed.json.data.map((item: { index: number }) => item.index)).toEqual([2, 5, 11]);

    calls.length = 0;
    const retried = await e2e.request('POST', `/v1/batches/${batch.id}/retry`);
    expect(retried.status, retried.text).toBe(202);
    const second = await untilFinal(batch.id);
    expect(second.status).toBe('succeeded');
    expect(second.counts).toMatchObject({ total: 20, succeeded: 20, failed: 0 });
    expect(calls.map((call) => call.task).sort()).toEqual(['Check item-11', 'Check item-2', 'Check item-5']);
    expect(calls.every((call) => call.runId.length > 0)).toBe(true);
  }, 60_000);

  it('cancel: no item starts after it returns; the rest end cancelled and the counts still add up', async () => {
    calls.length = 0;
    delayMs = 30;
    try {
      const items = Array.from({ length: 200 }, (_, index) => `n${index}`);
      const batch = await create({ task: 'Slow {{item}}', items, maxConcurrency: 5 });
      for (let poll = 0; poll < 500 && calls.length < 60; poll += 1) await new Promise((wait) => setTimeout(wait, 10));
      const cancelled = await e2e.request('POST', `/v1/batches/${batch.id}/cancel`);
      expect(cancelled.status, cancelled.text).toBe(200);
      const startedBefore = calls.length;
      await new Promise((wait) => setTimeout(wait, 2_000));
      // Items already claimed when the cancel returned may still reach the agent: at most maxConcurrency of them.
      expect(calls.length - startedBefore).toBeLessThanOrEqual(5);
      const final = await untilFinal(batch.id);
      expect(final.status).toBe('cancelled');
      expect(final.counts.cancelled).toBeGreaterThan(100);
      expect(final.counts.succeeded).toBe(calls.length);
    } finally {
      delayMs = 5;
    }
  }, 60_000);
});

describe('Idempotency-Key', () => {
  it('answers a retried create with the same batch, run once; another body with the same key is a 409', async () => {
    calls.length = 0;
    const body = { name: 'accounts', agentId: 'summariser', task: 'Idempotent {{item}}', items: ['a', 'b', 'c'] };
    const headers = { 'Idempotency-Key': 'weekly-accounts-2026-12-07' };
    const first = await e2e.request('POST', '/v1/batches', { body, headers });
    expect(first.status, first.text).toBe(202);
    const again = await e2e.request('POST', '/v1/batches', { body, headers });
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.json.batch.id).toBe(first.json.batch.id);
    await untilFinal(first.json.batch.id);
    expect(calls.filter((call) => call.task.startsWith('Idempotent'))).toHaveLength(3);
    const other = await e2e.request('POST', '/v1/batches', { body: { ...body, items: ['d'] }, headers });
    expect(other.status).toBe(409);
    expect(other.json.error.details.field).toBe('Idempotency-Key');
  });
});

describe('tenancy and bad input', () => {
  it("another tenant's batch answers 404 on every route", async () => {
    const batch = await create({ task: 'Mine {{item}}', items: ['a'], maxConcurrency: 1 });
    await untilFinal(batch.id);
    const { apiKey } = await e2e.createKey({ tenantId: 'globex', userId: 'mallory' });
    const routes: Array<[string, string, unknown?]> = [
      ['GET', `/v1/batches/${batch.id}`],
      ['GET', `/v1/batches/${batch.id}/items`],
      ['GET', `/v1/batches/${batch.id}/results`],
      ['PATCH', `/v1/batches/${batch.id}`, { maxConcurrency: 2 }],
      ['POST', `/v1/batches/${batch.id}/items`, { items: ['b'] }],
      ['POST', `/v1/batches/${batch.id}/start`],
      ['POST', `/v1/batches/${batch.id}/cancel`],
      ['POST', `/v1/batches/${batch.id}/retry`],
    ];
    for (const [method, path, body] of routes) {
      const response = await e2e.request(method, path, { key: apiKey, ...(body === undefined ? {} : { body }) });
      expect(response.status, `${method} ${path}: ${response.text}`).toBe(404);
    }
    const listed = await e2e.request('GET', '/v1/batches', { key: apiKey });
    expect(listed.json.data).toEqual([]);
  });

  it('refuses bad items with a 400 or 413 that says what is wrong, and stores nothing', async () => {
    const { apiKey } = await e2e.createKey({ tenantId: 'initech', userId: 'peter' });
    const post = (body: unknown) => e2e.request('POST', '/v1/batches', { key: apiKey, body: { name: 'b', agentId: 'summariser', ...(body as object) } });
    const missing = await post({ task: 'Hi {{item.name}}', items: [{ name: 'a' }, { nom: 'b' }] });
    expect(missing.status).toBe(400);
    expect(missing.text).toMatch(/items\[1\]/);
    expect(missing.text).toMatch(/name/);
    const tooMany = await post({ task: 'x {{item}}', items: Array.from({ length: 10_001 }, (_, index) => index.toString()) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.text).toMatch(/10000|10,000/);
    const wrongType = await post({ task: 'x {{item}}', items: 'not a list' });
    expect(wrongType.status).toBe(400);
    expect(wrongType.text).toMatch(/items/);
    const huge = await e2e.request('POST', '/v1/batches', {
      key: apiKey,
      rawBody: JSON.stringify({ name: 'b', agentId: 'summariser', task: '{{item}}', items: ['x'.repeat(6 * 1024 * 1024)] }),
      headers: { 'content-type': 'application/json' },
    });
    expect(huge.status).toBe(413);
    const listed = await e2e.request('GET', '/v1/batches', { key: apiKey });
    expect(listed.json.data).toEqual([]);
  });
});

describe('a scheduled batch', () => {
  it('fires once per occurrence, listed under its schedule, and its run ends with the batch', async () => {
    e2e.clock.set('2026-11-21T08:59:30Z');
    const created = await e2e.request('POST', '/v1/schedules', {
      body: {
        name: 'daily accounts',
        task: 'Daily {{item}}',
        cronExpression: '0 9 * * *',
        agentId: 'summariser',
        batch: { items: ['x', 'y', 'z'], maxConcurrency: 2 },
      },
    });
    expect(created.status, created.text).toBe(201);
    const scheduleId = created.json.schedule.id as string;
    expect(created.json.schedule.batch).toEqual({ items: ['x', 'y', 'z'], maxConcurrency: 2 });
    e2e.clock.set('2026-11-21T09:00:00Z');
    expect(await e2e.server.tick()).toHaveLength(1);
    expect(await e2e.server.tick()).toEqual([]);
    const listed = await e2e.request('GET', `/v1/schedules/${scheduleId}/batches`);
    expect(listed.status).toBe(200);
    expect(listed.json.data).toHaveLength(1);
    const final = await untilFinal(listed.json.data[0].id);
    expect(final).toMatchObject({ status: 'succeeded', counts: { total: 3, succeeded: 3 } });
    let schedule: { runCount: number; successCount: number; lastRunStatus: string } | undefined;
    for (let poll = 0; poll < 100; poll += 1) {
      schedule = (await e2e.request('GET', `/v1/schedules/${scheduleId}`)).json.schedule;
      if (schedule?.runCount === 1) break;
      await new Promise((wait) => setTimeout(wait, 20));
    }
    expect(schedule).toMatchObject({ runCount: 1, successCount: 1, lastRunStatus: 'succeeded' });
  }, 60_000);
});
