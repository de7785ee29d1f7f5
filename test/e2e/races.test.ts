// Concurrent state changes over HTTP: repeating a pause is a no-op, and parallel deletes of one schedule all succeed
// or find it gone — never a 409 for something that was deleted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eServer, type E2eServer } from './harness.ts';

let e2e: E2eServer;

beforeAll(async () => {
  e2e = await startE2eServer();
});

afterAll(async () => {
  await e2e?.stop();
});

async function create(): Promise<{ id: string; updatedAt: string }> {
  const response = await e2e.request('POST', '/v1/schedules', { body: { task: 'Summarise', cronExpression: '0 9 * * *' } });
  expect(response.status).toBe(201);
  return response.json.schedule;
}

describe('idempotent state changes', () => {
  it('answers 200 to every one of 10 parallel pauses of a paused schedule, and writes nothing', async () => {
    const { id } = await create();
    expect((await e2e.request('POST', `/v1/schedules/${id}/pause`)).status).toBe(200);
    const before = (await e2e.request('GET', `/v1/schedules/${id}`)).json.schedule;
    e2e.clock.set(new Date(e2e.clock.now().getTime() + 60_000));
    const answers = await Promise.all(Array.from({ length: 10 }, () => e2e.request('POST', `/v1/schedules/${id}/pause`)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    const after = (await e2e.request('GET', `/v1/schedules/${id}`)).json.schedule;
    expect(after.updatedAt).toBe(before.updatedAt);
    expect(after.status).toBe('paused');
  });

  it('answers 200 to 10 parallel resumes, all ending active', async () => {
    const { id } = await create();
    await e2e.request('POST', `/v1/schedules/${id}/pause`);
    const answers = await Promise.all(Array.from({ length: 10 }, () => e2e.request('POST', `/v1/schedules/${id}/resume`)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    expect(answers.every((answer) => answer.json.schedule.status === 'active')).toBe(true);
  });

  it('answers 204 or 404 to each of 10 parallel deletes of one schedule, never 409, and it is gone', async () => {
    const { id } = await create();
    const answers = await Promise.all(Array.from({ length: 10 }, () => e2e.request('DELETE', `/v1/schedules/${id}`)));
    const statuses = answers.map((answer) => answer.status);
    expect(
      statuses.every((status) => status === 204 || status === 404),
      statuses.join(','),
    ).toBe(true);
    expect(statuses).toContain(204);
    expect((await e2e.request('GET', `/v1/schedules/${id}`)).status).toBe(404);
    const stats = (await e2e.request('GET', '/v1/schedules')).json.stats;
    expect(stats.total).toBe(2);
  });
});
