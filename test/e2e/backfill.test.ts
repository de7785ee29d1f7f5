// Backfill end to end: the local server (DynamoDB Local, the real handlers, the local scheduler and the in-process
// runner) with a clock the test sets, calling a real http agent on 127.0.0.1. A schedule fires once on its own; a
// backfill of a range around that occurrence then runs every other occurrence exactly once, one at a time.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduledRunId } from '#shared/domain/run.ts';
import { START, startE2eServer, type E2eServer } from './harness.ts';

let e2e: E2eServer;
let agentServer: Server;
/** Each agent call: the run it was for and its scheduled time, and how many calls were in flight when it arrived. */
const agentCalls: Array<{ runId: string; scheduledTime: string; inFlight: number }> = [];
let inFlight = 0;

const at = (iso: string) => new Date(iso);

beforeAll(async () => {
  agentServer = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      inFlight += 1;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { runId: string; scheduledTime: string };
      agentCalls.push({ runId: body.runId, scheduledTime: body.scheduledTime, inFlight });
      // A little later, so a second call started meanwhile would be seen in flight.
      setTimeout(() => {
        inFlight -= 1;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ output: `report for ${body.scheduledTime}` }));
      }, 20);
    });
  });
  await new Promise<void>((ready) => agentServer.listen(0, '127.0.0.1', ready));
  const agentUrl = `http://127.0.0.1:${(agentServer.address() as AddressInfo).port}/run`;

  e2e = await startE2eServer();
  const created = await e2e.request('POST', '/v1/agents', { body: { id: 'reporter', name: 'Reporter', kind: 'http', url: agentUrl } });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  await e2e?.stop();
  await new Promise<void>((done) => (agentServer ? agentServer.close(() => done()) : done()));
});

describe('backfilling a range that holds an occurrence the schedule already ran', () => {
  let scheduleId: string;
  let backfillId: string;
  const range = { from: '2026-11-19T22:00:00Z', to: '2026-11-20T04:00:00Z' };
  const occurrences = [
    '2026-11-19T22:00:00Z',
    '2026-11-19T23:00:00Z',
    '2026-11-20T00:00:00Z',
    '2026-11-20T01:00:00Z',
    '2026-11-20T02:00:00Z',
    '2026-11-20T03:00:00Z',
  ];

  beforeAll(async () => {
    e2e.clock.set(START);
    const created = await e2e.request('POST', '/v1/schedules', {
      body: { name: 'Hourly report', task: 'Write the hourly report', cronExpression: '0 * * * *', timezone: 'UTC', agentId: 'reporter' },
    });
    expect(created.status).toBe(201);
    scheduleId = created.json.schedule.id;

    // The schedule fires at 01:00 on its own.
    e2e.clock.set(at('2026-11-20T01:00:00Z'));
    expect((await e2e.server.tick()).map((event) => [event.scheduleId, event.scheduledTime])).toEqual([[scheduleId, '2026-11-20T01:00:00Z']]);
    expect(agentCalls.map((call) => call.scheduledTime)).toEqual(['2026-11-20T01:00:00Z']);

    // Later (no tick since: the scheduler fires nothing more), the range around it is backfilled.
    e2e.clock.set(at('2026-11-20T04:10:00Z'));
    const started = await e2e.request('POST', `/v1/schedules/${scheduleId}/backfill`, { body: range });
    expect(started.status).toBe(202);
    expect(started.json.backfill).toMatchObject({
      object: 'backfill',
      scheduleId,
      from: range.from,
      to: range.to,
      status: 'running',
      occurrences: 6,
      nextOccurrence: '2026-11-19T22:00:00Z',
      nextRunId: scheduledRunId(scheduleId, '2026-11-19T22:00:00Z'),
    });
    backfillId = started.json.backfill.id;
    expect(backfillId).toMatch(/^bf_/);
    await e2e.server.drain();
  });

  it('ran every occurrence exactly once: the one that had run was not run again, the others by the backfill', async () => {
    const runs = (await e2e.request('GET', `/v1/schedules/${scheduleId}/runs?limit=100`)).json.data as any[];
    expect(runs.map((run) => run.scheduledTime).sort()).toEqual(occurrences);
    for (const run of runs) {
      expect(run.id).toBe(scheduledRunId(scheduleId, run.scheduledTime));
      expect(run.status).toBe('succeeded');
      expect(run.output).toBe(`report for ${run.scheduledTime}`);
      if (run.scheduledTime === '2026-11-20T01:00:00Z') expect(run).toMatchObject({ trigger: 'schedule', backfillId: null });
      else expect(run).toMatchObject({ trigger: 'backfill', backfillId });
    }
    expect(agentCalls.map((call) => call.scheduledTime).sort()).toEqual(occurrences);
  });

  it('ran the backfill one occurrence at a time, in time order', () => {
    const backfilled = agentCalls.slice(1);
    expect(backfilled.map((call) => call.scheduledTime)).toEqual(occurrences.filter((time) => time !== '2026-11-20T01:00:00Z'));
    expect(backfilled.map((call) => call.inFlight)).toEqual([1, 1, 1, 1, 1]);
  });

  it('says on its progress record that it is done, and how each occurrence went', async () => {
    const read = await e2e.request('GET', `/v1/schedules/${scheduleId}/backfills/${backfillId}`);
    expect(read.status).toBe(200);
    expect(read.json.backfill).toMatchObject({
      id: backfillId,
      status: 'done',
      stopReason: null,
      occurrences: 6,
      counts: { ran: 5, alreadyRan: 1, failed: 0 },
      remaining: 0,
      nextOccurrence: null,
      nextRunId: null,
    });
    const schedule = (await e2e.request('GET', `/v1/schedules/${scheduleId}`)).json.schedule;
    expect(schedule).toMatchObject({ runCount: 6, successCount: 6 });
  });

  it('runs nothing again when the same range is backfilled a second time', async () => {
    const again = await e2e.request('POST', `/v1/schedules/${scheduleId}/backfill`, { body: range });
    expect(again.status).toBe(202);
    expect(again.json.backfill).toMatchObject({ status: 'done', counts: { ran: 0, alreadyRan: 6, failed: 0 }, remaining: 0 });
    await e2e.server.drain();
    expect(agentCalls).toHaveLength(6);
  });

  it('answers 400 for a range that ends in the future, 404 for another tenant, and 404 for an unknown backfill', async () => {
    const future = await e2e.request('POST', `/v1/schedules/${scheduleId}/backfill`, { body: { from: range.from, to: '2026-11-21T00:00:00Z' } });
    expect(future.status).toBe(400);
    expect(future.json.error).toMatchObject({ code: 'invalid_request', details: { field: 'to' } });
    expect(future.json.error.message).toContain('a backfill is of the past');

    const other = await e2e.createKey({ tenantId: 'other-co', userId: 'eve' });
    const foreign = await e2e.request('POST', `/v1/schedules/${scheduleId}/backfill`, { key: other.apiKey, body: range });
    expect(foreign.status).toBe(404);
    const foreignRead = await e2e.request('GET', `/v1/schedules/${scheduleId}/backfills/${backfillId}`, { key: other.apiKey });
    expect(foreignRead.status).toBe(404);
    const unknown = await e2e.request('GET', `/v1/schedules/${scheduleId}/backfills/bf_NoSuchBackfill00`);
    expect(unknown.status).toBe(404);
    expect(agentCalls).toHaveLength(6);
  });
});
