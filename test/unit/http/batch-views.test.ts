// What clients see of batches: progress, success rate, speed and ETA worked out at read time; items with their runs;
// results as JSON Lines paged to fit a Lambda response; the per-route body limit; the OpenAPI description.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { type Batch, emptyCounts } from '#shared/domain/batch.ts';
import { makeRun } from '#shared/domain/run.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { BatchView, fitPage, fitting, nextPageHeaders, presentBatch, presentBatchItem, resultLine, resultsPage } from '#shared/http/batch-views.ts';
import { openApiDocument } from '#shared/http/openapi.ts';

const NOW = new Date('2026-03-01T10:00:00Z');
const minutesAgo = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000).toISOString();

function batch(fields: Partial<Batch> = {}): Batch {
  const total = fields.counts?.total ?? 200;
  return {
    tenantId: 't1',
    id: 'batch_20260301T090000Zabcdefghijkl',
    userId: 'u1',
    teamId: null,
    name: 'Accounts',
    agentId: 'summariser',
    task: 'Summarise {{item}}',
    maxConcurrency: 10,
    timeoutSeconds: 300,
    retry: null,
    toleratedFailurePercent: 100,
    metadata: { owner: 'ops' },
    scheduleId: null,
    scheduledTime: null,
    status: 'running',
    counts: emptyCounts(total),
    cursor: 0,
    round: 1,
    retryIndices: null,
    roundSize: total,
    starting: {},
    startingSince: {},
    compute: { engine: 'sqs', agentKind: 'http', model: null, maxConcurrency: 10, timeoutSeconds: 300, retry: null, memoryMb: 1024 },
    cost: { estimatedUsd: 1.5, actualUsd: 0.25, basis: 'metered', tokensIn: 1000, tokensOut: 500 },
    meteredItems: 50,
    meteredUsd: 0.25,
    errors: { byKind: { http_status: 5 }, sample: [{ itemIndex: 3, kind: 'http_status', message: 'HTTP 500' }] },
    createdAt: minutesAgo(11),
    updatedAt: minutesAgo(1),
    startedAt: minutesAgo(10),
    finishedAt: null,
    cancelledAt: null,
    version: 3,
    expiresAt: 0,
    ...fields,
  };
}

const running = { total: 200, pending: 140, running: 10, succeeded: 45, failed: 4, timedOut: 1, cancelled: 0, skipped: 0 };

