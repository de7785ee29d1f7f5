// The four replaced vendors' example requests, replayed as their documents write them (base URL aside),
// against the local server: each must get the status and the fields that vendor's client reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpAgent, START, startE2eServer, type E2eServer } from './harness.ts';

let e2e: E2eServer;

beforeAll(async () => {
  e2e = await startE2eServer();
});

afterAll(async () => {
  await e2e?.stop();
});

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

describe('seed 001 (computer-agents Schedules API)', () => {
  let key: string;
  let recurringId: string;
  let oneTimeId: string;
  const headers = { 'Content-Type': 'application/json' };

  beforeAll(async () => {
    ({ apiKey: key } = await e2e.createKey({ tenantId: 'seed-001', userId: 'user_xxx' }));
    const agent = await e2e.request('POST', '/v1/agents', { key, body: httpAgent('agent_xxx', 'Daily report agent') });
    expect(agent.status).toBe(201);
  });

  it('creates the recurring "Daily Report" schedule with 201 and its next run at 9:00 New York time', async () => {
    const response = await e2e.request('POST', '/v1/schedules', {
      key,
      headers,
      rawBody: `{
"name": "Daily Report",
"task": "Generate and email the daily metrics report",
"scheduleType": "recurring",
"cronExpression": "0 9 * * *",
"timezone": "America/New_York",
"agentId": "agent_xxx"
}`,
    });
    expect(response.status).toBe(201);
    const schedule = response.json.schedule;
    expect(schedule).toMatchObject({
      name: 'Daily Report',
      task: 'Generate and email the daily metrics report',
      scheduleType: 'recurring',
      cronExpression: '0 9 * * *',
      timezone: 'America/New_York',
      agentId: 'agent_xxx',
      enabled: true,
      nextRunAt: '2026-11-20T14:00:00Z',
      runCount: 0,
      successCount: 0,
      failureCount: 0,
      userId: 'user_xxx',
    });
    expect(schedule.id).toMatch(/^sched_/);
    expect(schedule.createdAt).toMatch(RFC3339);
    expect(Date.parse(schedule.createdAt)).toBe(START.getTime());
    recurringId = schedule.id;
  });

  it('creates the one-time "Deploy to Production" schedule with 201 and its next run at the scheduled time', async () => {
    const response = await e2e.request('POST', '/v1/schedules', {
      key,
      headers,
      rawBody: `{
"name": "Deploy to Production",
"task": "Run deployment script for version 2.0",
"scheduleType": "one-time",
"scheduledTime": "2026-12-20T03:00:00Z"
}`,
    });
    expect(response.status).toBe(201);
    const schedule = response.json.schedule;
    expect(schedule).toMatchObject({
      name: 'Deploy to Production',
      task: 'Run deployment script for version 2.0',
      scheduleType: 'one-time',
      enabled: true,
      nextRunAt: '2026-12-20T03:00:00Z',
      runCount: 0,
      successCount: 0,
      failureCount: 0,
      agentId: null,
    });
    expect(schedule.id).toMatch(/^sched_/);
    expect(Date.parse(schedule.scheduledTime)).toBe(Date.parse('2026-12-20T03:00:00Z'));
    oneTimeId = schedule.id;
  });

  it('lists enabled schedules as a list object with has_more, total_count and stats', async () => {
    const response = await e2e.request('GET', '/v1/schedules?enabled=true', { key });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ object: 'list', has_more: false, total_count: 2, stats: { total: 2, enabled: 2, disabled: 0 } });
    const byId = new Map<string, any>(response.json.data.map((item: any) => [item.id, item]));
    expect(byId.get(recurringId)).toMatchObject({
      id: recurringId,
      name: 'Daily Report',
      scheduleType: 'recurring',
      enabled: true,
      nextRunAt: '2026-11-20T14:00:00Z',
    });
    expect(byId.get(oneTimeId)).toMatchObject({
      id: oneTimeId,
      name: 'Deploy to Production',
      scheduleType: 'one-time',
      enabled: true,
      nextRunAt: '2026-12-20T03:00:00Z',
    });
    expect(response.json.data).toHaveLength(2);
  });

  it('gets one schedule by id with its task, timing and counters', async () => {
    const response = await e2e.request('GET', `/v1/schedules/${recurringId}`, { key });
    expect(response.status).toBe(200);
    expect(response.json.schedule).toMatchObject({
      id: recurringId,
      name: 'Daily Report',
      task: 'Generate and email the daily metrics report',
      scheduleType: 'recurring',
      cronExpression: '0 9 * * *',
      timezone: 'America/New_York',
      enabled: true,
      nextRunAt: '2026-11-20T14:00:00Z',
      lastRunAt: null,
      runCount: 0,
      successCount: 0,
      failureCount: 0,
    });
  });

  it('changes the cron expression with PATCH and moves the next run to 10:00 New York time', async () => {
    const response = await e2e.request('PATCH', `/v1/schedules/${recurringId}`, { key, headers, rawBody: '{"cronExpression": "0 10 * * *"}' });
    expect(response.status).toBe(200);
    expect(response.json.schedule).toMatchObject({
      id: recurringId,
      name: 'Daily Report',
      cronExpression: '0 10 * * *',
      timezone: 'America/New_York',
      nextRunAt: '2026-11-20T15:00:00Z',
    });
    const again = await e2e.request('GET', `/v1/schedules/${recurringId}`, { key });
    expect(again.json.schedule.cronExpression).toBe('0 10 * * *');
  });

  it('disables and enables a schedule with PATCH /disable and /enable, answering {schedule: {id, enabled}}', async () => {
    const disabled = await e2e.request('PATCH', `/v1/schedules/${recurringId}/disable`, { key });
    expect(disabled.status).toBe(200);
    expect(disabled.json.schedule).toMatchObject({ id: recurringId, enabled: false });
    const listed = await e2e.request('GET', '/v1/schedules?enabled=true', { key });
    expect(listed.json.data.map((item: any) => item.id)).toEqual([oneTimeId]);
    expect(listed.json.stats).toEqual({ total: 2, enabled: 1, disabled: 1 });

    const enabled = await e2e.request('PATCH', `/v1/schedules/${recurringId}/enable`, { key });
    expect(enabled.status).toBe(200);
    expect(enabled.json.schedule).toMatchObject({ id: recurringId, enabled: true, nextRunAt: '2026-11-20T15:00:00Z' });
  });

  it('deletes a schedule with 204 and an empty body, after which it is not found', async () => {
    const response = await e2e.request('DELETE', `/v1/schedules/${oneTimeId}`, { key });
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    const gone = await e2e.request('GET', `/v1/schedules/${oneTimeId}`, { key });
    expect(gone.status).toBe(404);
    expect(gone.json.error.code).toBe('not_found');
    const listed = await e2e.request('GET', '/v1/schedules', { key });
    expect(listed.json.data.map((item: any) => item.id)).toEqual([recurringId]);
    expect(listed.json.stats.total).toBe(1);
  });
  it('accepts every list query parameter seed 001 documents, and filters by them', async () => {
    const parameters = ['agentId=agent_xxx', 'environmentId=env_xxx', 'appId=app_xxx', 'scheduleType=recurring', 'enabled=true', 'limit=10', 'offset=0'];
    const refused = [];
    for (const parameter of parameters) {
      const response = await e2e.request('GET', `/v1/schedules?${parameter}`, { key });
      if (response.status !== 200) refused.push(`${parameter} → ${response.status} ${response.json?.error?.message}`);
    }
    expect(refused).toEqual([]);
    const byAgent = await e2e.request('GET', '/v1/schedules?agentId=agent_xxx', { key });
    expect(byAgent.json.data.map((item: any) => item.id)).toEqual([recurringId]);
    const oneTime = await e2e.request('GET', '/v1/schedules?scheduleType=one-time', { key });
    expect(oneTime.json.data).toEqual([]);
  });
});

