// Long-running agents over HTTP, end to end: the local server (DynamoDB Local, the real handlers, the in-process runner)
// and a real http agent on 127.0.0.1 that answers 202 Accepted and later POSTs its result to the callbackUrl it was
// given, with its callbackToken — after 20 minutes on the server's injected clock, past the runner's own deadline.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature, SIGNATURE_HEADER } from '#shared/adapters/agents/http-agent.ts';
import { ENV } from '#shared/config.ts';
import { startCallbackAgent } from '../../examples/callback-agent.ts';
import { START, startE2eServer, type E2eServer } from './harness.ts';

let e2e: E2eServer;
let agentServer: Server;
let example: Awaited<ReturnType<typeof startCallbackAgent>>;
/** The example agent's work waits for the test (which moves the server's clock meanwhile). */
let releaseWork: (output: string) => void;
let callbackAnswered: Promise<{ runId: string; status: number }>;
/** What the agent was asked, by run id: its callback, and whether the call was signed by this deployment. */
const received = new Map<string, { callbackUrl: string; callbackToken: string; signed: boolean }>();

beforeAll(async () => {
  e2e = await startE2eServer();
  agentServer = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const payload = JSON.parse(body) as { runId: string; callbackUrl: string; callbackToken: string };
      const signed = verifySignature(
        request.headers[SIGNATURE_HEADER.toLowerCase()] as string,
        body,
        process.env[ENV.signingSecret]!,
        300,
        Math.floor(Date.now() / 1000),
      );
      received.set(payload.runId, { callbackUrl: payload.callbackUrl, callbackToken: payload.callbackToken, signed });
      // Accepted: the work goes on after this answer, and ends with a POST to callbackUrl.
      response.writeHead(202, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status: 'accepted' }));
    });
  });
  await new Promise<void>((ready) => agentServer.listen(0, '127.0.0.1', ready));
  const url = `http://127.0.0.1:${(agentServer.address() as AddressInfo).port}/work`;
  expect((await e2e.request('POST', '/v1/agents', { body: { id: 'slow', name: 'Slow worker', kind: 'http', url } })).status).toBe(201);

  const work = new Promise<string>((resolve) => (releaseWork = resolve));
  let answered: (answer: { runId: string; status: number }) => void;
  callbackAnswered = new Promise((resolve) => (answered = resolve));
  example = await startCallbackAgent({
    signingSecret: process.env[ENV.signingSecret]!,
    work: () => work,
    onCallback: (runId, answer) => answered({ runId, status: answer.status }),
  });
  expect((await e2e.request('POST', '/v1/agents', { body: { id: 'example', name: 'Example', kind: 'http', url: example.url } })).status).toBe(201);
});

afterAll(async () => {
  await example?.close();
  await e2e?.stop();
  agentServer?.closeAllConnections();
  await new Promise<void>((done) => (agentServer ? agentServer.close(() => done()) : done()));
});

/** A schedule of a 202 agent, triggered now: the run once the runner has returned (its agent answered 202). */
async function acceptedRun(timeoutSeconds: number, agentId = 'slow'): Promise<{ scheduleId: string; runId: string; path: string }> {
  e2e.clock.set(START);
  const created = await e2e.request('POST', '/v1/schedules', {
    body: { name: `${agentId} ${timeoutSeconds}`, task: 'Reconcile the ledger', cronExpression: '0 9 * * *', agentId, timeoutSeconds },
  });
  expect(created.status).toBe(201);
  const scheduleId = created.json.schedule.id as string;
  const runId = (await e2e.request('POST', `/v1/schedules/${scheduleId}/trigger`)).json.run.id as string;
  await e2e.server.drain();
  return { scheduleId, runId, path: `/v1/schedules/${scheduleId}/runs/${runId}` };
}

/** The agent's POST to its callbackUrl (on the local server: the path under its URL), with no API key. */
function callBack(runId: string, body: unknown, token = received.get(runId)!.callbackToken) {
  const { callbackUrl } = received.get(runId)!;
  expect(callbackUrl.startsWith(`${e2e.url}/v1/callbacks/`)).toBe(true);
  return e2e.request('POST', callbackUrl.slice(e2e.url.length), { key: token, body });
}

