// The published API description and the liveness check, both served without a key.
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '#shared/routes.ts';
import { httpAgent, startE2eServer, type ApiResponse, type E2eServer } from './harness.ts';

let e2e: E2eServer;

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
});

/** Required keys the body lacks, following $ref, object properties and array items of the documented schema. */
function missingRequired(doc: any, schema: any, value: unknown, at = 'body'): string[] {
  if (!schema || value === null || value === undefined) return [];
  if (schema.$ref) return missingRequired(doc, doc.components.schemas[String(schema.$ref).split('/').pop()!], value, at);
  const options = schema.anyOf ?? schema.oneOf;
  if (options) {
    const results = options.map((option: any) => missingRequired(doc, option, value, at));
    return results.find((result: string[]) => result.length === 0) ?? results[0] ?? [];
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => missingRequired(doc, schema.items, item, `${at}[${index}]`));
  if (typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  const missing = (schema.required ?? []).filter((key: string) => !(key in record)).map((key: string) => `${at}.${key}`);
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    if (key in record) missing.push(...missingRequired(doc, property, record[key], `${at}.${key}`));
  }
  return missing;
}

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
  ];

  it.each(calls.map((entry) => [entry.what, entry.method, entry.path, entry] as const))(
    'documents the status and body of %s (%s %s) as the service answers them',
    async (_what, method, path, { call }) => {
      const response = await call();
      const operation = doc.paths[path][method.toLowerCase()];
      expect(Object.keys(operation.responses), `answered ${response.status}: ${response.text.slice(0, 200)}`).toContain(String(response.status));
      const schema = operation.responses[String(response.status)].content?.['application/json']?.schema;
      expect(missingRequired(doc, schema, response.json)).toEqual([]);
    },
  );
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