describe('seed 002 (Agent Manager scheduled runs, at its own /api/v1 prefix)', () => {
  let key: string;
  let id: string;
  const body = {
    name: 'Daily Sales Summary',
    agentId: 'finance_agent',
    message: "Generate a summary of today's sales data",
    cronExpression: '0 8 * * *',
    enabled: true,
  };

  beforeAll(async () => {
    ({ apiKey: key } = await e2e.createKey({ tenantId: 'seed-002', userId: 'manager' }));
    const agent = await e2e.request('POST', '/v1/agents', { key, body: httpAgent('finance_agent', 'Finance agent') });
    expect(agent.status).toBe(201);
  });

  it('creates a schedule from a ScheduleDTO with message as the task, answering 201 with its assigned id', async () => {
    const response = await e2e.request('POST', '/api/v1/schedules', {
      key,
      headers: { 'Content-Type': 'application/json' },
      rawBody: `{
        "name": "Daily Sales Summary",
        "agentId": "finance_agent",
        "message": "Generate a summary of today's sales data",
        "cronExpression": "0 8 * * *",
        "enabled": true
      }`,
    });
    expect(response.status).toBe(201);
    expect(response.json.schedule).toMatchObject({
      name: 'Daily Sales Summary',
      agentId: 'finance_agent',
      task: "Generate a summary of today's sales data",
      cronExpression: '0 8 * * *',
      timezone: 'UTC',
      enabled: true,
      scheduleType: 'recurring',
      nextRunAt: '2026-11-20T08:00:00Z',
    });
    expect(response.json.schedule.id).toMatch(/^sched_/);
    id = response.json.schedule.id;
  });

  it('gets the schedule by id', async () => {
    const response = await e2e.request('GET', `/api/v1/schedules/${id}`, { key });
    expect(response.status).toBe(200);
    expect(response.json.schedule).toMatchObject({ id, name: 'Daily Sales Summary', agentId: 'finance_agent', cronExpression: '0 8 * * *' });
  });

  it('updates the schedule with a full PUT body and applies the new recurrence', async () => {
    const response = await e2e.request('PUT', `/api/v1/schedules/${id}`, {
      key,
      headers: { 'Content-Type': 'application/json' },
      rawBody: JSON.stringify({ ...body, cronExpression: '0 9 * * *' }),
    });
    expect(response.status).toBe(200);
    expect(response.json.schedule).toMatchObject({
      id,
      name: 'Daily Sales Summary',
      agentId: 'finance_agent',
      task: "Generate a summary of today's sales data",
      cronExpression: '0 9 * * *',
      enabled: true,
      nextRunAt: '2026-11-20T09:00:00Z',
    });
    const again = await e2e.request('GET', `/api/v1/schedules/${id}`, { key });
    expect(again.json.schedule).toMatchObject({ cronExpression: '0 9 * * *', nextRunAt: '2026-11-20T09:00:00Z' });
  });

  it('lists all schedules, including the one just created', async () => {
    const response = await e2e.request('GET', '/api/v1/schedules', { key });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ object: 'list', has_more: false, total_count: 1 });
    expect(response.json.data).toHaveLength(1);
    expect(response.json.data[0]).toMatchObject({ id, name: 'Daily Sales Summary', cronExpression: '0 9 * * *' });
  });

  it('triggers the schedule now, and its run history lists that run', async () => {
    const response = await e2e.request('POST', `/api/v1/schedules/${id}/trigger`, { key });
    expect(response.status).toBe(202);
    const runId = response.json.run.id as string;
    const history = await e2e.request('GET', `/api/v1/schedules/${id}/runs`, { key });
    expect(history.status).toBe(200);
    expect(history.json.data.map((run: { id: string }) => run.id)).toContain(runId);
    const one = await e2e.request('GET', `/api/v1/schedules/${id}/runs/${runId}`, { key });
    expect(one.status).toBe(200);
    expect(one.json.run).toMatchObject({ id: runId, trigger: 'manual' });
  });

  it('answers another tenant under the prefix as under /v1: 404', async () => {
    const { apiKey: other } = await e2e.createKey({ tenantId: 'seed-002-other', userId: 'someone' });
    expect((await e2e.request('GET', `/api/v1/schedules/${id}`, { key: other })).status).toBe(404);
    expect((await e2e.request('GET', `/v1/schedules/${id}`, { key })).status).toBe(200);
  });

  it('deletes the schedule with 204 No Content, after which the list is empty', async () => {
    const response = await e2e.request('DELETE', `/api/v1/schedules/${id}`, { key });
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    const listed = await e2e.request('GET', '/api/v1/schedules', { key });
    expect(listed.status).toBe(200);
    expect(listed.json.data).toEqual([]);
    expect(listed.json.total_count).toBe(0);
  });
});

