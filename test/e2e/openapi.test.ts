// The published API description and the liveness check, both served without a key; and the request id on every answer.
import { connect } from 'node:net';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '#shared/routes.ts';
import { httpAgent, startE2eServer, type ApiResponse, type E2eServer, type RequestOptions } from './harness.ts';
import { declaredSchema, schemaProblems } from './support/openapi-schema.ts';

let e2e: E2eServer;
/** The local server's request ids (API Gateway's on AWS). */
const REQUEST_ID = /^[0-9a-f-]{36}$/;

beforeAll(async () => {
  e2e = await startE2eServer();
});

afterAll(async () => {
  await e2e?.stop();
});

describe('GET /openapi.json', () => {
  let doc: any;

  beforeAll(async () => {
    const response = await e2e.request('GET', '/openapi.json', { key: null });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    doc = response.json;
  });

  it('is served without an API key', async () => {
    const response = await e2e.request('GET', '/openapi.json', { key: null });
    expect(response.status).toBe(200);
    expect(response.json).toEqual(doc);
  });

  it('declares OpenAPI 3.1', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
  });

  it('passes the OpenAPI schema validator', async () => {
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it.each(ROUTES.map((route) => [route.method, route.path] as const))('describes %s %s', (method, path) => {
    expect(Object.keys(doc.paths)).toContain(path);
    const operation = doc.paths[path][method.toLowerCase()];
    expect(operation).toBeDefined();
    expect(operation.responses).toBeDefined();
    expect(Object.keys(operation.responses).length).toBeGreaterThan(0);
  });

  it('describes no path the service does not route', () => {
    const routed = new Set(ROUTES.map((route) => `${route.method.toLowerCase()} ${route.path}`));
    const methods = new Set(['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace']);
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => methods.has(key))
        .map((method) => `${method} ${path}`),
    );
    expect(documented.filter((operation) => !routed.has(operation))).toEqual([]);
  });

  it('marks the routes that need no key as open, and the others as needing the bearer key', () => {
    for (const route of ROUTES) {
      const operation = doc.paths[route.path][route.method.toLowerCase()];
      const security = operation.security ?? doc.security;
      if (route.auth === 'none') expect(security, `${route.method} ${route.path}`).toEqual([]);
      else expect(security, `${route.method} ${route.path}`).toEqual([{ apiKey: [] }]);
    }
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  const operations = () =>
    Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({
        at: `${method.toUpperCase()} ${path}`,
        operation,
        responses: Object.entries<any>(operation.responses),
      })),
    );
  const resolved = (schema: any): any => (schema?.$ref ? doc.components.schemas[String(schema.$ref).split('/').pop()!] : schema);

  it('types the body of every 2xx answer (a 204 has none)', () => {
    const untyped = operations().flatMap(({ at, responses }) =>
      responses
        .filter(([status]) => status.startsWith('2'))
        .flatMap(([status, response]) => {
          const media = Object.values<any>(response.content ?? {});
          if (status === '204') return media.length ? [`${at} ${status}: a body`] : [];
          if (!media.length) return [`${at} ${status}: no body`];
          return media
            .filter(({ schema }) => !resolved(schema) || Object.keys(resolved(schema)).length === 0 || resolved(schema).not)
            .map(() => `${at} ${status}`);
        }),
    );
    expect(untyped).toEqual([]);
  });

  it('names each operation as a user calls it, once', () => {
    const ids = operations().map(({ operation }) => operation.operationId as string);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][A-Za-z]+$/);
    for (const route of ROUTES) expect(doc.paths[route.path][route.method.toLowerCase()].operationId).toBe(route.operation);
    const idOf = (method: string, path: string) => doc.paths[path][method].operationId;
    expect({
      trigger: idOf('post', '/v1/schedules/{id}/trigger'),
      patch: idOf('patch', '/v1/schedules/{id}'),
      put: idOf('put', '/v1/schedules/{id}'),
      runs: idOf('get', '/v1/schedules/{id}/runs'),
      cancel: idOf('post', '/v1/schedules/{id}/runs/{runId}/cancel'),
      cron: idOf('get', '/v1/schedules/text-to-cron'),
      agents: idOf('get', '/v1/agents'),
      key: idOf('post', '/v1/admin/api-keys'),
      revoke: idOf('delete', '/v1/admin/api-keys/{keyId}'),
      document: idOf('get', '/openapi.json'),
      agentManager: idOf('post', '/api/v1/schedules'),
      scheduledAgents: idOf('get', '/agent/schedules'),
    }).toEqual({
      trigger: 'triggerSchedule',
      patch: 'updateSchedule',
      put: 'putSchedule',
      runs: 'listScheduleRuns',
      cancel: 'cancelScheduleRun',
      cron: 'textToCron',
      agents: 'listAgents',
      key: 'createApiKey',
      revoke: 'revokeApiKey',
      document: 'getOpenApi',
      agentManager: 'createScheduleAgentManager',
      scheduledAgents: 'listScheduledAgents',
    });
  });

  it('declares Idempotency-Key on the routes that honour it, and Idempotent-Replayed on their successes', () => {
    const honour = new Set(['create-schedule', 'trigger-schedule', 'create-run', 'create-batch']);
    for (const route of ROUTES) {
      const operation = doc.paths[route.path][route.method.toLowerCase()];
      const at = `${route.method} ${route.path}`;
      const declared = (operation.parameters ?? []).some((parameter: any) => parameter.$ref === '#/components/parameters/IdempotencyKey');
      expect(declared, at).toBe(honour.has(route.function));
      for (const [status, response] of Object.entries<any>(operation.responses)) {
        if (status.startsWith('2')) expect(Boolean(response.headers?.['Idempotent-Replayed']), `${at} ${status}`).toBe(honour.has(route.function));
      }
    }
    expect(doc.components.parameters.IdempotencyKey).toMatchObject({ name: 'Idempotency-Key', in: 'header', required: false });
  });

  it("declares x-request-id on every answer, and API Gateway's own {message} errors where it may send them", () => {
    const gatewayOrEnvelope = { oneOf: [{ $ref: '#/components/schemas/Error' }, { $ref: '#/components/schemas/GatewayError' }] };
    for (const { at, operation, responses } of operations()) {
      const gatewayAnswers = operation.security?.length === 0 ? ['429', '500'] : ['401', '403', '429', '500'];
      for (const [status, response] of responses) {
        expect(response.headers?.['x-request-id'], `${at} ${status}`).toEqual({ $ref: '#/components/headers/RequestId' });
        expect(Boolean(response.headers['apigw-requestid']), `${at} ${status}`).toBe(gatewayAnswers.includes(status));
      }
      const schemaOf = (status: string) => operation.responses[status]?.content['application/json'].schema;
      expect(schemaOf('429'), at).toEqual({ $ref: '#/components/schemas/GatewayError' });
      expect(schemaOf('500'), at).toEqual(gatewayOrEnvelope);
      if (operation.security?.length === 0) continue;
      expect([schemaOf('401'), schemaOf('403')], at).toEqual([gatewayOrEnvelope, gatewayOrEnvelope]);
    }
    for (const [status, message] of [
      [401, 'Unauthorized'],
      [403, 'Forbidden'],
      [429, 'Too Many Requests'],
      [500, 'Internal Server Error'],
    ] as const) {
      expect(schemaProblems(doc, declaredSchema(doc, 'GET', '/v1/schedules', status), { message }), message).toEqual([]);
    }
  });

  it('requires every request body, and declares the query of every list', () => {
    for (const { at, operation } of operations()) if (operation.requestBody) expect(operation.requestBody.required, at).toBe(true);
    const queryOf = (path: string) =>
      doc.paths[path].get.parameters.filter((parameter: any) => parameter.in === 'query').map((parameter: any) => parameter.name);
    expect(queryOf('/v1/schedules/{id}/runs')).toEqual(['limit', 'cursor', 'status']);
    expect(queryOf('/v1/agents')).toEqual(['limit', 'cursor']);
    expect(queryOf('/v1/secrets')).toEqual(['limit', 'cursor']);
    expect(doc.paths['/v1/runs'].post.requestBody.content['application/json'].schema).toEqual({
      anyOf: [{ $ref: '#/components/schemas/RunInput' }, { $ref: '#/components/schemas/ThreadInput' }],
    });
    expect(doc.components.schemas.Agent.discriminator.propertyName).toBe('kind');
  });
});

