// Property test over HTTP: every route of the route table, against one local server (DynamoDB Local + the real handlers),
// gets generated JSON bodies (deep nesting, numbers DynamoDB cannot keep, unicode, empty keys, wrong types for known
// fields), query strings and headers. For every answer: no 5xx; every 4xx is the `{"error": {"code", "message"}}`
// envelope; and a rejected write stores no schedule and no agent. Deterministic (fixed seed) and bounded in time.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIELD_ALIASES } from '#shared/http/schedules.ts';
import { ScheduleFields } from '#shared/domain/schedule.ts';
import { ROUTES, routeKey, type Route } from '#shared/routes.ts';
import { startE2eServer, type ApiResponse, type E2eServer } from './harness.ts';

/** Runs per route (three times as many for the routes that create and change what is stored); FUZZ_RUNS=200 for a longer session. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const BUSY_ROUTES = new Set(['POST /v1/schedules', 'PATCH /v1/schedules/{id}', 'POST /v1/agents', 'PATCH /v1/agents/{id}', 'POST /v1/runs']);
const SEED = Number(process.env.FUZZ_SEED ?? 42);

/** The harmless agent every real id points at: nothing listens on port 9, so a run naming it fails at once. */
const AGENT_URL = 'http://127.0.0.1:9/agent';
const REAL_AGENT_ID = 'fuzz-agent';
const REAL_SECRET = 'fuzz-secret';

let e2e: E2eServer;
let key: string;
/** Ids of things that exist, resolved when a request is made (a fuzzed DELETE may remove one; it is then recreated). */
const real = { schedule: '', agent: REAL_AGENT_ID, scheduleRun: '', apiRun: '', secret: REAL_SECRET };
type RealRef = keyof typeof real;
/** What the last count said: a rejected write must leave these unchanged. */
let known = { schedules: 0, agents: [] as string[] };

async function ok(response: Promise<ApiResponse>, status: number): Promise<ApiResponse> {
  const answer = await response;
  if (answer.status !== status) throw new Error(`setup: expected ${status}, got ${answer.status} ${answer.text.slice(0, 300)}`);
  return answer;
}

async function createRealSchedule(): Promise<void> {
  const created = await ok(
    e2e.request('POST', '/v1/schedules', { key, body: { name: 'Fuzz target', task: 'Summarise', cronExpression: '0 9 * * *', team: false } }),
    201,
  );
  real.schedule = created.json.schedule.id;
  // Triggered without an agent (the local server has no default one): the run fails with no_agent, nothing is called.
  const triggered = await ok(e2e.request('POST', `/v1/schedules/${real.schedule}/trigger`, { key }), 202);
  real.scheduleRun = triggered.json.run.id;
}

/** Recreates what a fuzzed DELETE removed, so later runs still reach real items. */
async function ensureReal(): Promise<void> {
  if ((await e2e.request('GET', `/v1/schedules/${encodeURIComponent(real.schedule)}`, { key })).status === 404) await createRealSchedule();
  if ((await e2e.request('GET', `/v1/agents/${REAL_AGENT_ID}`, { key })).status === 404) {
    await ok(e2e.request('POST', '/v1/agents', { key, body: { id: REAL_AGENT_ID, name: 'Fuzz agent', kind: 'http', url: AGENT_URL } }), 201);
  }
  const secrets = await e2e.request('GET', '/v1/secrets?limit=100', { key });
  if (!JSON.stringify(secrets.json ?? {}).includes(REAL_SECRET))
    await e2e.request('PUT', `/v1/secrets/${REAL_SECRET}`, { key, body: { value: 'not a real secret' } });
}