describe('seed 003 (scheduled agents at /agent/schedules)', () => {
  let key: string;
  let id: string;

  function expectFlatScheduledAgent(value: any) {
    expect(value).toEqual(
      expect.objectContaining({
        id: expect.stringMatching(/^sched_/),
        name: expect.any(String),
        cron_schedule: expect.any(String),
        enabled: expect.any(Boolean),
        prompt: expect.any(String),
        last_spawn_error: null,
        created_at: expect.stringMatching(RFC3339),
        updated_at: expect.stringMatching(RFC3339),
      }),
    );
    expect(value).not.toHaveProperty('schedule');
  }

  beforeAll(async () => {
    ({ apiKey: key } = await e2e.createKey({ tenantId: 'seed-003', userId: 'sam', teamId: 'analytics' }));
  });

  it('creates a team scheduled agent and answers with a flat snake_case object', async () => {
    const response = await e2e.request('POST', '/agent/schedules', {
      key,
      body: { name: 'Nightly triage', cron_schedule: '0 9 * * *', prompt: 'Triage the open issues', enabled: true, team: true },
    });
    expect(response.status).toBe(201);
    expectFlatScheduledAgent(response.json);
    expect(response.json).toMatchObject({
      name: 'Nightly triage',
      cron_schedule: '0 9 * * *',
      prompt: 'Triage the open issues',
      enabled: true,
      last_spawn_error: null,
    });
    expect(Date.parse(response.json.created_at)).toBe(START.getTime());
    id = response.json.id;
  });

  it('lists scheduled agents sorted alphabetically by name', async () => {
    for (const name of ['Weekly digest', 'Alpha report', 'Morning standup']) {
      const created = await e2e.request('POST', '/agent/schedules', {
        key,
        body: { name, cron_schedule: '30 9 * * 1', prompt: `Prompt for ${name}`, enabled: true, team: true },
      });
      expect(created.status).toBe(201);
    }
    const response = await e2e.request('GET', '/agent/schedules', { key });
    expect(response.status).toBe(200);
    const names = response.json.data.map((item: any) => item.name);
    expect(names).toEqual(['Alpha report', 'Morning standup', 'Nightly triage', 'Weekly digest']);
    for (const item of response.json.data) expectFlatScheduledAgent(item);
  });

  it('gets one scheduled agent as a flat object', async () => {
    const response = await e2e.request('GET', `/agent/schedules/${id}`, { key });
    expect(response.status).toBe(200);
    expectFlatScheduledAgent(response.json);
    expect(response.json).toMatchObject({ id, name: 'Nightly triage', cron_schedule: '0 9 * * *', prompt: 'Triage the open issues', enabled: true });
  });

  it('updates a scheduled agent with PUT and moves updated_at forward', async () => {
    const later = new Date(START.getTime() + 60_000);
    e2e.clock.set(later);
    try {
      const response = await e2e.request('PUT', `/agent/schedules/${id}`, {
        key,
        body: { name: 'Nightly triage v2', cron_schedule: '0 22 * * *', prompt: 'Triage and label the open issues', enabled: true },
      });
      expect(response.status).toBe(200);
      expectFlatScheduledAgent(response.json);
      expect(response.json).toMatchObject({
        id,
        name: 'Nightly triage v2',
        cron_schedule: '0 22 * * *',
        prompt: 'Triage and label the open issues',
        enabled: true,
      });
      expect(Date.parse(response.json.created_at)).toBe(START.getTime());
      expect(Date.parse(response.json.updated_at)).toBe(later.getTime());
    } finally {
      e2e.clock.set(START);
    }
    const again = await e2e.request('GET', `/agent/schedules/${id}`, { key });
    expect(again.json).toMatchObject({ name: 'Nightly triage v2', cron_schedule: '0 22 * * *' });
  });

  it('pauses a scheduled agent (enabled false) and resumes it (enabled true)', async () => {
    const paused = await e2e.request('POST', `/agent/schedules/${id}/pause`, { key });
    expect(paused.status).toBe(200);
    expectFlatScheduledAgent(paused.json);
    expect(paused.json).toMatchObject({ id, enabled: false });
    expect((await e2e.request('GET', `/agent/schedules/${id}`, { key })).json.enabled).toBe(false);

    const resumed = await e2e.request('POST', `/agent/schedules/${id}/resume`, { key });
    expect(resumed.status).toBe(200);
    expectFlatScheduledAgent(resumed.json);
    expect(resumed.json).toMatchObject({ id, enabled: true });
    expect((await e2e.request('GET', `/agent/schedules/${id}`, { key })).json.enabled).toBe(true);
  });

  it('deletes a scheduled agent with 200 {success: true}, after which it is not found', async () => {
    const response = await e2e.request('DELETE', `/agent/schedules/${id}`, { key });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({ success: true });
    const gone = await e2e.request('GET', `/agent/schedules/${id}`, { key });
    expect(gone.status).toBe(404);
    const listed = await e2e.request('GET', '/agent/schedules', { key });
    expect(listed.json.data.map((item: any) => item.name)).toEqual(['Alpha report', 'Morning standup', 'Weekly digest']);
  });
  it('sorts by name alphabetically, as a person would: ignoring case and accents', async () => {
    for (const name of ['Éclair digest', 'beta sync']) {
      const created = await e2e.request('POST', '/agent/schedules', {
        key,
        body: { name, cron_schedule: '0 12 * * *', prompt: 'p', enabled: true, team: true },
      });
      expect(created.status).toBe(201);
    }
    const response = await e2e.request('GET', '/agent/schedules', { key });
    expect(response.json.data.map((item: any) => item.name)).toEqual(['Alpha report', 'beta sync', 'Éclair digest', 'Morning standup', 'Weekly digest']);
  });
});

