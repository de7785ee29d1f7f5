// The SDK as a user runs it: README's quick start (examples/sdk-quickstart.ts, compiled by `tsc` against the generated
// types) in its own process against the local server; then the SDK's paging, idempotency and errors in-process.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentSchedulesError, createClient, type AgentSchedulesClient } from '../../client/index.ts';
import { rejectionOf } from '../support/rejections.ts';
import { startE2eServer, type E2eServer } from './harness.ts';

let e2e: E2eServer;
let agent: Server;
let client: AgentSchedulesClient;
const previousDefault = process.env.DEFAULT_AGENT_ID;

beforeAll(async () => {
  agent = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { task } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { task: string };
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ output: `summary of: ${task}` }));
    });
  });
  await new Promise<void>((ready) => agent.listen(0, '127.0.0.1', ready));
  // The quick start names no agent: the deployment's default agent runs it.
  process.env.DEFAULT_AGENT_ID = 'summariser';
  e2e = await startE2eServer();
  const url = `http://127.0.0.1:${(agent.address() as AddressInfo).port}/`;
  expect((await e2e.request('POST', '/v1/agents', { body: { id: 'summariser', name: 'Summariser', kind: 'http', url } })).status).toBe(201);
  client = createClient({ baseUrl: e2e.url, apiKey: e2e.server.apiKey });
}, 120_000);

afterAll(async () => {
  if (previousDefault === undefined) delete process.env.DEFAULT_AGENT_ID;
  else process.env.DEFAULT_AGENT_ID = previousDefault;
  await e2e?.stop();
  await new Promise<void>((done) => (agent ? agent.close(() => done()) : done()));
});

describe('README quick start (examples/sdk-quickstart.ts)', () => {
  it('creates, lists, triggers and reads the run’s output; a refused request carries field, hint and request id', async () => {
    const { stdout } = await promisify(execFile)(join(process.cwd(), 'node_modules', '.bin', 'tsx'), ['examples/sdk-quickstart.ts'], {
      env: { PATH: process.env.PATH, AGENT_SCHEDULES_URL: e2e.url, AGENT_SCHEDULES_API_KEY: e2e.server.apiKey },
      timeout: 60_000,
    });
    const lines = stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const id = lines[0].created as string;
    expect(lines).toEqual([
      { created: id, cadence: 'At 09:00, Monday through Friday (America/New_York)', nextRunAt: '2026-11-20T14:00:00Z' },
      { listed: 'Daily sales summary' },
      { run: expect.any(String), status: 'succeeded', output: "summary of: Summarise yesterday's sales" },
      { refused: 400, field: 'cronExpression', hint: expect.any(String), requestId: expect.any(String) },
      { deleted: id },
    ]);
  });
});

describe('SDK', () => {
  it('iterates every page of a list', async () => {
    const names = Array.from({ length: 25 }, (_, index) => `Paged ${String(index).padStart(2, '0')}`);
    for (const name of names) await client.schedules.create({ name, task: 't', cronExpression: '0 9 * * *' });
    const seen: string[] = [];
    for await (const schedule of client.schedules.list({ limit: 10 })) seen.push(schedule.name);
    expect(seen).toEqual(names);
  });

  it('sends the Idempotency-Key: a retry answers with the same schedule', async () => {
    const input = { name: 'Once', task: 't', cronExpression: '0 8 * * *' };
    const first = await client.schedules.create(input, { idempotencyKey: 'once-1' });
    const again = await client.schedules.create(input, { idempotencyKey: 'once-1' });
    expect(again.id).toBe(first.id);
    const conflict = await rejectionOf(client.schedules.create({ ...input, task: 'other' }, { idempotencyKey: 'once-1' }), AgentSchedulesError);
    expect(conflict).toMatchObject({ status: 409, code: expect.any(String) });
  });

  it('throws not_found for another tenant’s or a missing id, with the request id the API sent', async () => {
    const missing = await rejectionOf(client.schedules.get('sched_does_not_exist'), AgentSchedulesError);
    expect(missing).toMatchObject({ status: 404, code: 'not_found', requestId: expect.stringMatching(/\S+/) });
  });

  it('throws unauthorized for a wrong key and network for an API that is not there', async () => {
    const wrongKey = await rejectionOf(createClient({ baseUrl: e2e.url, apiKey: 'nope' }).schedules.get('x'), AgentSchedulesError);
    expect(wrongKey).toMatchObject({ status: 401, code: 'unauthorized' });
    const down = await rejectionOf(createClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'k' }).health(), AgentSchedulesError);
    expect(down).toMatchObject({ status: 0, code: 'network', message: expect.stringContaining('http://127.0.0.1:9') });
  });
});