describe('what /openapi.json says each route answers', () => {
  let doc: any;
  const ids: Record<string, string> = {};
  const v1Body = { name: 'Documented', task: 'Check the document', cronExpression: '0 9 * * *' };

  beforeAll(async () => {
    doc = (await e2e.request('GET', '/openapi.json', { key: null })).json;
    expect((await e2e.request('POST', '/v1/agents', { body: httpAgent('doc_agent') })).status).toBe(201);
    for (const name of ['v1', 'toDelete']) {
      const created = await e2e.request('POST', '/v1/schedules', { body: { ...v1Body, name } });
      expect(created.status).toBe(201);
      ids[name] = created.json.schedule.id;
    }
    for (const name of ['agent', 'agentToDelete']) {
      const created = await e2e.request('POST', '/agent/schedules', { body: { name, cron_schedule: '0 9 * * *', prompt: 'p', enabled: true } });
      expect(created.status).toBe(201);
      ids[name] = created.json.id;
    }
    expect((await e2e.request('POST', '/v1/schedules', { body: v1Body, headers: { 'Idempotency-Key': 'doc-key-1' } })).status).toBe(201);
    const runnable = await e2e.request('POST', '/v1/schedules', { body: { ...v1Body, name: 'Runnable', agentId: 'doc_agent' } });
    ids.runnable = runnable.json.schedule.id;
  });

  /** A call to `target` (a path, or one built once the server and the ids exist) documented under `path`. */
  const answer = (what: string, method: string, path: string, target: string | (() => string), options?: RequestOptions | (() => RequestOptions)) => ({
    what,
    method,
    path,
    call: () => e2e.request(method, typeof target === 'string' ? target : target(), typeof options === 'function' ? options() : options),
  });

  const calls: Array<{ what: string; method: string; path: string; call: () => Promise<ApiResponse> }> = [
    { what: 'a seed 001 create', method: 'POST', path: '/v1/schedules', call: () => e2e.request('POST', '/v1/schedules', { body: v1Body }) },
    {
      what: 'a Toolhouse create (chat_id, cadence)',
      method: 'POST',
      path: '/v1/schedules',
      call: () => e2e.request('POST', '/v1/schedules', { body: { chat_id: 'doc_agent', cadence: '0 17 * * 0' } }),
    },
    {
      what: 'a create whose Idempotency-Key was used with another body',
      method: 'POST',
      path: '/v1/schedules',
      call: () => e2e.request('POST', '/v1/schedules', { body: { ...v1Body, name: 'Other' }, headers: { 'Idempotency-Key': 'doc-key-1' } }),
    },
    { what: 'a list', method: 'GET', path: '/v1/schedules', call: () => e2e.request('GET', '/v1/schedules') },
    { what: 'a get', method: 'GET', path: '/v1/schedules/{id}', call: () => e2e.request('GET', `/v1/schedules/${ids.v1}`) },
    { what: 'a get of an unknown id', method: 'GET', path: '/v1/schedules/{id}', call: () => e2e.request('GET', '/v1/schedules/sched_Unknown000000000001') },
    {
      what: 'a patch',
      method: 'PATCH',
      path: '/v1/schedules/{id}',
      call: () => e2e.request('PATCH', `/v1/schedules/${ids.v1}`, { body: { name: 'Documented too' } }),
    },
    {
      what: 'a Toolhouse put',
      method: 'PUT',
      path: '/v1/schedules/{id}',
      call: () => e2e.request('PUT', `/v1/schedules/${ids.v1}`, { body: { cadence: '0 */3 * * *' } }),
    },
    { what: 'a disable', method: 'PATCH', path: '/v1/schedules/{id}/disable', call: () => e2e.request('PATCH', `/v1/schedules/${ids.v1}/disable`) },
    { what: 'a resume', method: 'POST', path: '/v1/schedules/{id}/resume', call: () => e2e.request('POST', `/v1/schedules/${ids.v1}/resume`) },
    { what: 'a delete', method: 'DELETE', path: '/v1/schedules/{id}', call: () => e2e.request('DELETE', `/v1/schedules/${ids.toDelete}`) },
    {
      what: 'a text-to-cron',
      method: 'GET',
      path: '/v1/schedules/text-to-cron',
      call: () => e2e.request('GET', '/v1/schedules/text-to-cron?cron=sundays+5pm+UTC'),
    },
    {
      what: 'a preview',
      method: 'POST',
      path: '/v1/schedules/preview',
      call: () => e2e.request('POST', '/v1/schedules/preview', { body: { cronExpression: '0 9 * * 1-5' } }),
    },
    {
      what: 'a scheduled-agents create',
      method: 'POST',
      path: '/agent/schedules',
      call: () => e2e.request('POST', '/agent/schedules', { body: { name: 'n', cron_schedule: '0 9 * * *', prompt: 'p', enabled: true } }),
    },
    { what: 'a scheduled-agents list', method: 'GET', path: '/agent/schedules', call: () => e2e.request('GET', '/agent/schedules') },
    { what: 'a scheduled-agents get', method: 'GET', path: '/agent/schedules/{id}', call: () => e2e.request('GET', `/agent/schedules/${ids.agent}`) },
    {
      what: 'a scheduled-agents put',
      method: 'PUT',
      path: '/agent/schedules/{id}',
      call: () => e2e.request('PUT', `/agent/schedules/${ids.agent}`, { body: { name: 'n2', cron_schedule: '0 8 * * *', prompt: 'p', enabled: true } }),
    },
    {
      what: 'a scheduled-agents pause',
      method: 'POST',
      path: '/agent/schedules/{id}/pause',
      call: () => e2e.request('POST', `/agent/schedules/${ids.agent}/pause`),
    },
    {
      what: 'a scheduled-agents delete',
      method: 'DELETE',
      path: '/agent/schedules/{id}',
      call: () => e2e.request('DELETE', `/agent/schedules/${ids.agentToDelete}`),
    },
    { what: 'an agent create', method: 'POST', path: '/v1/agents', call: () => e2e.request('POST', '/v1/agents', { body: httpAgent('doc_agent_2') }) },
    {
      what: 'an agent create with a taken id',
      method: 'POST',
      path: '/v1/agents',
      call: () => e2e.request('POST', '/v1/agents', { body: httpAgent('doc_agent') }),
    },
    { what: 'an agent get', method: 'GET', path: '/v1/agents/{id}', call: () => e2e.request('GET', '/v1/agents/doc_agent') },
    {
      what: 'an API key create',
      method: 'POST',
      path: '/v1/admin/api-keys',
      call: () => e2e.request('POST', '/v1/admin/api-keys', { key: e2e.server.adminKey, body: { tenantId: 'docs', userId: 'd', name: 'docs' } }),
    },
    answer('an agent list', 'GET', '/v1/agents', '/v1/agents?limit=10'),
    answer('an agent patch', 'PATCH', '/v1/agents/{id}', '/v1/agents/doc_agent', { body: { name: 'Renamed', description: null } }),
    answer('a secret put', 'PUT', '/v1/secrets/{name}', '/v1/secrets/doc-secret', { body: { value: 's3cret' } }),
    answer('a secret list', 'GET', '/v1/secrets', '/v1/secrets'),
    answer('a rate preview', 'POST', '/v1/schedules/preview', '/v1/schedules/preview', { body: { rate: '90 minutes' } }),
    answer('a trigger', 'POST', '/v1/schedules/{id}/trigger', () => `/v1/schedules/${ids.runnable}/trigger`, { headers: { 'Idempotency-Key': 'doc-trigger' } }),
    answer('a schedule’s runs', 'GET', '/v1/schedules/{id}/runs', () => `/v1/schedules/${ids.runnable}/runs?limit=5`),
    answer('a run', 'POST', '/v1/runs', '/v1/runs', { body: { task: 'Once', agentId: 'doc_agent' } }),
    answer('a thread (seed 001)', 'POST', '/v1/threads', '/v1/threads', { body: { agentId: 'doc_agent', messages: [{ role: 'user', content: 'Hi' }] } }),
    answer('the health check', 'GET', '/health', '/health', { key: null }),
    answer('the document', 'GET', '/openapi.json', '/openapi.json', { key: null }),
    answer('a request without a key', 'GET', '/v1/schedules', '/v1/schedules', { key: null }),
    answer('a tenant route called with the admin key', 'GET', '/v1/agents', '/v1/agents', () => ({ key: e2e.server.adminKey })),
  ];

  it.each(calls.map((entry) => [entry.what, entry.method, entry.path, entry] as const))(
    'documents the status and body of %s (%s %s) as the service answers them',
    async (_what, method, path, { call }) => {
      const response = await call();
      const operation = doc.paths[path][method.toLowerCase()];
      expect(Object.keys(operation.responses), `answered ${response.status}: ${response.text.slice(0, 200)}`).toContain(String(response.status));
      expect(schemaProblems(doc, declaredSchema(doc, method, path, response.status), response.json)).toEqual([]);
      expect(response.headers.get('x-request-id'), 'x-request-id').toMatch(REQUEST_ID);
    },
  );

  it('answers a repeated Idempotency-Key with the same run and Idempotent-Replayed: true, as declared', async () => {
    const send = () => e2e.request('POST', `/v1/schedules/${ids.runnable}/trigger`, { headers: { 'Idempotency-Key': 'doc-replay' } });
    const [first, again] = [await send(), await send()];
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(again.json.run.id).toBe(first.json.run.id);
    expect([first.headers.get('idempotent-replayed'), again.headers.get('idempotent-replayed')]).toEqual([null, 'true']);
    expect(doc.paths['/v1/schedules/{id}/trigger'].post.responses['202'].headers['Idempotent-Replayed']).toBeDefined();
  });
});

