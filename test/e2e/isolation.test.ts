// Tenancy and auth over HTTP: another tenant's schedules and agents are indistinguishable from ids that do not
// exist, team schedules are shared with the team only, and every kind of key is held to its own routes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpAgent, startE2eServer, type ApiResponse, type E2eServer } from './harness.ts';

let e2e: E2eServer;
// Tenant "acme": alice and carol are in team "ops"; dave is in no team. Tenant "globex": bob.
let alice: string;
let carol: string;
let dave: string;
let bob: string;
let alicePersonalId: string;
let aliceTeamId: string;
let bobScheduleId: string;

const UNKNOWN_SCHEDULE = 'sched_DoesNotExist0000000001';
const UNKNOWN_AGENT = 'no_such_agent';

async function createSchedule(key: string, body: Record<string, unknown>): Promise<string> {
  const response = await e2e.request('POST', '/v1/schedules', { key, body });
  expect(response.status, response.text).toBe(201);
  return response.json.schedule.id as string;
}

/** The error body with the id taken out of its message, so two 404s can be compared for shape and wording. */
function withoutId(response: ApiResponse, id: string): unknown {
  return JSON.parse(response.text.split(id).join('<id>'));
}

beforeAll(async () => {
  e2e = await startE2eServer();
  alice = (await e2e.createKey({ tenantId: 'acme', userId: 'alice', teamId: 'ops' })).apiKey;
  carol = (await e2e.createKey({ tenantId: 'acme', userId: 'carol', teamId: 'ops' })).apiKey;
  dave = (await e2e.createKey({ tenantId: 'acme', userId: 'dave' })).apiKey;
  bob = (await e2e.createKey({ tenantId: 'globex', userId: 'bob' })).apiKey;

  expect((await e2e.request('POST', '/v1/agents', { key: alice, body: httpAgent('acme_bot', 'Acme bot') })).status).toBe(201);
  alicePersonalId = await createSchedule(alice, {
    name: 'Alice personal digest',
    task: 'Summarise my inbox',
    cronExpression: '0 7 * * 1-5',
    timezone: 'Europe/Berlin',
    agentId: 'acme_bot',
    team: false,
    metadata: { owner: 'alice' },
  });
  aliceTeamId = await createSchedule(alice, { name: 'Ops team report', task: 'Report on incidents', cronExpression: '0 8 * * *', team: true });
  bobScheduleId = await createSchedule(bob, { name: 'Globex report', task: 'Report on Globex', cronExpression: '0 6 * * *' });
});

afterAll(async () => {
  await e2e?.stop();
});