describe('an agent that answers 202 and calls back', () => {
  it('keeps the run running with no runner left, and ends it succeeded through its callback 20 minutes later', async () => {
    const { scheduleId, runId, path } = await acceptedRun(3600);
    expect(received.get(runId)).toMatchObject({ signed: true, callbackToken: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((await e2e.request('GET', path)).json.run).toMatchObject({
      status: 'running',
      acceptedAt: '2026-11-20T00:00:00Z',
      startedAt: '2026-11-20T00:00:00Z',
    });
    expect((await e2e.request('GET', `/v1/schedules/${scheduleId}`)).json.schedule).toMatchObject({ runCount: 0 });

    e2e.clock.set('2026-11-20T00:20:00Z');
    const answer = await callBack(runId, { status: 'succeeded', output: 'Ledger reconciled: 3 differences.', usage: { inputTokens: 900, outputTokens: 40 } });

    expect(answer.status).toBe(200);
    expect(answer.json.run).toMatchObject({ id: runId, status: 'succeeded', durationMs: 20 * 60_000, finishedAt: '2026-11-20T00:20:00Z' });
    expect((await e2e.request('GET', path)).json.run).toMatchObject({
      status: 'succeeded',
      output: 'Ledger reconciled: 3 differences.',
      usage: { inputTokens: 900, outputTokens: 40, totalTokens: 940 },
    });
    expect((await e2e.request('GET', `/v1/schedules/${scheduleId}`)).json.schedule).toMatchObject({
      runCount: 1,
      successCount: 1,
      failureCount: 0,
      lastRunStatus: 'succeeded',
    });
  });

  it('refuses a wrong token (or an API key) with 401 without saying whether the run exists, and a reused token with 409', async () => {
    const { runId, path } = await acceptedRun(3600);
    const wrong = await callBack(runId, { status: 'succeeded', output: 'forged' }, 'f'.repeat(64));
    const apiKey = await callBack(runId, { status: 'succeeded', output: 'forged' }, e2e.server.apiKey);
    const noRun = await e2e.request('POST', '/v1/callbacks/YWNtZQpzY2hlZF9ub25lCnJ1bl9ub25l', { key: 'f'.repeat(64), body: { status: 'succeeded' } });
    for (const refused of [wrong, apiKey, noRun]) {
      expect(refused.status).toBe(401);
      expect(refused.json.error).toMatchObject({ code: 'unauthorized', message: 'Missing or invalid callback token.' });
    }
    expect((await e2e.request('GET', path)).json.run.status).toBe('running');

    e2e.clock.set('2026-11-20T00:05:00Z');
    expect((await callBack(runId, { status: 'failed', error: { message: 'Ledger locked' } })).status).toBe(200);
    const reused = await callBack(runId, { status: 'succeeded', output: 'again' });

    expect(reused.status).toBe(409);
    expect(reused.json.error).toMatchObject({ code: 'run_finished', details: { status: 'failed' } });
    expect((await e2e.request('GET', path)).json.run).toMatchObject({
      status: 'failed',
      output: null,
      error: { message: 'Ledger locked', kind: 'agent_error' },
    });
  });

  it('answers a malformed result with 400 naming the field, and leaves the run running', async () => {
    const { runId, path } = await acceptedRun(3600);
    const bad = await callBack(runId, { status: 'done', error: { message: 'x', kind: 'no_agent' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain('status: must be "succeeded" or "failed"');
    expect(bad.json.error.message).toContain('error.kind');
    expect((await e2e.request('GET', path)).json.run.status).toBe('running');
  });

  it('refuses a callback after the deadline with 409 deadline_passed, and the run ends timed_out', async () => {
    const { scheduleId, runId, path } = await acceptedRun(1800);
    e2e.clock.set('2026-11-20T00:31:00Z');

    const late = await callBack(runId, { status: 'succeeded', output: 'too late' });

    expect(late.status).toBe(409);
    expect(late.json.error).toMatchObject({ code: 'deadline_passed', details: { status: 'timed_out', deadlineAt: '2026-11-20T00:30:00Z' } });
    expect((await e2e.request('GET', path)).json.run).toMatchObject({ status: 'timed_out', output: null, error: { kind: 'timeout' } });
    expect((await e2e.request('GET', `/v1/schedules/${scheduleId}`)).json.schedule).toMatchObject({ runCount: 1, failureCount: 1, lastRunStatus: 'timed_out' });
  });

  it('works with the example agent (examples/callback-agent.ts): it answers 202, works, and its own callback ends the run', async () => {
    const { runId, path } = await acceptedRun(3600, 'example');
    expect((await e2e.request('GET', path)).json.run).toMatchObject({ status: 'running', acceptedAt: '2026-11-20T00:00:00Z' });

    e2e.clock.set('2026-11-20T00:20:00Z');
    releaseWork('Ledger reconciled by the example agent.');

    expect(await callbackAnswered).toEqual({ runId, status: 200 });
    expect((await e2e.request('GET', path)).json.run).toMatchObject({
      status: 'succeeded',
      output: 'Ledger reconciled by the example agent.',
      durationMs: 20 * 60_000,
    });
  });
});
