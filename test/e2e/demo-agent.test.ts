// The first five minutes: `npm start`'s built-in demo agent makes a newcomer's first schedule and trigger succeed with
// output, before any real agent exists; it stays tenant "local"'s, and a configured default agent wins over it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAnswer } from '#local/demo-agent.ts';
import { startE2eServer, type E2eServer } from './harness.ts';

let e2e: E2eServer;

beforeAll(async () => {
  e2e = await startE2eServer({ demoAgent: true });
}, 120_000);

afterAll(async () => {
  await e2e?.stop();
});

describe('the demo agent', () => {
  it('runs the banner’s example: a schedule with no agent, triggered, succeeds with the demo’s summary', async () => {
    const created = await e2e.request('POST', '/v1/schedules', {
      body: { name: 'Daily report', task: 'Summarise yesterday', cronExpression: '0 9 * * 1-5', timezone: 'America/New_York' },
    });
    expect(created.status).toBe(201);
    const id = created.json.schedule.id as string;
    const triggered = await e2e.request('POST', `/v1/schedules/${id}/trigger`);
    expect(triggered.status).toBe(202);
    await e2e.server.drain();
    const runs = await e2e.request('GET', `/v1/schedules/${id}/runs`);
    expect(runs.json.data).toHaveLength(1);
    expect(runs.json.data[0]).toMatchObject({ status: 'succeeded', agentId: 'demo', output: demoAnswer('Summarise yesterday') });
    expect(runs.json.data[0].output).toBe(
      'Demo agent (local only): I was asked "Summarise yesterday" (2 words). A real agent would do the work here: create one with POST /v1/agents and name it in the schedule as agentId.',
    );
  });

  it('is listed as tenant local’s agent, clearly named, pointing at this server', async () => {
    const agent = await e2e.request('GET', '/v1/agents/demo');
    expect(agent.json.agent).toMatchObject({ id: 'demo', name: 'Demo agent (local only)', kind: 'http', url: `${e2e.url}/local/demo-agent` });
  });

  it('is nobody else’s: another tenant sees no agent "demo"', async () => {
    const { apiKey } = await e2e.createKey({ tenantId: 'acme', userId: 'ana', name: 'other tenant' });
    expect((await e2e.request('GET', '/v1/agents/demo', { key: apiKey })).status).toBe(404);
  });

  it('answers deterministically, whatever the task', () => {
    expect(demoAnswer('One. Two.')).toBe(demoAnswer('One. Two.'));
    expect(demoAnswer('Check the logs')).toContain('"Check the logs" (3 words)');
    expect(demoAnswer('')).toContain('(0 words)');
  });
});