describe('presentBatch', () => {
  it('works out progress, success rate, speed and ETA of a running batch', () => {
    const view = presentBatch(batch({ counts: running }), NOW);
    expect(view.progressPct).toBe(25); // 50 of 200 have an outcome
    expect(view.successPct).toBe(90); // 45 of those 50 succeeded
    expect(view.itemsPerMinute).toBe(5); // 50 in 10 minutes
    expect(view.etaAt).toBe('2026-03-01T10:30:00Z'); // 150 left at 5 a minute
  });

  it('passes counts, cost, compute, errors and the batch fields through', () => {
    const stored = batch({ counts: running, scheduleId: 'sched_abcdefgh12', scheduledTime: '2026-03-01T09:00:00Z', round: 1, teamId: 'team1' });
    const view = presentBatch(stored, NOW);
    expect(view.counts).toEqual(running);
    expect(view.cost).toEqual(stored.cost);
    expect(view.compute).toEqual(stored.compute);
    expect(view.errors).toEqual(stored.errors);
    expect(view).toMatchObject({
      id: stored.id,
      object: 'batch',
      name: 'Accounts',
      agentId: 'summariser',
      task: 'Summarise {{item}}',
      status: 'running',
      scheduleId: 'sched_abcdefgh12',
      scheduledTime: '2026-03-01T09:00:00Z',
      round: 1,
      metadata: { owner: 'ops' },
      teamId: 'team1',
      userId: 'u1',
      createdAt: stored.createdAt,
      startedAt: stored.startedAt,
      finishedAt: null,
      cancelledAt: null,
    });
    expect(BatchView.parse(view)).toEqual(view);
    expect(view).not.toHaveProperty('tenantId');
    expect(view).not.toHaveProperty('version');
  });

  it('rounds percentages to one decimal', () => {
    const view = presentBatch(batch({ counts: { ...emptyCounts(3), pending: 1, succeeded: 1, failed: 1 } }), NOW);
    expect(view.progressPct).toBe(66.7);
    expect(view.successPct).toBe(50);
    const third = presentBatch(batch({ counts: { ...emptyCounts(3), pending: 0, succeeded: 1, failed: 2 } }), NOW);
    expect(third.successPct).toBe(33.3);
  });

  it('has no rate or ETA before it starts, and no success rate before an outcome', () => {
    const draft = presentBatch(batch({ status: 'draft', startedAt: null }), NOW);
    expect(draft).toMatchObject({ progressPct: 0, successPct: null, itemsPerMinute: null, etaAt: null });
    const justStarted = presentBatch(batch({ status: 'queued', startedAt: NOW.toISOString() }), NOW);
    expect(justStarted).toMatchObject({ progressPct: 0, successPct: null, itemsPerMinute: null, etaAt: null });
    const noOutcomeYet = presentBatch(batch({ counts: { ...emptyCounts(200), pending: 190, running: 10 } }), NOW);
    expect(noOutcomeYet).toMatchObject({ progressPct: 0, successPct: null, itemsPerMinute: 0, etaAt: null });
    expect(presentBatch(batch({ status: 'draft', startedAt: null, counts: emptyCounts(0), roundSize: 0 }), NOW).progressPct).toBe(0);
  });

  it('has no ETA once ended, and counts its speed until it finished', () => {
    const done = { ...emptyCounts(200), pending: 0, succeeded: 190, failed: 10 };
    const view = presentBatch(batch({ status: 'partially_failed', counts: done, finishedAt: minutesAgo(5) }), NOW);
    expect(view).toMatchObject({ progressPct: 100, successPct: 95, itemsPerMinute: 40, etaAt: null }); // 200 in 5 minutes
    const cancelled = { ...emptyCounts(200), pending: 0, running: 2, succeeded: 20, cancelled: 178 };
    expect(presentBatch(batch({ status: 'cancelled', counts: cancelled, cancelledAt: minutesAgo(1) }), NOW).etaAt).toBeNull();
  });

  it("counts a retry round's speed from its own items", () => {
    // Round 2 runs 8 items again; 4 of them have an outcome, 2 run, 2 wait: 4 in 10 minutes, 4 left → 10 more minutes.
    const counts = { total: 100, pending: 2, running: 2, succeeded: 94, failed: 2, timedOut: 0, cancelled: 0, skipped: 0 };
    const view = presentBatch(batch({ round: 2, roundSize: 8, retryIndices: [1, 2, 3, 4, 5, 6, 7, 8], counts }), NOW);
    expect(view.itemsPerMinute).toBe(0.4);
    expect(view.etaAt).toBe('2026-03-01T10:10:00Z');
    expect(view.progressPct).toBe(96);
  });

  it('rounds the speed to two decimals and the ETA to the second', () => {
    const counts = { ...emptyCounts(10), pending: 9, succeeded: 1 };
    const view = presentBatch(batch({ counts, startedAt: minutesAgo(3) }), NOW);
    expect(view.itemsPerMinute).toBe(0.33);
    expect(view.etaAt).toBe('2026-03-01T10:27:00Z'); // 9 left at 1/3 a minute
  });
});

describe('items and results', () => {
  const item = { tenantId: 't1', batchId: 'batch_x', index: 4, input: { account: 'acme' }, status: 'succeeded' as const, attempt: 2, runId: 'run_1' };
  const run = makeRun({
    tenantId: 't1',
    id: 'run_1',
    scheduleId: null,
    userId: 'u1',
    trigger: 'batch',
    status: 'succeeded',
    expiresAt: 0,
    output: 'All good',
    usage: { inputTokens: 10, outputTokens: 5 },
    batchId: 'batch_x',
    itemIndex: 4,
  });

  it('shows an item with its index, input, status, attempt and run', () => {
    const view = presentBatchItem({ item, run });
    expect(view).toMatchObject({
      object: 'batch_item',
      batchId: 'batch_x',
      index: 4,
      input: { account: 'acme' },
      status: 'succeeded',
      attempt: 2,
      runId: 'run_1',
    });
    expect(view.run).toMatchObject({ id: 'run_1', object: 'run', output: 'All good', batchId: 'batch_x', itemIndex: 4 });
    expect(presentBatchItem({ item: { ...item, status: 'pending', runId: null }, run: null }).run).toBeNull();
  });

  it('writes one result line per finished item', () => {
    expect(resultLine({ item, run })).toEqual({
      index: 4,
      input: { account: 'acme' },
      status: 'succeeded',
      attempt: 2,
      runId: 'run_1',
      output: 'All good',
      error: null,
      usage: { inputTokens: 10, outputTokens: 5 },
    });
    const failed = { ...run, status: 'failed' as const, output: null, error: { kind: 'http_status' as const, message: 'HTTP 500' }, usage: null };
    expect(resultLine({ item: { ...item, status: 'failed' }, run: failed })).toMatchObject({
      output: null,
      error: { kind: 'http_status', message: 'HTTP 500' },
    });
    expect(resultLine({ item: { ...item, status: 'skipped', runId: null }, run: null })).toMatchObject({ runId: null, output: null, error: null, usage: null });
  });

  it('answers JSON Lines and says where the next page starts', () => {
    const page = resultsPage({
      items: [
        { item, run },
        { item: { ...item, index: 7 }, run },
      ],
      nextAfter: 9,
    });
    const lines = page.body.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[0]!)).toMatchObject({ index: 4 });
    expect(JSON.parse(lines[1]!)).toMatchObject({ index: 7 });
    expect(page).toMatchObject({ lines: 2, nextAfter: 9 });
    expect(resultsPage({ items: [], nextAfter: undefined })).toEqual({ body: '', lines: 0, nextAfter: undefined });
  });

  it('stops a page before it would pass the Lambda response limit, at the last item that fits', () => {
    const big = { ...run, output: '"'.repeat(60 * 1024) };
    const items = Array.from({ length: 100 }, (_, index) => ({ item: { ...item, index }, run: big }));
    const page = resultsPage({ items, nextAfter: undefined });
    // Each output of 60 KiB of quotes takes 240 KiB once escaped twice: about 20 fit in 5 MB.
    expect(page.lines).toBeGreaterThan(10);
    expect(page.lines).toBeLessThan(30);
    expect(page.nextAfter).toBe(page.lines - 1);
    expect(Buffer.byteLength(JSON.stringify({ body: page.body }))).toBeLessThan(6 * 1024 * 1024);
    expect(fitting(['x'.repeat(100)], 10)).toBe(1);
    expect(fitPage(['a', 'b'], ['aaaa', 'bbbb'], (entry) => entry, 'z')).toEqual({ count: 2, nextAfter: 'z' });
    expect(fitting(['a'.repeat(8), 'b'.repeat(8)], 12)).toBe(1);
  });

  it('links the next page of results, and nothing on the last one', () => {
    expect(nextPageHeaders('/v1/batches/batch_x/results', 999)).toEqual({
      link: '</v1/batches/batch_x/results?after=999>; rel="next"',
      'x-next-after': '999',
    });
    expect(nextPageHeaders('/api/v1/batches/batch_x/results', 9, 10).link).toBe('</api/v1/batches/batch_x/results?limit=10&after=9>; rel="next"');
    expect(nextPageHeaders('/v1/batches/batch_x/results', undefined)).toEqual({});
  });
});