async function agentList(): Promise<Array<{ id: string; kind: string; url?: string }>> {
  const agents: Array<{ id: string; kind: string; url?: string }> = [];
  let cursor: string | null = null;
  do {
    const page: ApiResponse = await e2e.request('GET', `/v1/agents?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { key });
    if (page.status !== 200) throw new Error(`listing agents: ${page.status} ${page.text.slice(0, 300)}`);
    agents.push(...page.json.data);
    cursor = page.json.next_cursor;
  } while (cursor);
  return agents;
}

async function count(): Promise<typeof known> {
  const schedules = await e2e.request('GET', '/v1/schedules?limit=1', { key });
  if (schedules.status !== 200) throw new Error(`counting schedules: ${schedules.status} ${schedules.text.slice(0, 300)}`);
  const agents = await agentList();
  return { schedules: schedules.json.stats.total as number, agents: agents.map((agent) => agent.id).sort() };
}

/** Any agent a fuzzed write managed to save that could reach beyond the dead loopback port is removed at once. */
async function disarmAgents(): Promise<void> {
  for (const agent of await agentList()) {
    if (agent.kind !== 'http' || !String(agent.url).startsWith('http://127.0.0.1:9/'))
      await e2e.request('DELETE', `/v1/agents/${encodeURIComponent(agent.id)}`, { key });
  }
}

beforeAll(async () => {
  e2e = await startE2eServer();
  key = e2e.server.apiKey;
  await createRealSchedule();
  await ok(e2e.request('POST', '/v1/agents', { key, body: { id: REAL_AGENT_ID, name: 'Fuzz agent', kind: 'http', url: AGENT_URL } }), 201);
  real.apiRun = (await ok(e2e.request('POST', '/v1/runs', { key, body: { task: 'Summarise' } }), 202)).json.run.id;
  await ok(e2e.request('PUT', `/v1/secrets/${REAL_SECRET}`, { key, body: { value: 'not a real secret' } }), 201);
  known = await count();
});

afterAll(async () => {
  // FUZZ_STATS=1 prints how the answers were spread, per route and status (to see what the generators reach).
  if (process.env.FUZZ_STATS && e2e) {
    const spread = new Map<string, number>();
    for (const response of e2e.responses) {
      const name = `${response.method} ${response.path
        .split('?')[0]!
        .replace(/\/[^/]*$/, '/…')
        .slice(0, 40)} ${response.status}`;
      spread.set(name, (spread.get(name) ?? 0) + 1);
    }
    console.log(
      [...spread]
        .sort()
        .map(([name, n]) => `${name}: ${n}`)
        .join('\n'),
    );
    if (process.env.FUZZ_STATS === 'all')
      for (const response of e2e.responses) console.log(`${response.method} ${response.path.slice(0, 120)} ${response.status} ${response.text.slice(0, 300)}`);
  }
  await e2e?.stop();
});

// ---------------------------------------------------------------------------------------------------------------------
// Generated JSON, as text: values nested far deeper than JSON.stringify (or any recursive walk) can handle are written
// directly, and numbers keep the exact spelling that was sent.

const objectText = (entries: ReadonlyArray<readonly [string, string]>): string =>
  `{${entries.map(([name, value]) => `${JSON.stringify(name)}:${value}`).join(',')}}`;

const deepText = fc
  .record({ levels: fc.integer({ min: 17, max: 20_000 }), shape: fc.constantFrom('object', 'array', 'mixed', 'emptyKey') })
  .map(({ levels, shape }) => {
    if (shape === 'array') return `${'['.repeat(levels)}${']'.repeat(levels)}`;
    if (shape === 'emptyKey') return `${'{"":'.repeat(levels)}0${'}'.repeat(levels)}`;
    if (shape === 'mixed') return `${'[{"a":'.repeat(levels >> 1)}1${'}]'.repeat(levels >> 1)}`;
    return `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
  });

const numberText = fc.oneof(
  fc.constantFrom(
    '1e20',
    '9007199254740993',
    '-9007199254740993',
    '9007199254740991',
    '1e-300',
    '-1e-300',
    '5e-324',
    '1e-130',
    '1e-131',
    '1e400',
    '-1e400',
    '1.7976931348623157e308',
    '9.99e125',
    '1e126',
    '-0',
    '0',
    '0.1',
    '1E+2',
    '123456789012345678901234567890',
    '1',
    '300',
    '840',
    '841',
    '50',
    '51',
  ),
  fc
    .double()
    .filter(Number.isFinite)
    .map((value) => JSON.stringify(value)),
  fc.integer().map(String),
);

const unicodeText = fc
  .oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.integer({ min: 1, max: 300 }).chain((n) => fc.constantFrom('가', '각', '힣', 'ﷺ', '😀', 'é', '\u0301', 'ǅ', 'x').map((char) => char.repeat(n))),
    fc.constantFrom('', ' ', '\u0000', '\ud800', '\udfff', '   \t\n', 'x'.repeat(40_000), '가'.repeat(11_000)),
  )
  .map((text) => JSON.stringify(text));