describe('tenant isolation', () => {
  const scheduleAttempts: Array<{ what: string; method: string; suffix: string; body?: unknown }> = [
    { what: 'reads', method: 'GET', suffix: '' },
    { what: 'patches', method: 'PATCH', suffix: '', body: { name: 'Hijacked' } },
    { what: 'replaces', method: 'PUT', suffix: '', body: { name: 'Hijacked', task: 'Hijacked', cronExpression: '* * * * *' } },
    { what: 'enables', method: 'PATCH', suffix: '/enable' },
    { what: 'disables', method: 'PATCH', suffix: '/disable' },
    { what: 'pauses', method: 'POST', suffix: '/pause' },
    { what: 'resumes', method: 'POST', suffix: '/resume' },
    { what: 'deletes', method: 'DELETE', suffix: '' },
  ];

  it.each(scheduleAttempts.map((attempt) => [attempt.what, attempt] as const))(
    "answers another tenant that %s a tenant's schedule with the same 404 as an unknown id, and changes nothing",
    async (_what, { method, suffix, body }) => {
      const before = await e2e.request('GET', `/v1/schedules/${alicePersonalId}`, { key: alice });
      const attempt = await e2e.request(method, `/v1/schedules/${alicePersonalId}${suffix}`, { key: bob, ...(body ? { body } : {}) });
      const unknown = await e2e.request(method, `/v1/schedules/${UNKNOWN_SCHEDULE}${suffix}`, { key: bob, ...(body ? { body } : {}) });
      expect(attempt.status).toBe(404);
      expect(unknown.status).toBe(404);
      expect(attempt.json.error.code).toBe('not_found');
      expect(attempt.json.error.message).toMatch(/^No schedule with id ".+" exists for this account\.$/);
      expect(withoutId(attempt, alicePersonalId)).toEqual(withoutId(unknown, UNKNOWN_SCHEDULE));
      const after = await e2e.request('GET', `/v1/schedules/${alicePersonalId}`, { key: alice });
      expect(after.status).toBe(200);
      expect(after.json).toEqual(before.json);
    },
  );

  it('answers another tenant on the /agent/schedules paths with the same 404 as an unknown id', async () => {
    for (const [method, suffix, body] of [
      ['GET', '', undefined],
      ['PUT', '', { name: 'Hijacked', cron_schedule: '* * * * *', prompt: 'x', enabled: true }],
      ['POST', '/pause', undefined],
      ['POST', '/resume', undefined],
      ['DELETE', '', undefined],
    ] as const) {
      const attempt = await e2e.request(method, `/agent/schedules/${alicePersonalId}${suffix}`, { key: bob, ...(body ? { body } : {}) });
      const unknown = await e2e.request(method, `/agent/schedules/${UNKNOWN_SCHEDULE}${suffix}`, { key: bob, ...(body ? { body } : {}) });
      expect(attempt.status, `${method} ${suffix}`).toBe(404);
      expect(withoutId(attempt, alicePersonalId)).toEqual(withoutId(unknown, UNKNOWN_SCHEDULE));
    }
  });

  it("leaves the tenant's schedule exactly as it was after every attempt by another tenant", async () => {
    const response = await e2e.request('GET', `/v1/schedules/${alicePersonalId}`, { key: alice });
    expect(response.status).toBe(200);
    expect(response.json.schedule).toMatchObject({
      id: alicePersonalId,
      name: 'Alice personal digest',
      task: 'Summarise my inbox',
      cronExpression: '0 7 * * 1-5',
      timezone: 'Europe/Berlin',
      enabled: true,
      agentId: 'acme_bot',
      metadata: { owner: 'alice' },
      nextRunAt: '2026-11-20T06:00:00Z',
      createdAt: '2026-11-20T00:00:00.000Z',
      updatedAt: '2026-11-20T00:00:00.000Z',
    });
  });

  it.each([
    ['GET', undefined],
    ['PATCH', { name: 'Hijacked' }],
    ['PUT', { name: 'Hijacked', kind: 'http', url: 'http://127.0.0.1:9/evil' }],
    ['DELETE', undefined],
  ] as const)("answers another tenant's %s of a tenant's agent with the same 404 as an unknown agent id", async (method, body) => {
    const attempt = await e2e.request(method, '/v1/agents/acme_bot', { key: bob, ...(body ? { body } : {}) });
    const unknown = await e2e.request(method, `/v1/agents/${UNKNOWN_AGENT}`, { key: bob, ...(body ? { body } : {}) });
    expect(attempt.status).toBe(404);
    expect(attempt.json.error.code).toBe('not_found');
    expect(attempt.json.error.message).toMatch(/^No agent with id ".+" exists for this account\.$/);
    expect(withoutId(attempt, 'acme_bot')).toEqual(withoutId(unknown, UNKNOWN_AGENT));
    const own = await e2e.request('GET', '/v1/agents/acme_bot', { key: alice });
    expect(own.status).toBe(200);
    expect(own.json.agent).toMatchObject({ id: 'acme_bot', name: 'Acme bot', url: 'http://127.0.0.1:9/agent' });
  });

  it("refuses another tenant's agent id in a schedule exactly as an agent id that does not exist", async () => {
    const body = (agentId: string) => ({ name: 'Borrow', task: 'x', cronExpression: '0 9 * * *', agentId });
    const attempt = await e2e.request('POST', '/v1/schedules', { key: bob, body: body('acme_bot') });
    const unknown = await e2e.request('POST', '/v1/schedules', { key: bob, body: body(UNKNOWN_AGENT) });
    expect(attempt.status).toBe(400);
    expect(withoutId(attempt, 'acme_bot')).toEqual(withoutId(unknown, UNKNOWN_AGENT));
  });

  it('lets another tenant create an agent with an id this tenant already uses, so the id is not confirmed to exist', async () => {
    const response = await e2e.request('POST', '/v1/agents', { key: bob, body: httpAgent('acme_bot', 'Globex bot') });
    expect(response.status).toBe(201);
    const mine = await e2e.request('GET', '/v1/agents/acme_bot', { key: alice });
    expect(mine.json.agent.name).toBe('Acme bot');
    const theirs = await e2e.request('GET', '/v1/agents/acme_bot', { key: bob });
    expect(theirs.json.agent.name).toBe('Globex bot');
  });

  it("never lists another tenant's schedules or agents", async () => {
    const aliceList = await e2e.request('GET', '/v1/schedules', { key: alice });
    const bobList = await e2e.request('GET', '/v1/schedules', { key: bob });
    const aliceIds = aliceList.json.data.map((item: any) => item.id);
    const bobIds = bobList.json.data.map((item: any) => item.id);
    expect(aliceIds).toEqual(expect.arrayContaining([alicePersonalId, aliceTeamId]));
    expect(aliceIds).not.toContain(bobScheduleId);
    expect(bobIds).toEqual([bobScheduleId]);
    expect(bobList.json.stats).toEqual({ total: 1, enabled: 1, disabled: 0 });
    expect(bobList.json.total_count).toBe(1);

    const agentSnake = await e2e.request('GET', '/agent/schedules', { key: bob });
    expect(agentSnake.json.data.map((item: any) => item.id)).toEqual([bobScheduleId]);

    const bobAgents = await e2e.request('GET', '/v1/agents', { key: bob });
    expect(bobAgents.json.data.map((agent: any) => agent.name)).toEqual(['Globex bot']);
    const aliceAgents = await e2e.request('GET', '/v1/agents', { key: alice });
    expect(aliceAgents.json.data.map((agent: any) => agent.name)).toEqual(['Acme bot']);
  });
});

