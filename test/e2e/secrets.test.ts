// Secret isolation end to end: every way a tenant could make a run hand over the service's keys, another tenant's
// secrets or the runner's credentials is refused; tenant secrets stored through the API reach only their own agents.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#shared/adapters/dynamodb/client.ts';
import { DynamoAgentStore } from '#shared/adapters/dynamodb/agent-store.ts';
import { ENV } from '#shared/config.ts';
import { startE2eServer, type E2eServer } from './harness.ts';

let e2e: E2eServer;
let acme: string;
let globex: string;
let agentServer: Server;
let agentUrl: string;
const calls: Array<{ headers: IncomingHttpHeaders; body: string }> = [];

const OPENAI_KEY = 'sk-acme-0123456789abcdef';
const GLOBEX_KEY = 'sk-globex-fedcba9876543210';

beforeAll(async () => {
  agentServer = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      calls.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ output: 'ok' }));
    });
  });
  await new Promise<void>((ready) => agentServer.listen(0, '127.0.0.1', ready));
  agentUrl = `http://127.0.0.1:${(agentServer.address() as AddressInfo).port}/agent`;
  e2e = await startE2eServer();
  acme = (await e2e.createKey({ tenantId: 'acme', userId: 'alice' })).apiKey;
  globex = (await e2e.createKey({ tenantId: 'globex', userId: 'bob' })).apiKey;
});

afterAll(async () => {
  await e2e?.stop();
  await new Promise<void>((done) => (agentServer ? agentServer.close(() => done()) : done()));
});

/** Creates a schedule on the agent, triggers it and returns the finished run. */
async function runOnce(key: string, agentId: string): Promise<any> {
  const schedule = await e2e.request('POST', '/v1/schedules', { key, body: { task: 'Summarise', cronExpression: '0 9 * * *', agentId } });
  expect(schedule.status).toBe(201);
  const triggered = await e2e.request('POST', `/v1/schedules/${schedule.json.schedule.id}/trigger`, { key });
  expect(triggered.status).toBe(202);
  await e2e.server.drain();
  const run = await e2e.request('GET', `/v1/schedules/${schedule.json.schedule.id}/runs/${triggered.json.run.id}`, { key });
  expect(run.status).toBe(200);
  return run.json.run;
}

describe('secret references a tenant may not use', () => {
  const refused: Array<[string, string]> = [
    ['the admin key in the server environment', `env:${ENV.adminKey}`],
    ['the signing secret in the server environment', `env:${ENV.signingSecret}`],
    ['the runner role credentials', 'env:AWS_SECRET_ACCESS_KEY'],
    ['the runner role session token', 'env:AWS_SESSION_TOKEN'],
    ['an environment variable nobody allow-listed', 'env:HOME'],
    ['another tenant secret under the shared prefix', 'arn:aws:secretsmanager:us-east-1:111122223333:secret:agent-schedules/local/agents/globex/openai-AbCdEf'],
    ['a secret outside the agent prefix', 'arn:aws:secretsmanager:us-east-1:111122223333:secret:prod/database-AbCdEf'],
    ['the bare tenant prefix', 'arn:aws:secretsmanager:us-east-1:111122223333:secret:agent-schedules/local/agents/acme/'],
  ];

  it.each(refused)('refuses %s with a 400 naming secretRef, and stores nothing', async (_what, secretRef) => {
    const response = await e2e.request('POST', '/v1/agents', { key: acme, body: { id: 'thief', name: 'Thief', kind: 'http', url: agentUrl, secretRef } });
    expect(response.status).toBe(400);
    expect(response.json.error.details.field).toBe('secretRef');
    expect(response.json.error.details.hint).toContain('PUT /v1/secrets');
    expect((await e2e.request('GET', '/v1/agents/thief', { key: acme })).status).toBe(404);
  });

  it('refuses the same references on PATCH and PUT of an existing agent', async () => {
    expect((await e2e.request('POST', '/v1/agents', { key: acme, body: { id: 'honest', name: 'Honest', kind: 'http', url: agentUrl } })).status).toBe(201);
    const patched = await e2e.request('PATCH', '/v1/agents/honest', { key: acme, body: { secretRef: `env:${ENV.adminKey}` } });
    const replaced = await e2e.request('PUT', '/v1/agents/honest', {
      key: acme,
      body: { name: 'Honest', kind: 'openai', baseUrl: agentUrl, model: 'm', secretRef: 'env:AWS_ACCESS_KEY_ID' },
    });
    expect([patched.status, replaced.status]).toEqual([400, 400]);
    expect((await e2e.request('GET', '/v1/agents/honest', { key: acme })).json.agent.secretRef).toBeUndefined();
  });

  it('refuses at run time an agent stored with a forbidden reference before the rule existed, and calls nothing', async () => {
    const store = new DynamoAgentStore({ client: createDocumentClient({ endpoint: process.env[ENV.dynamoEndpoint] }), tableName: process.env[ENV.tableName]! });
    const now = new Date().toISOString();
    await store.create({
      tenantId: 'acme',
      id: 'legacy',
      name: 'Legacy',
      kind: 'http',
      url: agentUrl,
      secretRef: `env:${ENV.adminKey}`,
      createdAt: now,
      updatedAt: now,
      version: 1,
    });
    const before = calls.length;
    const run = await runOnce(acme, 'legacy');
    expect(run.status).toBe('failed');
    expect(run.error.kind).toBe('agent_error');
    expect(run.error.message).toContain('refused');
    expect(run.error.message).not.toContain(e2e.server.adminKey);
    expect(calls.length).toBe(before);
  });

  it('gives a command agent none of the server environment: no keys, no DynamoDB endpoint', async () => {
    expect((await e2e.request('POST', '/v1/agents', { key: acme, body: { id: 'printenv', name: 'env', kind: 'command', command: 'env' } })).status).toBe(201);
    const run = await runOnce(acme, 'printenv');
    expect(run.status).toBe('succeeded');
    expect(run.output).toContain('AGENT_SCHEDULES_RUN_ID=');
    for (const secret of [e2e.server.adminKey, e2e.server.apiKey, acme, process.env[ENV.signingSecret]!]) expect(run.output).not.toContain(secret);
    expect(run.output).not.toContain(ENV.adminKey);
    expect(run.output).not.toContain(ENV.dynamoEndpoint);
  });
});