const awkwardObjectText = fc.constantFrom(
  '{"":1}',
  '{"a":{"":{}}}',
  '{"__proto__":{"x":1}}',
  '{"constructor":1,"toString":2}',
  '{"a":1e20}',
  '{"a":[1e-300]}',
  '{}',
  '[]',
  '[{}]',
);

const anyJsonText = fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value));

const garbageText = fc.oneof(
  { arbitrary: numberText, weight: 2 },
  { arbitrary: unicodeText, weight: 2 },
  { arbitrary: anyJsonText, weight: 2 },
  { arbitrary: awkwardObjectText, weight: 1 },
  { arbitrary: deepText, weight: 1 },
  {
    arbitrary: fc
      .dictionary(fc.string({ maxLength: 6 }), fc.oneof(numberText, unicodeText, awkwardObjectText), { maxKeys: 4 })
      .map((entries) => objectText(Object.entries(entries))),
    weight: 2,
  },
);

const json = (...values: unknown[]) => fc.constantFrom(...values.map((value) => JSON.stringify(value)));
const instants = json(
  '2026-12-01T03:00:00Z',
  '2026-11-20T00:00:00Z',
  '2020-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '2026-12-01T03:00:00+14:00',
  '2026-12-01T03:00:00.123456789Z',
  '+275760-09-13T00:00:00Z',
);
const names = fc
  .oneof(
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }),
    fc.integer({ min: 1, max: 201 }).chain((n) => fc.constantFrom('가', '각', '힣', 'ﷺ', '😀', 'é', 'x', ' ').map((char) => char.repeat(n))),
    // Names whose NFKD form is several times longer: over 1,024 bytes of index key before the key was cut to fit.
    fc.constantFrom('가'.repeat(200), '각'.repeat(111), 'ﷺ'.repeat(200), '㍻'.repeat(200), `${'가'.repeat(199)}!`),
  )
  .map((text) => JSON.stringify(text));