describe('team visibility', () => {
  it('shows a team schedule to another member of the team, in GET and in the list', async () => {
    const response = await e2e.request('GET', `/v1/schedules/${aliceTeamId}`, { key: carol });
    expect(response.status).toBe(200);
    expect(response.json.schedule).toMatchObject({ id: aliceTeamId, name: 'Ops team report', teamId: 'ops', userId: 'alice' });
    const list = await e2e.request('GET', '/v1/schedules', { key: carol });
    expect(list.json.data.map((item: any) => item.id)).toEqual([aliceTeamId]);
  });

  it("keeps a member's personal schedule from the rest of the team", async () => {
    const response = await e2e.request('GET', `/v1/schedules/${alicePersonalId}`, { key: carol });
    expect(response.status).toBe(404);
    expect(response.json.error.code).toBe('not_found');
  });

  it('hides a team schedule from a user of the same tenant outside the team', async () => {
    const response = await e2e.request('GET', `/v1/schedules/${aliceTeamId}`, { key: dave });
    const unknown = await e2e.request('GET', `/v1/schedules/${UNKNOWN_SCHEDULE}`, { key: dave });
    expect(response.status).toBe(404);
    expect(withoutId(response, aliceTeamId)).toEqual(withoutId(unknown, UNKNOWN_SCHEDULE));
    const patch = await e2e.request('PATCH', `/v1/schedules/${aliceTeamId}`, { key: dave, body: { name: 'Not mine' } });
    expect(patch.status).toBe(404);
    const list = await e2e.request('GET', '/v1/schedules', { key: dave });
    expect(list.json.data).toEqual([]);
    expect(list.json.stats.total).toBe(0);
    expect((await e2e.request('GET', `/v1/schedules/${aliceTeamId}`, { key: alice })).json.schedule.name).toBe('Ops team report');
  });

  it('lets another team member change a team schedule', async () => {
    const response = await e2e.request('PATCH', `/v1/schedules/${aliceTeamId}/disable`, { key: carol });
    expect(response.status).toBe(200);
    expect(response.json.schedule).toMatchObject({ id: aliceTeamId, enabled: false });
    const seenByAlice = await e2e.request('GET', `/v1/schedules/${aliceTeamId}`, { key: alice });
    expect(seenByAlice.json.schedule.enabled).toBe(false);
  });
});