describe('tenant secrets stored through the API', () => {
  it('stores a secret write-only: 201 then 200, the value never in a response, listed by name', async () => {
    const created = await e2e.request('PUT', '/v1/secrets/openai', { key: acme, body: { value: OPENAI_KEY } });
    expect(created.status).toBe(201);
    expect(created.json.secret).toMatchObject({ object: 'secret', name: 'openai', reference: 'secret:openai' });
    expect(created.headers.get('cache-control')).toBe('no-store');
    const replaced = await e2e.request('PUT', '/v1/secrets/openai', { key: acme, body: { value: OPENAI_KEY } });
    expect(replaced.status).toBe(200);
    expect(replaced.json.secret.createdAt).toBe(created.json.secret.createdAt);
    const listed = await e2e.request('GET', '/v1/secrets', { key: acme });
    expect(listed.json.data.map((entry: { name: string }) => entry.name)).toEqual(['openai']);
    expect((await e2e.request('GET', '/v1/secrets', { key: globex })).json.data).toEqual([]);
    for (const response of e2e.responses) expect(response.text).not.toContain(OPENAI_KEY);
  });

  it('keeps the value out of the table', async () => {
    const client = createDocumentClient({ endpoint: process.env[ENV.dynamoEndpoint] });
    const items = await client.send(new ScanCommand({ TableName: process.env[ENV.tableName]! }));
    expect(JSON.stringify(items.Items)).not.toContain(OPENAI_KEY);
  });

  it("sends a tenant its own secret, and the same name of another tenant resolves to that tenant's value only", async () => {
    expect((await e2e.request('PUT', '/v1/secrets/openai', { key: globex, body: { value: GLOBEX_KEY } })).status).toBe(201);
    for (const [key, id] of [
      [acme, 'acme-bot'],
      [globex, 'globex-bot'],
    ] as const) {
      expect((await e2e.request('POST', '/v1/agents', { key, body: { id, name: id, kind: 'http', url: agentUrl, secretRef: 'secret:openai' } })).status).toBe(
        201,
      );
    }
    const mine = await runOnce(acme, 'acme-bot');
    expect(mine.status).toBe('succeeded');
    expect(calls.at(-1)!.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
    const theirs = await runOnce(globex, 'globex-bot');
    expect(theirs.status).toBe('succeeded');
    expect(calls.at(-1)!.headers.authorization).toBe(`Bearer ${GLOBEX_KEY}`);
  });

  it('deletes a secret (204, then 404), after which runs that reference it fail saying how to fix it', async () => {
    expect((await e2e.request('DELETE', '/v1/secrets/openai', { key: globex })).status).toBe(204);
    expect((await e2e.request('DELETE', '/v1/secrets/openai', { key: globex })).status).toBe(404);
    const run = await runOnce(globex, 'globex-bot');
    expect(run.status).toBe('failed');
    expect(run.error.message).toContain('PUT /v1/secrets/openai');
  });

  it('rejects bad names and bodies with a 400 naming the field', async () => {
    const badName = await e2e.request('PUT', '/v1/secrets/..%2Fglobex%2Fopenai', { key: acme, body: { value: 'x' } });
    expect(badName.status).toBe(400);
    expect(badName.json.error.details.field).toBe('name');
    const noValue = await e2e.request('PUT', '/v1/secrets/empty', { key: acme, body: { value: '' } });
    expect(noValue.status).toBe(400);
    expect(noValue.json.error.details.field).toBe('value');
    const extra = await e2e.request('PUT', '/v1/secrets/extra', { key: acme, body: { value: 'x', tenantId: 'globex' } });
    expect(extra.status).toBe(400);
    expect((await e2e.request('GET', '/v1/secrets', { key: acme })).json.data.map((entry: { name: string }) => entry.name)).toEqual(['openai']);
  });
});