/** Storable metadata at the edges (exact numbers, 1e-130, unicode keys, 16 levels) and, more often, just past them. */
const metadataText = fc.oneof(
  json(
    { team: 'finance' },
    { n: Number.MAX_SAFE_INTEGER, tiny: 1e-130, neg: -0.5 },
    { 가: ['😀', null, true] },
    JSON.parse(`${'{"a":'.repeat(15)}1${'}'.repeat(15)}`),
    {},
    null,
  ),
  fc.constantFrom(
    `${'{"a":'.repeat(16)}1${'}'.repeat(16)}`,
    `${'{"a":'.repeat(17)}1${'}'.repeat(17)}`,
    `{"blob":"${'x'.repeat(8170)}"}`,
    `{"blob":"${'x'.repeat(8200)}"}`,
    '{"a":1e20}',
    '{"":1}',
  ),
  numberText.map((number) => `{"n":${number}}`),
  fc
    .tuple(fc.string({ maxLength: 3 }), numberText, fc.integer({ min: 0, max: 20 }))
    .map(([name, number, levels]) => `{${JSON.stringify(name)}:${'['.repeat(levels)}${number}${']'.repeat(levels)}}`),
  deepText.map((deep) => `{"deep":${deep}}`),
);
/** Values that are valid (or nearly) for each known field, so requests get past the first check and reach the store. */
const FIELD_VALUES: Record<string, fc.Arbitrary<string>> = {
  name: names,
  description: fc.oneof(unicodeText, json(null, 'x'.repeat(2000), 'x'.repeat(2001))),
  task: fc.oneof(unicodeText, json('Summarise', 'x'.repeat(32 * 1024), 'x'.repeat(32 * 1024 + 1), '가'.repeat(10923))),
  prompt: unicodeText,
  message: unicodeText,
  cronExpression: json(
    '0 9 * * *',
    '*/5 * * * *',
    '*/1 * * * *',
    '0 9 * * 1-5',
    '0 0 29 2 *',
    '59 23 31 12 *',
    '0 9 1 * 1',
    'every day at 9am',
    'sundays at 5pm UTC',
    '* * * * * *',
    '0 9 * * MON#2',
    '60 24 * * *',
  ),
  cadence: json('0 9 * * *', 'every day at 9am', 'every 10 minutes'),
  cron_schedule: json('0 9 * * *', '0 0 * * 0'),
  timezone: json('UTC', 'America/New_York', 'Asia/Kathmandu', 'Etc/GMT+12', 'Pacific/Kiritimati', 'Mars/Base', 'utc', '+05:30', ''),
  scheduledTime: fc.oneof(instants, json('2026-12-01T03:00:00', '2026-12-01', 'tomorrow')),
  scheduleType: json('recurring', 'one-time', 'once'),
  type: json('recurring', 'one-time'),
  enabled: json(true, false, 'true', 0),
  active: json(true, false),
  metadata: metadataText,
  startAt: instants,
  endAt: instants,
  overlapPolicy: json('skip', 'allow', 'queue'),
  timeoutSeconds: json(1, 300, 840, 841, 0, 1.5, -1),
  team: json(false, true),
  agentId: json(null, 'nonexistent-agent', '', 'a'.repeat(65), 'Ünï'),
  environmentId: fc.oneof(unicodeText, json(null, 'x'.repeat(129))),
  appId: fc.oneof(unicodeText, json(null, 'x'.repeat(129))),
  id: json('fuzzed-agent', 'agent_x', '', 'a'.repeat(65), 'sched_AAAAAAAA', REAL_AGENT_ID),
  kind: json('http', 'HTTP', '', 'nope'),
  url: json(AGENT_URL, 'http://127.0.0.1:9/a?b=c#d', 'ftp://127.0.0.1/x', 'http://user:pw@127.0.0.1:9/', 'not a url'),
  secretRef: json('secret:fuzz-secret', 'secret:nope', 'env:HOME', 'env:AWS_SECRET_ACCESS_KEY', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:x', ''),
  headers: json({ 'X-Trace': '1' }, { Authorization: 'x' }, { 'bad name': 'x' }, { 'X-Long': 'x'.repeat(1025) }, {}),
  schedule: json(
    { cronExpression: '0 9 * * *' },
    { type: 'one-time', scheduledTime: '2026-12-01T03:00:00Z' },
    { cronExpression: '0 9 * * *', metadata: { a: 1e20 } },
    {},
  ),
  messages: json([{ role: 'user', content: 'hi' }], [], [{ role: 'user', content: 5 }], [null]),
  count: json(1, 5, 50, 51, 0),
  value: fc.oneof(unicodeText, json('v', 'x'.repeat(70_000))),
  tenantId: json('fuzz', 'Fuzz', ''),
  userId: json('fuzzer', ''),
};

/** A value for a field: one made for it, or anything at all (wrong types, extremes, deep nesting). */
const valueFor = (field: string): fc.Arbitrary<string> => {
  const made = FIELD_VALUES[field];
  return made ? fc.oneof({ arbitrary: made, weight: 3 }, { arbitrary: garbageText, weight: 2 }) : garbageText;
};

const SCHEDULE_FIELDS = [...Object.keys(ScheduleFields.shape), ...Object.keys(FIELD_ALIASES), 'bundle', 'toolhouse_id'];
const AGENT_FIELDS = [
  'id',
  'name',
  'description',
  'metadata',
  'kind',
  'url',
  'secretRef',
  'headers',
  'baseUrl',
  'model',
  'systemPrompt',
  'modelId',
  'bedrockAgentId',
  'aliasId',
  'functionArn',
  'args',
];
const RUN_FIELDS = ['task', 'agentId', 'environmentId', 'metadata', 'schedule', 'messages', 'prompt', 'message', 'chat_id', 'agent_id', 'thread'];
const PREVIEW_FIELDS = ['cronExpression', 'scheduledTime', 'timezone', 'count', 'cadence', 'cron_schedule'];
const SECRET_FIELDS = ['value', 'name'];
const API_KEY_FIELDS = ['tenantId', 'userId', 'teamId', 'name'];

/** Free-form fields that go to storage as given: the likeliest to hold what DynamoDB cannot keep. */
const STORED_SCHEDULE_FIELDS = ['metadata', 'metadata', 'name', 'name', 'task', 'description', 'environmentId', 'appId', 'prompt'];
const STORED_AGENT_FIELDS = ['metadata', 'metadata', 'name', 'description', 'headers', 'id'];

/** Known fields of the function that serves a route, and a valid body to start from (then some fields are replaced). */
function bodyModel(route: Route): { fields: string[]; base: Record<string, string>; focus?: string[] } {
  const text = (value: Record<string, unknown>) => Object.fromEntries(Object.entries(value).map(([name, field]) => [name, JSON.stringify(field)]));
  switch (route.function) {
    case 'create-schedule':
      return {
        fields: SCHEDULE_FIELDS,
        base: text({ name: 'Fuzzed', task: 'Summarise', cronExpression: '0 9 * * *', team: false }),
        focus: STORED_SCHEDULE_FIELDS,
      };
    case 'update-schedule':
      return { fields: SCHEDULE_FIELDS, base: text({ name: 'Fuzzed again' }), focus: STORED_SCHEDULE_FIELDS };
    case 'create-run':
      return { fields: RUN_FIELDS, base: text({ task: 'Summarise' }), focus: ['metadata', 'metadata', 'task', 'schedule', 'message'] };
    case 'create-agent':
    case 'replace-agent':
      return { fields: AGENT_FIELDS, base: text({ name: 'Fuzzed agent', kind: 'http', url: AGENT_URL }), focus: STORED_AGENT_FIELDS };
    case 'update-agent':
      return { fields: AGENT_FIELDS, base: text({ name: 'Fuzzed agent' }), focus: STORED_AGENT_FIELDS };
    case 'preview-schedule':
      return { fields: PREVIEW_FIELDS, base: text({ cronExpression: '0 9 * * *', timezone: 'UTC' }) };
    case 'put-secret':
      return { fields: SECRET_FIELDS, base: text({ value: 'v' }) };
    case 'create-api-key':
      return { fields: API_KEY_FIELDS, base: text({ tenantId: 'fuzz', userId: 'fuzzer', name: 'never issued' }) };
    default:
      return { fields: [...SCHEDULE_FIELDS.slice(0, 6), 'reason', 'force'], base: {} };
  }
}

function bodyArbitrary(route: Route): fc.Arbitrary<string | undefined> {
  const { fields, base, focus = [] } = bodyModel(route);
  const field = fc.oneof({ arbitrary: fc.constantFrom(...fields), weight: 8 }, { arbitrary: fc.string({ maxLength: 12 }), weight: 1 });
  const entries = fc.array(
    field.chain((name) => fc.tuple(fc.constant(name), valueFor(name))),
    { minLength: 1, maxLength: 3 },
  );
  const madeFields = fields.filter((name) => FIELD_VALUES[name] !== undefined);
  const madeEntries = fc.array(
    fc.constantFrom(...madeFields).chain((name) => fc.tuple(fc.constant(name), FIELD_VALUES[name]!)),
    { minLength: 1, maxLength: 3 },
  );
  const withBase = (changes: Array<[string, string]>) => objectText(Object.entries({ ...base, ...Object.fromEntries(changes) }));
  const focused = fc
    .constantFrom(...(focus.length > 0 ? focus : fields))
    .chain((name) => fc.tuple(fc.constant(name), valueFor(name)).map((change) => [change]));
  return fc.oneof(
    // A valid body with one stored free-form field set to anything (metadata numbers, deep nesting, long unicode names).
    { arbitrary: focused.map(withBase), weight: focus.length > 0 ? 8 : 1 },
    // A valid body with one to three fields set to values made for them: reaches the deeper rules and the store.
    { arbitrary: madeEntries.map(withBase), weight: 4 },
    // A valid body with one to three fields replaced by anything (wrong types, extremes, deep nesting).
    { arbitrary: entries.map(withBase), weight: 4 },
    // Only known field names, any values.
    { arbitrary: entries.map((pairs) => objectText(pairs)), weight: 2 },
    { arbitrary: anyJsonText, weight: 1 },
    { arbitrary: deepText, weight: 1 },
    {
      arbitrary: fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('{', '{"a":', 'nul', '\u0000', '[1,]', '{"a":1}{"b":2}', '\ufeff{}', '"x"', '12')),
      weight: 1,
    },
    { arbitrary: fc.constant(undefined), weight: 1 },
  );
}

