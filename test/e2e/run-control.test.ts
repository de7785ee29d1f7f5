// Run control over HTTP, end to end: the local server (DynamoDB Local, the real handlers, the in-process runner) and a
// real http agent on 127.0.0.1 — cancelling a running call (the agent sees its connection closed within the runner's
// 3-second cancel check), cancelling a finished run (409), idempotent triggers, and retries of a 503.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eServer, type E2eServer } from './harness.ts';

let e2e: E2eServer;
let agentServer: Server;
/** Resolves when the agent's /slow connection is closed by the runner. */
let slowClosed: Promise<number>;
let markSlowClosed: (at: number) => void;
let flakyCalls = 0;

beforeAll(async () => {
  slowClosed = new Promise((resolve) => (markSlowClosed = resolve));
  agentServer = createServer((request, response) => {
    request.resume();
    if (request.url === '/slow') {
      // Never answers: the run ends only when it is cancelled (the runner aborts the call).
      response.on('close', () => markSlowClosed(Date.now()));
      return;
    }
    if (request.url === '/flaky') flakyCalls += 1;
    if (request.url === '/flaky' && flakyCalls === 1) {
      response.writeHead(503, { 'content-type': 'text/plain' });
      response.end('busy, try again');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ output: 'done' }));
  });
  await new Promise<void>((ready) => agentServer.listen(0, '127.0.0.1', ready));
  const agentUrl = `http://127.0.0.1:${(agentServer.address() as AddressInfo).port}`;
  e2e = await startE2eServer();
  for (const id of ['slow', 'flaky', 'ok']) {
    const created = await e2e.request('POST', '/v1/agents', { body: { id, name: id, kind: 'http', url: `${agentUrl}/${id}` } });
    expect(created.status).toBe(201);
  }
});

afterAll(async () => {
  await e2e?.stop();
  agentServer?.closeAllConnections();
  await new Promise<void>((done) => (agentServer ? agentServer.close(() => done()) : done()));
});

async function schedule(agentId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const created = await e2e.request('POST', '/v1/schedules', {
    body: { name: `${agentId} job`, task: 'Work', cronExpression: '0 9 * * *', agentId, ...extra },
  });
  expect(created.status).toBe(201);
  return created.json.schedule.id as string;
}

async function waitForStatus(path: string, status: string): Promise<any> {
  for (let tries = 0; tries < 100; tries += 1) {
    const run = (await e2e.request('GET', path)).json.run;
    if (run.status === status) return run;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${path} never became ${status}`);
}

describe('cancel over HTTP', () => {
  it('a running run ends cancelled at once, and its agent call is aborted within seconds', async () => {
    const id = await schedule('slow');
    const runId = (await e2e.request('POST', `/v1/schedules/${id}/trigger`)).json.run.id as string;
    await waitForStatus(`/v1/schedules/${id}/runs/${runId}`, 'running');

    const cancelledAt = Date.now();
    const cancelled = await e2e.request('POST', `/v1/schedules/${id}/runs/${runId}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.json.run).toMatchObject({ id: runId, status: 'cancelled', error: null });
    expect(cancelled.json.run.cancelledAt).toEqual(expect.any(String));

    const closedAt = await slowClosed;
    expect(closedAt - cancelledAt).toBeLessThan(5_000);
    await e2e.server.drain();
    expect((await e2e.request('GET', `/v1/schedules/${id}/runs/${runId}`)).json.run.status).toBe('cancelled');
    expect((await e2e.request('GET', `/v1/schedules/${id}`)).json.schedule).toMatchObject({
      runCount: 1,
      cancelledCount: 1,
      successCount: 0,
      failureCount: 0,
      lastRunStatus: 'cancelled',
    });
  });

  it('a finished run answers 409 run_finished naming its status; an unknown run 404', async () => {
    const id = await schedule('ok');
    const runId = (await e2e.request('POST', `/v1/schedules/${id}/trigger`)).json.run.id as string;
    await e2e.server.drain();
    const refused = await e2e.request('POST', `/v1/schedules/${id}/runs/${runId}/cancel`);
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({ code: 'run_finished', details: { status: 'succeeded' } });
    expect(refused.json.error.message).toContain('succeeded');
    expect((await e2e.request('POST', `/v1/runs/run_20261120T000000Z_aaaaaaaaaaaa/cancel`)).status).toBe(404);
  });
});

describe('Idempotency-Key on triggers', () => {
  it('20 concurrent triggers with one key make one run; a reused key with another body is a 409', async () => {
    const id = await schedule('ok');
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => e2e.request('POST', `/v1/schedules/${id}/trigger`, { headers: { 'Idempotency-Key': 'deploy-2026-12-03' } })),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(202));
    expect(new Set(answers.map((answer) => answer.json.run.id)).size).toBe(1);
    expect(answers.filter((answer) => answer.headers.get('idempotent-replayed') === 'true')).toHaveLength(19);
    await e2e.server.drain();
    expect((await e2e.request('GET', `/v1/schedules/${id}/runs`)).json.data).toHaveLength(1);

    const other = await e2e.request('POST', '/v1/runs', { body: { task: 'Else', agentId: 'ok' }, headers: { 'Idempotency-Key': 'deploy-2026-12-03' } });
    expect(other.status).toBe(409);
    expect(other.json.error.details).toMatchObject({ field: 'Idempotency-Key' });
  });
});

describe('retries', () => {
  it('a 503 is retried after the backoff and the run succeeds on its second attempt', async () => {
    const id = await schedule('flaky', { retry: { maxAttempts: 2, backoffSeconds: 1 } });
    expect((await e2e.request('GET', `/v1/schedules/${id}`)).json.schedule.retry).toEqual({ maxAttempts: 2, backoffSeconds: 1 });
    const runId = (await e2e.request('POST', `/v1/schedules/${id}/trigger`)).json.run.id as string;
    await e2e.server.drain();
    const run = (await e2e.request('GET', `/v1/schedules/${id}/runs/${runId}`)).json.run;
    expect(run).toMatchObject({ status: 'succeeded', output: 'done' });
    expect(run.attempts).toHaveLength(2);
    expect(run.attempts[0].error).toMatchObject({ kind: 'http_status' });
    expect(run.attempts[0].error.message).toContain('503');
    expect(run.attempts[1].error).toBeNull();
    expect(flakyCalls).toBe(2);
  });
});