describe('body limit per route', () => {
  const context = { awsRequestId: 'r', functionName: 'f', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;
  const post = (routeKey: string, bytes: number): APIGatewayProxyEventV2 =>
    ({
      version: '2.0',
      routeKey,
      rawPath: routeKey.split(' ')[1],
      headers: {},
      isBase64Encoded: false,
      body: JSON.stringify({ blob: 'x'.repeat(bytes - 11) }),
      requestContext: { requestId: 'gw', http: { method: 'POST' } },
    }) as unknown as APIGatewayProxyEventV2;
  const echo = apiHandler('none', async () => json(200, { ok: true }));

  it('keeps 256 KiB for every other route', async () => {
    const answer = await echo(post('POST /v1/schedules', 300 * 1024), context);
    expect(answer.statusCode).toBe(413);
    expect(JSON.parse(answer.body as string).error.message).toBe('The request body is 307200 bytes; the limit is 262144 bytes (256 KiB).');
  });

  it('takes up to 5 MiB on the create and append routes (and their /api aliases)', async () => {
    for (const key of ['POST /v1/batches', 'POST /v1/batches/{id}/items', 'POST /api/v1/batches']) {
      expect((await echo(post(key, 5 * 1024 * 1024), context)).statusCode).toBe(200);
      const answer = await echo(post(key, 5 * 1024 * 1024 + 1), context);
      expect(answer.statusCode).toBe(413);
      expect(JSON.parse(answer.body as string).error).toMatchObject({
        code: 'payload_too_large',
        message: 'The request body is 5242881 bytes; the limit is 5242880 bytes (5 MiB).',
      });
    }
  });
});

describe('OpenAPI', () => {
  it('describes every batch route, with results as JSON Lines', () => {
    const paths = openApiDocument().paths as Record<string, Record<string, any>>;
    expect(paths['/v1/batches']?.post?.responses['202'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/BatchEnvelope' });
    expect(paths['/v1/batches']?.post?.responses['201']).toBeDefined();
    expect(paths['/v1/batches']?.post?.responses['413'].description).toBe('Body over 5 MiB');
    expect(paths['/v1/schedules']?.post?.responses['413'].description).toBe('Body over 256 KiB');
    expect(paths['/v1/batches/{id}/results']?.get?.responses['200'].content).toHaveProperty('application/x-ndjson');
    for (const [path, method] of [
      ['/v1/batches', 'get'],
      ['/v1/schedules/batches', 'get'],
      ['/v1/schedules/{id}/batches', 'get'],
      ['/api/v1/batches/{id}', 'get'],
      ['/v1/batches/{id}', 'patch'],
      ['/v1/batches/{id}/items', 'get'],
      ['/v1/batches/{id}/items', 'post'],
      ['/v1/batches/{id}/start', 'post'],
      ['/v1/batches/{id}/cancel', 'post'],
      ['/v1/batches/{id}/retry', 'post'],
    ] as const) {
      expect(paths[path]?.[method]?.summary, `${method} ${path}`).toBeTruthy();
    }
  });
});