const QUERY_NAMES = [
  'limit',
  'cursor',
  'offset',
  'enabled',
  'agentId',
  'environmentId',
  'appId',
  'scheduleType',
  'status',
  'cron',
  'timezone',
  'text',
  'sort',
  'page',
];
const queryValue = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom(
    '0',
    '-1',
    '1',
    '20',
    '100',
    '101',
    '1000',
    '1001',
    '1.5',
    '1e3',
    'NaN',
    'Infinity',
    '9'.repeat(400),
    'true',
    'false',
    'TRUE',
    'recurring',
    'one-time',
    'failed',
    'queued',
    `abc.${'é'.repeat(22)}`,
    'abc.def',
    'a.b.c',
    '.',
    '0 9 * * *',
    'every day at 9am',
    'x'.repeat(3000),
    '가'.repeat(300),
  ),
);
const queryArbitrary = fc.oneof(
  { arbitrary: fc.constant(''), weight: 2 },
  {
    arbitrary: fc
      .oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constantFrom(`abc.${'é'.repeat(22)}`, `${'é'.repeat(10)}.${'가'.repeat(22)}`, 'a.b', '.', '..'))
      .map((cursor) => `?cursor=${encodeURIComponent(cursor)}`),
    weight: 1,
  },
  {
    arbitrary: fc
      .array(fc.tuple(fc.oneof({ arbitrary: fc.constantFrom(...QUERY_NAMES), weight: 4 }, { arbitrary: fc.string({ maxLength: 8 }), weight: 1 }), queryValue), {
        maxLength: 4,
      })
      .chain((pairs) =>
        fc
          .constantFrom('', '&%zz', '&a=%E0%A4%A', '&&=', '&limit')
          .map((raw) => `?${pairs.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&')}${raw}`),
      ),
    weight: 5,
  },
);