describe('keys and roles', () => {
  it('refuses a tenant key on the admin API with 403', async () => {
    const response = await e2e.request('POST', '/v1/admin/api-keys', { key: alice, body: { tenantId: 'acme', userId: 'mallory', name: 'sneaky' } });
    expect(response.status).toBe(403);
    expect(response.json.error.code).toBe('forbidden');
    expect(response.json.error.message).toMatch(/admin key/);
    const revoke = await e2e.request('DELETE', '/v1/admin/api-keys/key_acme_AAAAAAAAAAAAAAAA', { key: alice });
    expect(revoke.status).toBe(403);
  });

  it('refuses the admin key on the schedules API with 403', async () => {
    const response = await e2e.request('GET', '/v1/schedules', { key: e2e.server.adminKey });
    expect(response.status).toBe(403);
    expect(response.json.error.code).toBe('forbidden');
    expect(response.json.error.message).toMatch(/tenant API key/);
    const create = await e2e.request('POST', '/v1/schedules', { key: e2e.server.adminKey, body: { name: 'x', task: 'x', cronExpression: '0 9 * * *' } });
    expect(create.status).toBe(403);
  });

  it.each([
    ['no Authorization header', null],
    ['an unknown key of the right shape', `as_acme_${'A'.repeat(43)}`],
    ['a string that is not a key', 'not-a-key'],
  ] as const)('answers a request with %s with 401', async (_what, key) => {
    const response = await e2e.request('GET', '/v1/schedules', { key });
    expect(response.status).toBe(401);
    expect(response.json.error.code).toBe('unauthorized');
    expect(response.json.error.message).toMatch(/API key/);
  });

  it('answers 401 for a key after the admin revokes it, and 200 before', async () => {
    const { apiKey, keyId } = await e2e.createKey({ tenantId: 'acme', userId: 'erin' });
    expect((await e2e.request('GET', '/v1/schedules', { key: apiKey })).status).toBe(200);
    const revoke = await e2e.request('DELETE', `/v1/admin/api-keys/${keyId}`, { key: e2e.server.adminKey });
    expect(revoke.status).toBe(204);
    const after = await e2e.request('GET', '/v1/schedules', { key: apiKey });
    expect(after.status).toBe(401);
    expect(after.json.error.code).toBe('unauthorized');
    expect((await e2e.request('GET', '/v1/schedules', { key: alice })).status).toBe(200);
  });
});

describe('the list filtered by owner scope', () => {
  const names = async (key: string, scope?: string) =>
    ((await e2e.request('GET', `/v1/schedules${scope ? `?scope=${scope}` : ''}`, { key })).json.data as Array<{ name: string }>).map((each) => each.name);

  it('lists only the caller’s own schedules (scope=user) or only the team’s (scope=team), both by default', async () => {
    expect(await names(alice)).toEqual(['Alice personal digest', 'Ops team report']);
    expect(await names(alice, 'user')).toEqual(['Alice personal digest']);
    expect(await names(alice, 'team')).toEqual(['Ops team report']);
    // Carol shares the team, not Alice's own schedules.
    expect(await names(carol, 'user')).toEqual([]);
    expect(await names(carol, 'team')).toEqual(['Ops team report']);
  });

  it('answers a caller in no team an empty team list, and refuses another scope', async () => {
    const none = await e2e.request('GET', '/v1/schedules?scope=team', { key: dave });
    expect(none.json).toMatchObject({ data: [], has_more: false, total_count: 0 });
    const bad = await e2e.request('GET', '/v1/schedules?scope=everyone', { key: dave });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details.field).toBe('scope');
  });
});