describe('x-request-id', () => {
  it('is on every answer, also those the local server gives before any function runs', async () => {
    const answers = [
      await e2e.request('GET', '/v1/nowhere'),
      await e2e.request('DELETE', '/v1/schedules'),
      await e2e.request('POST', '/v1/schedules', { rawBody: '{"name": ' }),
      await e2e.request('POST', '/v1/schedules', { rawBody: JSON.stringify({ task: 'x'.repeat(300 * 1024) }) }),
      await e2e.request('DELETE', '/v1/agents/doc_agent_missing'),
    ];
    expect(answers.map((response) => response.status)).toEqual([404, 405, 400, 413, 404]);
    const requestIds = answers.map((response) => response.headers.get('x-request-id'));
    for (const requestId of requestIds) expect(requestId).toMatch(REQUEST_ID);
    expect(new Set(requestIds).size).toBe(answers.length);
  });

  it('is on the answer to a request Node cannot parse', async () => {
    const { port } = new URL(e2e.url);
    const raw = await new Promise<string>((done, fail) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('end', () => done(text));
      socket.on('error', fail);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(raw).toMatch(/\r\nx-request-id: [0-9a-f-]{36}\r\n/);
  });
});

describe('GET /health', () => {
  it('answers 200 {status: "ok", storage: "ok"} without an API key', async () => {
    const response = await e2e.request('GET', '/health', { key: null });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ status: 'ok', storage: 'ok' });
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers 200 {status: "ok", storage: "ok"} even with an unknown key, since it checks none', async () => {
    const response = await e2e.request('GET', '/health', { key: 'not-a-key' });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ status: 'ok', storage: 'ok' });
  });
});