/** A path segment: a real id (resolved at request time) or a generated one, percent-encoded or deliberately not. */
type Segment = { real: RealRef } | { raw: string };
const generatedSegment: fc.Arbitrary<Segment> = fc.oneof(
  { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map((text) => ({ raw: encodeURIComponent(text) })), weight: 2 },
  {
    arbitrary: fc
      .constantFrom(
        '%',
        '%zz',
        '%E0%A4%A',
        '%00',
        '%2F',
        '%F0%9F%98%80',
        'sched_AAAAAAAA',
        `sched_${'a'.repeat(1100)}`,
        `run_${'a'.repeat(300)}`,
        'key_acme_AAAAAAAAAAAAAAAA',
        encodeURIComponent('가'.repeat(400)),
        'constructor',
        '__proto__',
      )
      .map((raw) => ({ raw })),
    weight: 1,
  },
);

/** The real item a route's parameter names, when there is one: mostly that one, sometimes another kind's id. */
function realFor(route: Route, param: string): RealRef {
  if (param === 'runId') return 'scheduleRun';
  if (param === 'name') return 'secret';
  if (route.path.startsWith('/v1/agents')) return 'agent';
  if (route.path.startsWith('/v1/runs')) return 'apiRun';
  return 'schedule';
}

function segmentArbitrary(route: Route, param: string): fc.Arbitrary<Segment> {
  return fc.oneof(
    { arbitrary: fc.constant<Segment>({ real: realFor(route, param) }), weight: 4 },
    { arbitrary: fc.constantFrom<RealRef>('schedule', 'agent', 'scheduleRun', 'apiRun', 'secret').map((ref): Segment => ({ real: ref })), weight: 1 },
    { arbitrary: generatedSegment, weight: 3 },
  );
}