describe('seed 000 (Toolhouse Scheduled Runs)', () => {
  let key: string;
  let id: string;

  beforeAll(async () => {
    ({ apiKey: key } = await e2e.createKey({ tenantId: 'seed-000', userId: 'toolhouse-user' }));
    const agent = await e2e.request('POST', '/v1/agents', { key, body: httpAgent('your_chat_id', 'Toolhouse chat') });
    expect(agent.status).toBe(201);
  });

  it('translates "sundays 5pm UTC" to cron with the cURL example\'s query string', async () => {
    const response = await e2e.request('GET', '/v1/schedules/text-to-cron?cron=sundays+5pm+UTC', { key });
    expect(response.status).toBe(200);
    expect(response.json.data).toBe('0 17 * * 0');
  });

  it('translates "sundays 5pm UTC" to cron when the query is built with URLSearchParams, as the JavaScript example does', async () => {
    const url = new URL('/v1/schedules/text-to-cron', e2e.url);
    url.searchParams.set('cron', 'sundays 5pm UTC');
    const response = await e2e.request('GET', `${url.pathname}${url.search}`, { key });
    expect(response.status).toBe(200);
    expect(response.json.data).toBe('0 17 * * 0');
  });

  it('creates a Scheduled Run from chat_id and cadence, answering 200 with {data: {id, created_at, updated_at, cadence, active}}', async () => {
    const response = await e2e.request('POST', '/v1/schedules', {
      key,
      headers: { 'Content-Type': 'application/json' },
      rawBody: JSON.stringify({ chat_id: 'your_chat_id', cadence: '0 17 * * 0' }),
    });
    expect(response.status).toBe(200);
    const data = response.json.data;
    expect(data).toMatchObject({ cadence: '0 17 * * 0', active: true });
    expect(typeof data.id).toBe('string');
    expect(data.id.length).toBeGreaterThan(0);
    expect(data.created_at).toMatch(RFC3339);
    expect(data.updated_at).toMatch(RFC3339);
    id = data.id;
    const stored = await e2e.request('GET', `/v1/schedules/${id}`, { key });
    expect(stored.json.schedule).toMatchObject({ agentId: 'your_chat_id', cronExpression: '0 17 * * 0', enabled: true, nextRunAt: '2026-11-22T17:00:00Z' });
  });

  it('changes the cadence with a PUT of only {"cadence"}', async () => {
    const response = await e2e.request('PUT', `/v1/schedules/${id}`, {
      key,
      headers: { 'Content-Type': 'application/json' },
      rawBody: '{"cadence": "0 */3 * * *"}',
    });
    expect(response.status).toBe(200);
    expect(response.json.data).toMatchObject({ id, cadence: '0 */3 * * *', active: true });
    const stored = await e2e.request('GET', `/v1/schedules/${id}`, { key });
    expect(stored.json.schedule).toMatchObject({ cronExpression: '0 */3 * * *', agentId: 'your_chat_id', nextRunAt: '2026-11-20T03:00:00Z' });
  });

  it('pauses a Scheduled Run with a PUT of only {"active": false}', async () => {
    const response = await e2e.request('PUT', `/v1/schedules/${id}`, {
      key,
      headers: { 'Content-Type': 'application/json' },
      rawBody: '{"active": false}',
    });
    expect(response.status).toBe(200);
    expect(response.json.data).toMatchObject({ id, active: false, cadence: '0 */3 * * *' });
    const stored = await e2e.request('GET', `/v1/schedules/${id}`, { key });
    expect(stored.json.schedule).toMatchObject({ enabled: false, cronExpression: '0 */3 * * *' });
  });

  it('resumes a Scheduled Run with a PUT of only {"active": true}', async () => {
    const response = await e2e.request('PUT', `/v1/schedules/${id}`, { key, headers: { 'Content-Type': 'application/json' }, rawBody: '{"active": true}' });
    expect(response.status).toBe(200);
    expect(response.json.data).toMatchObject({ id, active: true });
  });

  it('deletes a Scheduled Run with the cURL example, answering a success status, after which it is not found', async () => {
    const response = await e2e.request('DELETE', `/v1/schedules/${id}`, { key });
    expect(response.status).toBeGreaterThanOrEqual(200);
    expect(response.status).toBeLessThan(300);
    expect((await e2e.request('GET', `/v1/schedules/${id}`, { key })).status).toBe(404);
  });
});
