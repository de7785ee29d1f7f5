// Bad requests over HTTP: each gets the right status, a stable error code and a message that says what to fix,
// nothing is stored, and no response ever shows a stack trace or an API key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpAgent, startE2eServer, type E2eServer, type RequestOptions } from './harness.ts';

let e2e: E2eServer;
let key: string;
let otherTenantScheduleId: string;
const keys: string[] = [];

const valid = { name: 'Daily report', task: 'Summarise yesterday', cronExpression: '0 9 * * *' };

beforeAll(async () => {
  e2e = await startE2eServer();
  ({ apiKey: key } = await e2e.createKey({ tenantId: 'acme', userId: 'alice' }));
  const other = await e2e.createKey({ tenantId: 'globex', userId: 'bob' });
  keys.push(key, other.apiKey, e2e.server.apiKey, e2e.server.adminKey);
  expect((await e2e.request('POST', '/v1/agents', { key, body: httpAgent('reporter') })).status).toBe(201);
  const mine = await e2e.request('POST', '/v1/schedules', { key, body: { ...valid, agentId: 'reporter' } });
  expect(mine.status).toBe(201);
  const theirs = await e2e.request('POST', '/v1/schedules', { key: other.apiKey, body: valid });
  expect(theirs.status).toBe(201);
  otherTenantScheduleId = theirs.json.schedule.id;
});

afterAll(async () => {
  await e2e?.stop();
});

async function storedTotal(): Promise<number> {
  const response = await e2e.request('GET', '/v1/schedules', { key });
  expect(response.status).toBe(200);
  return response.json.stats.total as number;
}

function expectNoLeaks(text: string): void {
  expect(text).not.toContain('    at ');
  for (const secret of keys) expect(text).not.toContain(secret);
}

interface BadCase {
  what: string;
  method: string;
  path: string | (() => string);
  options?: RequestOptions;
  status: number;
  code: string;
  /** Something the message must say: the field at fault or the reason. */
  message: RegExp;
  /** Something the error as a whole (message or details) must say, when the fix is in the hint. */
  mentions?: string;
}

const kib = (n: number) => n * 1024;

const cases: BadCase[] = [
  {
    what: 'a body that is not JSON',
    method: 'POST',
    path: '/v1/schedules',
    options: { rawBody: '{"name": "Daily report", ', headers: { 'Content-Type': 'application/json' } },
    status: 400,
    code: 'invalid_json',
    message: /not valid JSON/,
  },
  {
    what: 'a body that is a JSON array',
    method: 'POST',
    path: '/v1/schedules',
    options: { body: [valid] },
    status: 400,
    code: 'invalid_request',
    message: /JSON object/,
  },
  {
    what: 'a name that is a number',
    method: 'POST',
    path: '/v1/schedules',
    options: { body: { ...valid, name: 42 } },
    status: 400,
    code: 'invalid_request',
    message: /name/,
  },
  {
    what: 'a misspelt field "cronExpresion"',
    method: 'POST',
    path: '/v1/schedules',
    options: { body: { name: 'Daily report', task: 'Summarise', cronExpresion: '0 9 * * *' } },
    status: 400,
    code: 'invalid_request',
    message: /cronExpresion/,
  },
  {
    what: 'a cron expression restricting both day fields',
    method: 'POST',
    path: '/v1/schedules',
    options: { body: { ...valid, cronExpression: '0 9 1 * 1' } },
    status: 400,
    code: 'invalid_request',
    message: /day-of-week/,
  },
  {
    what: 'an unknown timezone',
    method: 'POST',
    path: '/v1/schedules',
    options: { body: { ...valid, timezone: 'Mars/Olympus_Mons' } },
    status: 400,
    code: 'invalid_request',
    message: /timezone/i,
  },
  {
    what: 'a one-time schedule in the past',
    method: 'POST',
    path: '/v1/schedules',
    options: { body: { name: 'Too late', task: 'x', scheduleType: 'one-time', scheduledTime: '2026-11-19T23:59:00Z' } },
    status: 400,
    code: 'invalid_request',
    message: /in the past/,
  },
  {
    what: 'a task over 32 KiB',
    method: 'POST',
    path: '/v1/schedules',
    options: { body: { ...valid, task: 'x'.repeat(kib(32) + 1) } },
    status: 400,
    code: 'invalid_request',
    message: /task/,
  },
  {
    what: 'metadata over 8 KiB',
    method: 'POST',
    path: '/v1/schedules',
    options: { body: { ...valid, metadata: { blob: 'x'.repeat(kib(8)) } } },
    status: 400,
    code: 'invalid_request',
    message: /metadata/,
  },
  {
    what: 'a body over 256 KiB',
    method: 'POST',
    path: '/v1/schedules',
    options: { body: { ...valid, description: 'x'.repeat(kib(300)) } },
    status: 413,
    code: 'payload_too_large',
    message: /256 KiB/,
  },
  {
    what: 'a garbage list cursor',
    method: 'GET',
    path: '/v1/schedules?cursor=not-a-real-cursor',
    status: 400,
    code: 'invalid_request',
    message: /cursor/,
  },
  {
    what: 'a list limit of 1000',
    method: 'GET',
    path: '/v1/schedules?limit=1000',
    status: 400,
    code: 'invalid_request',
    message: /limit/,
  },
  {
    what: "another tenant's schedule id",
    method: 'PATCH',
    path: () => `/v1/schedules/${otherTenantScheduleId}`,
    options: { body: { name: 'Mine now' } },
    status: 404,
    code: 'not_found',
    message: /No schedule with id/,
  },
  {
    what: 'an agentId that names no agent',
    method: 'POST',
    path: '/v1/schedules',
    options: { body: { ...valid, agentId: 'ghost_agent' } },
    status: 400,
    code: 'invalid_request',
    message: /agentId "ghost_agent"/,
    mentions: 'POST /v1/agents',
  },
  {
    what: 'prompt and task with different values',
    method: 'POST',
    path: '/v1/schedules',
    options: { body: { ...valid, prompt: 'Something else' } },
    status: 400,
    code: 'invalid_request',
    message: /prompt.*task|task.*prompt/,
  },
  {
    what: 'a schedule id far longer than any id',
    method: 'GET',
    path: `/v1/schedules/sched_${'a'.repeat(1100)}`,
    status: 404,
    code: 'not_found',
    message: /No schedule with id/,
  },
  {
    what: 'a change to a schedule id far longer than any id',
    method: 'PATCH',
    path: `/v1/schedules/sched_${'a'.repeat(1100)}`,
    options: { body: { name: 'x' } },
    status: 404,
    code: 'not_found',
    message: /No schedule with id/,
  },
  {
    what: 'an agent id far longer than any id',
    method: 'GET',
    path: `/v1/agents/${'a'.repeat(1100)}`,
    status: 404,
    code: 'not_found',
    message: /No agent with id/,
  },
  {
    what: 'metadata nested 60 levels deep (small, but deeper than the store can keep)',
    method: 'POST',
    path: '/v1/schedules',
    options: { body: { ...valid, metadata: JSON.parse(`${'{"a":'.repeat(60)}1${'}'.repeat(60)}`) } },
    status: 400,
    code: 'invalid_request',
    message: /metadata/,
  },
  {
    what: 'an unknown field named "constructor"',
    method: 'POST',
    path: '/v1/schedules',
    options: { rawBody: JSON.stringify({ ...valid, constructor: 'x' }) },
    status: 400,
    code: 'invalid_request',
    message: /unknown field "constructor"/,
  },
  {
    what: 'an unknown field named "__proto__"',
    method: 'POST',
    path: '/v1/schedules',
    options: { rawBody: '{"name": "Daily report", "cronExpression": "0 9 * * *", "__proto__": {"task": "x"}}' },
    status: 400,
    code: 'invalid_request',
    message: /unknown field "__proto__"/,
  },
  {
    what: 'an unknown route',
    method: 'GET',
    path: '/v1/shedules',
    status: 404,
    code: 'not_found',
    message: /\/v1\/shedules/,
  },
  {
    what: 'a method the path does not take (PATCH /v1/schedules)',
    method: 'PATCH',
    path: '/v1/schedules',
    options: { body: { name: 'x' } },
    status: 405,
    code: 'method_not_allowed',
    message: /PATCH/,
  },
];