const headerText = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 300 });
const headersArbitrary = fc.record({
  idempotencyKey: fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 3 },
    { arbitrary: fc.oneof(headerText, fc.constantFrom('same-key', 'x'.repeat(255), 'x'.repeat(256), 'é', 'a b', '')), weight: 1 },
  ),
  contentType: fc.constantFrom(
    undefined,
    'application/json',
    'application/json; charset=utf-8',
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/json; charset=utf-16',
    '',
    'application/vnd.api+json',
    '*/*',
  ),
  authorization: fc.oneof({ arbitrary: fc.constant('right'), weight: 12 }, { arbitrary: fc.constantFrom('none', 'garbage', 'tenant', 'admin'), weight: 1 }),
});

interface FuzzRequest {
  params: Record<string, Segment>;
  query: string;
  headers: { idempotencyKey: string | undefined; contentType: string | undefined; authorization: string };
  body: string | undefined;
}

function requestArbitrary(route: Route): fc.Arbitrary<FuzzRequest> {
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  const params = fc.record(Object.fromEntries(names.map((name) => [name, segmentArbitrary(route, name)])) as Record<string, fc.Arbitrary<Segment>>);
  const body = route.method === 'GET' ? fc.constant(undefined) : bodyArbitrary(route);
  return fc.record({ params, query: queryArbitrary, headers: headersArbitrary, body });
}

function resolvePath(route: Route, params: Record<string, Segment>): string {
  return route.path.replace(/\{(\w+)\}/g, (_whole, name: string) => {
    const segment = params[name]!;
    return 'real' in segment ? encodeURIComponent(real[segment.real]) : segment.raw;
  });
}

/** Sends one generated request and checks the answer; `what` says exactly what was sent, for a failure report. */
async function check(route: Route, request: FuzzRequest): Promise<void> {
  const path = `${resolvePath(route, request.params)}${request.query}`;
  const headers: Record<string, string> = {};
  if (request.headers.idempotencyKey !== undefined) headers['Idempotency-Key'] = request.headers.idempotencyKey;
  if (request.headers.contentType !== undefined && request.body !== undefined) headers['Content-Type'] = request.headers.contentType;
  let body = request.body;
  // "right": the key the route takes (the admin key on admin routes, a tenant key elsewhere).
  const authorization = request.headers.authorization === 'right' ? (route.auth === 'admin' ? 'admin' : 'tenant') : request.headers.authorization;
  const admin = route.auth === 'admin' && authorization === 'admin';
  // The admin key only ever sends bodies with an unknown field (refused by the strict schema): no key is ever issued.
  if (admin && route.method === 'POST')
    body = `{"fuzz_never_a_field":true,"value":${body === undefined || body.trim() === '' ? 'null' : JSON.stringify(body)}}`;
  const credential = { tenant: key, none: null, garbage: 'as_fuzz_not-a-key', admin: e2e.server.adminKey }[authorization] ?? key;

  const response = await e2e.request(route.method, path, { key: credential, headers, ...(body !== undefined ? { rawBody: body } : {}) });
  const what = `${route.method} ${path.slice(0, 300)} headers=${JSON.stringify(headers).slice(0, 300)} body=${(body ?? '<none>').slice(0, 400)} → ${response.status} ${response.text.slice(0, 400)}`;

  expect(response.status, what).toBeLessThan(500);
  if (response.status >= 400) {
    expect(response.headers.get('content-type'), what).toMatch(/^application\/json/);
    expect(typeof response.json?.error?.code, what).toBe('string');
    expect(typeof response.json?.error?.message, what).toBe('string');
    expect(response.text, what).not.toContain('    at ');
  }

  if (route.method !== 'GET' && route.table === 'write') {
    if (response.status < 300 && route.function.endsWith('-agent')) await disarmAgents();
    if (response.status < 300 && route.method === 'DELETE') await ensureReal();
    const after = await count();
    if (response.status >= 400) expect(after, `a rejected request stored something: ${what}`).toEqual(known);
    known = after;
  }
}

