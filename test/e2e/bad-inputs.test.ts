// Bad requests over HTTP: each gets the right status, a stable error code and a message that says what to fix,
// nothing is stored, and no response ever shows a stack trace or an API key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpAgent, startE2eServer, type E2eServer, type RequestOptions } from './harness.ts';

let e2e: E2eServer;
let key: string;
let myScheduleId: string;
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
  myScheduleId = mine.json.schedule.id;
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
    what: 'a last-day-of-month L beside a day-of-week restriction',
    method: 'POST',
    path: '/v1/schedules',
    options: { body: { ...valid, cronExpression: '0 9 L * 1' } },
    status: 400,
    code: 'invalid_request',
    message: /combines L/,
    mentions: '"field":"cronExpression"',
  },
  {
    what: 'a sixth weekday of the month (#6)',
    method: 'POST',
    path: '/v1/schedules',
    options: { body: { ...valid, cronExpression: '0 9 * * 1#6' } },
    status: 400,
    code: 'invalid_request',
    message: /"1#6"/,
    mentions: '"field":"cronExpression"',
  },
  {
    what: 'rate(0 minutes)',
    method: 'POST',
    path: '/v1/schedules',
    options: { body: { name: 'Never', task: 't', rate: 'rate(0 minutes)' } },
    status: 400,
    code: 'invalid_request',
    message: /would never/,
    mentions: '"field":"rate"',
  },
  {
    what: 'a backfill whose to is before its from',
    method: 'POST',
    path: () => `/v1/schedules/${myScheduleId}/backfill`,
    options: { body: { from: '2026-11-10T00:00:00Z', to: '2026-11-01T00:00:00Z' } },
    status: 400,
    code: 'invalid_request',
    message: /to/,
    mentions: 'from',
  },
  {
    what: 'a flexible window over 60 minutes',
    method: 'POST',
    path: '/v1/schedules',
    options: { body: { ...valid, flexibleWindowMinutes: 61 } },
    status: 400,
    code: 'invalid_request',
    message: /flexibleWindowMinutes must be 0–60, e\.g\. 15/,
  },
  {
    what: 'a catch-up window over 24 hours',
    method: 'POST',
    path: '/v1/schedules',
    options: { body: { ...valid, catchUp: 'latest', catchUpWindowMinutes: 1441 } },
    status: 400,
    code: 'invalid_request',
    message: /catchUpWindowMinutes must be 1–1440 \(24 hours\), e\.g\. 60/,
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
  // Metadata DynamoDB cannot store exactly: each was a 500 from the marshaller, DynamoDB or a stack overflow.
  {
    what: 'metadata with the number 1e20 (beyond exact integers)',
    method: 'POST',
    path: '/v1/schedules',
    options: { body: { ...valid, metadata: { a: { b: 1e20 } } } },
    status: 400,
    code: 'invalid_request',
    message: /^metadata\.a\.b: number 100000000000000000000 cannot be stored exactly.*use a string/,
  },
  {
    what: 'metadata with the number 9007199254740993',
    method: 'POST',
    path: '/v1/schedules',
    options: { rawBody: `${JSON.stringify(valid).slice(0, -1)}, "metadata": {"big": 9007199254740993}}` },
    status: 400,
    code: 'invalid_request',
    message: /^metadata\.big: .*cannot be stored exactly/,
  },
  {
    what: "metadata with the number 1e-300 (below DynamoDB's 1e-130)",
    method: 'POST',
    path: '/v1/schedules',
    options: { rawBody: `${JSON.stringify(valid).slice(0, -1)}, "metadata": {"tiny": [1, 1e-300]}}` },
    status: 400,
    code: 'invalid_request',
    message: /^metadata\.tiny\[1\]: number 1e-300 is too small/,
  },
  {
    what: 'metadata with an empty key',
    method: 'POST',
    path: '/v1/schedules',
    options: { body: { ...valid, metadata: { ok: { '': 1 } } } },
    status: 400,
    code: 'invalid_request',
    message: /^metadata\.ok: has an empty key/,
  },
  {
    what: 'metadata nested 5,000 levels deep',
    method: 'POST',
    path: '/v1/schedules',
    options: { rawBody: `${JSON.stringify(valid).slice(0, -1)}, "metadata": ${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}` },
    status: 400,
    code: 'invalid_request',
    message: /deeper than 16 levels/,
  },
  {
    what: 'task and prompt both nested 5,000 levels deep',
    method: 'POST',
    path: '/v1/schedules',
    options: { rawBody: `{"task": ${'['.repeat(5000)}${']'.repeat(5000)}, "prompt": ${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}` },
    status: 400,
    code: 'invalid_request',
    message: /task/,
  },
  {
    what: 'metadata with a "constructor" key (the marshaller took it for the type and threw)',
    method: 'POST',
    path: '/v1/schedules',
    options: { body: { ...valid, metadata: { a: { constructor: { name: 'Set' } } } } },
    status: 400,
    code: 'invalid_request',
    message: /^metadata\.a: has a key "constructor"/,
  },
  {
    what: 'a run with metadata holding a "constructor" key',
    method: 'POST',
    path: '/v1/runs',
    options: { body: { task: 'Summarise', metadata: { x: { constructor: 1, toString: 2 } } } },
    status: 400,
    code: 'invalid_request',
    message: /^metadata\.x: has a key "constructor"/,
  },
  {
    what: 'a run with metadata holding 1e20',
    method: 'POST',
    path: '/v1/runs',
    options: { body: { task: 'Summarise', metadata: { a: 1e20 } } },
    status: 400,
    code: 'invalid_request',
    message: /^metadata\.a: number 100000000000000000000 cannot be stored exactly/,
  },
  {
    what: 'a run with metadata nested 5,000 levels deep',
    method: 'POST',
    path: '/v1/runs',
    options: { rawBody: `{"task": "Summarise", "metadata": ${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}` },
    status: 400,
    code: 'invalid_request',
    message: /deeper than 16 levels/,
  },
  {
    what: 'a run with metadata over 8 KiB (runs had no limit)',
    method: 'POST',
    path: '/v1/runs',
    options: { body: { task: 'Summarise', metadata: { blob: 'x'.repeat(kib(8)) } } },
    status: 400,
    code: 'invalid_request',
    message: /^metadata: must be at most 8192 bytes of JSON/,
  },
  {
    what: 'a name of 201 characters',
    method: 'POST',
    path: '/v1/schedules',
    options: { body: { ...valid, name: '가'.repeat(201) } },
    status: 400,
    code: 'invalid_request',
    message: /name must be at most 200 characters and 800 bytes of UTF-8/,
  },
  {
    what: 'an appId that is an object with a "length" (zod measured it anyway and threw)',
    method: 'POST',
    path: '/v1/schedules',
    options: { rawBody: `${JSON.stringify(valid).slice(0, -1)}, "appId": {"length": {"toString": 1}}}` },
    status: 400,
    code: 'invalid_request',
    message: /^appId: Invalid input: expected string, received object$/,
  },
  {
    what: 'a name that is an array-like object with a "length"',
    method: 'POST',
    path: '/v1/schedules',
    options: { rawBody: `${JSON.stringify(valid).slice(0, -1).replace('"name":"Daily report",', '')}, "name": {"length": {"valueOf": 1, "toString": 1}}}` },
    status: 400,
    code: 'invalid_request',
    message: /^name: Invalid input: expected string, received object$/,
  },
  ...['/v1/schedules', '/v1/agents', '/v1/secrets'].map(
    (list): BadCase => ({
      what: `a ${list} cursor whose signature is 22 multi-byte characters`,
      method: 'GET',
      path: `${list}?cursor=abc.${encodeURIComponent('é'.repeat(22))}`,
      status: 400,
      code: 'invalid_request',
      message: /cursor/,
    }),
  ),
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

describe('agents: metadata DynamoDB cannot store is a 400 naming it, and no agent is stored', () => {
  async function agentIds(): Promise<string[]> {
    const response = await e2e.request('GET', '/v1/agents?limit=100', { key });
    expect(response.status).toBe(200);
    return (response.json.data as Array<{ id: string }>).map((agent) => agent.id).sort();
  }

  it.each([
    ['1e20', `{"a": {"b": 1e20}}`, /^metadata\.a\.b: number 100000000000000000000 cannot be stored exactly/],
    ['9007199254740993', `{"n": 9007199254740993}`, /^metadata\.n: .*cannot be stored exactly/],
    ['1e-300', `{"n": 1e-300}`, /^metadata\.n: number 1e-300 is too small/],
    ['an empty key', `{"": true}`, /^metadata: has an empty key/],
    ['a "constructor" key', `{"constructor": "Bob"}`, /^metadata: has a key "constructor"/],
    [
      '5,000 levels of nesting',
      `{"x": ${'['.repeat(2500)}${'{"a":'.repeat(2500)}1${'}'.repeat(2500)}${']'.repeat(2500)}}`,
      /^metadata\.x(\[0\])+: nests deeper than 16 levels/,
    ],
    ['over 8 KiB (agents had no limit)', JSON.stringify({ blob: 'x'.repeat(kib(8)) }), /^metadata: must be at most 8192 bytes of JSON/],
  ])('refuses agent metadata with %s', async (_what, metadataJson, message) => {
    const before = await agentIds();
    const body = `{"id": "meta_agent", "name": "Meta", "kind": "http", "url": "http://127.0.0.1:9/agent", "metadata": ${metadataJson}}`;
    for (const [method, path] of [
      ['POST', '/v1/agents'],
      ['PATCH', '/v1/agents/reporter'],
      ['PUT', '/v1/agents/reporter'],
    ] as const) {
      const raw = method === 'POST' ? body : body.replace('"id": "meta_agent", ', '');
      const response = await e2e.request(method, path, { key, rawBody: raw });
      expect(response.status, `${method} ${path}: ${response.text.slice(0, 300)}`).toBe(400);
      expect(response.json?.error?.code).toBe('invalid_request');
      expect(response.json.error.message).toMatch(message);
      expect(String(response.json.error.details?.field)).toMatch(/^metadata/);
      expectNoLeaks(response.text);
    }
    expect(await agentIds()).toEqual(before);
    expect((await e2e.request('GET', '/v1/agents/reporter', { key })).json.agent.metadata ?? null).toBeNull();
  });
});

describe('names whose index key would pass 1,024 bytes, against DynamoDB Local', () => {
  let hangulKey: string;
  beforeAll(async () => {
    ({ apiKey: hangulKey } = await e2e.createKey({ tenantId: 'hangul', userId: 'minji' }));
  });

  // NFKD turns a syllable into 2 (가) or 3 (각) jamo of 3 bytes each: 200 × 가 and 111 × 각 made sort keys over 1,024 bytes.
  const names = [
    'apple',
    'Zebra',
    '가'.repeat(200),
    `${'가'.repeat(100)}${'나'.repeat(100)}`,
    `${'가'.repeat(100)}${'다'.repeat(100)}`,
    '각'.repeat(111),
    `${'각'.repeat(100)}${'낙'.repeat(100)}`,
  ];

  it('creates each with 201, renames to 200 syllables with 200, and lists them in name order, page by page', async () => {
    for (const name of [...names].reverse()) {
      const created = await e2e.request('POST', '/v1/schedules', { key: hangulKey, body: { ...valid, name } });
      expect(created.status, created.text.slice(0, 300)).toBe(201);
      expect(created.json.schedule.name).toBe(name);
    }
    const renamed = await e2e.request('POST', '/v1/schedules', { key: hangulKey, body: { ...valid, name: 'rename me' } });
    expect(renamed.status).toBe(201);
    const patched = await e2e.request('PATCH', `/v1/schedules/${renamed.json.schedule.id}`, { key: hangulKey, body: { name: '힣'.repeat(200) } });
    expect(patched.status, patched.text.slice(0, 300)).toBe(200);

    const listed: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<E2eServer['request']>> = await e2e.request(
        'GET',
        `/v1/schedules?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { key: hangulKey },
      );
      expect(page.status, page.text.slice(0, 300)).toBe(200);
      listed.push(...(page.json.data as Array<{ name: string }>).map((schedule) => schedule.name));
      cursor = page.json.next_cursor;
    } while (cursor);
    expect(listed).toEqual([...names, '힣'.repeat(200)]);
  });
});

describe('a runs cursor whose signature is 22 multi-byte characters', () => {
  it('is a 400 naming cursor', async () => {
    const created = await e2e.request('POST', '/v1/schedules', { key, body: { ...valid, name: 'Cursor target' } });
    expect(created.status).toBe(201);
    const response = await e2e.request('GET', `/v1/schedules/${created.json.schedule.id}/runs?cursor=abc.${encodeURIComponent('é'.repeat(22))}`, { key });
    expect(response.status, response.text).toBe(400);
    expect(response.json.error).toMatchObject({ code: 'invalid_request', details: { field: 'cursor' } });
  });
});