describe('bad requests', () => {
  it.each(cases.map((badCase) => [badCase.what, badCase.status, badCase.code, badCase] as const))(
    'answers %s with %i %s, a message saying what to fix, and stores nothing',
    async (_what, _status, _code, badCase) => {
      const before = await storedTotal();
      const path = typeof badCase.path === 'function' ? badCase.path() : badCase.path;
      const response = await e2e.request(badCase.method, path, { key, ...badCase.options });
      expect(response.status, response.text.slice(0, 500)).toBe(badCase.status);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.json?.error?.code).toBe(badCase.code);
      expect(response.json.error.message).toMatch(badCase.message);
      if (badCase.mentions) expect(JSON.stringify(response.json.error)).toContain(badCase.mentions);
      expectNoLeaks(response.text);
      expect(await storedTotal()).toBe(before);
    },
  );

  it('answers a path whose id is not valid percent-encoding with a 4xx JSON error, not a server error', async () => {
    const before = await storedTotal();
    for (const method of ['GET', 'DELETE']) {
      const response = await e2e.request(method, '/v1/schedules/sched_%E0%A4%A', { key });
      expect(response.status, `${method}: ${response.text}`).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(response.json?.error?.code).toMatch(/^(invalid_request|not_found)$/);
      expectNoLeaks(response.text);
    }
    expect(await storedTotal()).toBe(before);
  });

  it('replays a retried create with the same Idempotency-Key and body, and refuses the key with another body with 409', async () => {
    const before = await storedTotal();
    const headers = { 'Idempotency-Key': 'create-daily-report-0001' };
    const first = await e2e.request('POST', '/v1/schedules', { key, headers, body: { ...valid, name: 'Idempotent report' } });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(await storedTotal()).toBe(before + 1);

    const retry = await e2e.request('POST', '/v1/schedules', { key, headers, body: { ...valid, name: 'Idempotent report' } });
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.json.schedule.id).toBe(first.json.schedule.id);
    expect(retry.json).toEqual(first.json);
    expect(await storedTotal()).toBe(before + 1);

    const conflict = await e2e.request('POST', '/v1/schedules', { key, headers, body: { ...valid, name: 'A different report' } });
    expect(conflict.status).toBe(409);
    expect(conflict.json.error.code).toBe('conflict');
    expect(conflict.json.error.message).toMatch(/Idempotency-Key/);
    expectNoLeaks(conflict.text);
    expect(await storedTotal()).toBe(before + 1);
  });

  it('never sent a stack trace or an API key in any response body of this file', () => {
    expect(e2e.responses.length).toBeGreaterThan(cases.length);
    // The admin API's create answer is the one place a new key is meant to appear.
    const bodies = e2e.responses.filter((response) => !(response.method === 'POST' && response.path === '/v1/admin/api-keys'));
    for (const response of bodies) expectNoLeaks(response.text);
  });
});