describe('every route, fuzzed over HTTP', () => {
  it.each(ROUTES.map((route) => [routeKey(route), route] as const))(
    '%s: never a 5xx, every 4xx the error envelope, nothing stored when rejected',
    async (_key, route) => {
      await fc.assert(
        fc.asyncProperty(requestArbitrary(route), (request) => check(route, request)),
        { seed: SEED, numRuns: BUSY_ROUTES.has(routeKey(route)) ? 3 * RUNS : RUNS, endOnFailure: true },
      );
    },
    120_000,
  );
});

/**
 * Shapes the fuzzing found answering 5xx, kept as regressions: a field that is an object with a `length` whose
 * toString/valueOf are not functions (zod measures it even after the type check failed; every request field uses
 * maxChars/minChars/maxItems from shared/domain/length-checks.ts), an agent header named "constructor" (DynamoDB's
 * marshaller reads it as the map's type), and a one-time instant whose wall-clock year in its timezone passes 9999.
 */
describe('shapes that once answered 5xx', () => {
  const poison = '{"length":{"toString":1}}';
  const cases: Array<[string, string, string, string, 'tenant' | 'admin']> = [
    ['a run task that is an object with a "length" (create-run.ts RunBody.task/agentId/environmentId)', 'POST', '/v1/runs', `{"task":${poison}}`, 'tenant'],
    [
      'an agent name that is an object with a "length" (agent.ts: name, description, model, …, headers values, args)',
      'POST',
      '/v1/agents',
      `{"name":${poison},"kind":"http","url":"${AGENT_URL}"}`,
      'tenant',
    ],
    [
      'a preview cronExpression that is an object with a "length" (preview-schedule.ts PreviewInput)',
      'POST',
      '/v1/schedules/preview',
      `{"cronExpression":${poison}}`,
      'tenant',
    ],
    ['a secret value that is an object with a "length" (secrets.ts PutSecretInput)', 'PUT', '/v1/secrets/fuzz-known', `{"value":${poison}}`, 'tenant'],
    [
      'an API key name that is an object with a "length" (api-keys.ts CreateApiKeyInput)',
      'POST',
      '/v1/admin/api-keys',
      `{"tenantId":"fuzz","userId":"fuzzer","name":${poison}}`,
      'admin',
    ],
    [
      'command agent args that are an object with a "length" (agent.ts args)',
      'POST',
      '/v1/agents',
      `{"name":"a","kind":"command","command":"true","args":{"length":${poison}}}`,
      'tenant',
    ],
    [
      'an agent header named "constructor" (agent.ts headers)',
      'POST',
      '/v1/agents',
      `{"name":"a","kind":"http","url":"${AGENT_URL}","headers":{"constructor":"x"}}`,
      'tenant',
    ],
    [
      'a disabled one-time schedule at 9999-12-31T23:59:59Z in Asia/Kathmandu: at(10000-01-01T05:44:59) is past what a schedule can name',
      'POST',
      '/v1/schedules',
      '{"task":"t","enabled":false,"team":false,"scheduledTime":"9999-12-31T23:59:59Z","timezone":"Asia/Kathmandu"}',
      'tenant',
    ],
  ];
  it.each(cases)('%s: %s %s answers 400', async (_what, method, path, rawBody, credential) => {
    const response = await e2e.request(method, path, { key: credential === 'admin' ? e2e.server.adminKey : key, rawBody });
    expect(response.status, `${method} ${path} ${rawBody} → ${response.status} ${response.text.slice(0, 300)}`).toBe(400);
  });
});
