// The BatchStore contract (shared/ports/batch-store.ts), run against the in-memory fake and the DynamoDB adapter:
// create once, slots that never pass maxConcurrency and items started with their run, finishing an item counted once, stop,
// append to drafts only, retry resets, and lists scoped by tenant, filtered and paged.
import { expect, it } from 'vitest';
import { type Batch, type BatchItemInput, batchItemRunId, renderTask } from '#shared/domain/batch.ts';
import { makeRun } from '#shared/domain/run.ts';
import { settingsFromEnv } from '#shared/config.ts';
import type { Agent } from '#shared/domain/agent.ts';
import type { BatchStore } from '#shared/ports/batch-store.ts';
import type { RunStore } from '#shared/ports/run-store.ts';
import type { BatchDeps } from '#shared/use-cases/batches/batch-deps.ts';
import { newBatch } from '#shared/use-cases/batches/create-batch.ts';
import { OTHER_TENANT, TENANT } from './builders.ts';

export interface BatchStoreSubject {
  store: BatchStore;
  runs: RunStore;
}

const NOW = new Date('2030-01-08T10:00:00.000Z');
let sequence = 0;

function aBatch(items: BatchItemInput[], overrides: Partial<Batch> = {}, tenantId = TENANT): Batch {
  sequence += 1;
  const deps = {
    clock: { now: () => NOW },
    ids: { newId: () => 'x', token: () => String(sequence).padStart(12, '0') },
    settings: settingsFromEnv({}),
    engine: 'local',
    memoryMb: null,
  } as unknown as BatchDeps;
  const agent = { tenantId, id: 'bot', kind: 'http', name: 'Bot', url: 'https://agents.example.com', version: 1 } as Agent;
  const batch = newBatch(
    deps,
    { tenantId, userId: 'alice', teamId: null },
    { name: 'b', agentId: 'bot', task: 'Do {{item}}', items, maxConcurrency: 2 },
    agent,
  );
  return { ...batch, ...overrides };
}

const itemRun = (batch: Batch, index: number, attempt = 1) =>
  makeRun({
    tenantId: batch.tenantId,
    id: batchItemRunId(batch.id, index, attempt),
    scheduleId: null,
    userId: batch.userId,
    trigger: 'batch',
    status: 'queued',
    queuedAt: NOW.toISOString(),
    agentId: batch.agentId,
    task: renderTask(batch.task, `i${index}`),
    batchId: batch.id,
    itemIndex: index,
    expiresAt: batch.expiresAt,
  });

let tokens = 0;

/** Takes a slot and starts its item, as fillSlots does; 'refused' when the batch has no slot; the batch as it is after. */
async function claimNext(store: BatchStore, read: Batch): Promise<{ outcome: string; batch: Batch }> {
  const ref = { tenantId: read.tenantId, batchId: read.id };
  tokens += 1;
  const token = `t${tokens}#0`;
  const taken = await store.takeSlot(ref, token, NOW.toISOString());
  if ('refused' in taken) return { outcome: 'refused', batch: (await store.get(read.tenantId, read.id))! };
  const item = (await store.getItem(read.tenantId, read.id, taken.position))!;
  const outcome = await store.startItem(ref, token, item, itemRun(read, item.index, item.attempt));
  return { outcome, batch: (await store.get(read.tenantId, read.id))! };
}

export function batchStoreContract(makeStore: () => Promise<BatchStoreSubject>): void {
  it('creates a batch and its pending items once; a second create of the id is a duplicate and changes nothing', async () => {
    const { store } = await makeStore();
    const batch = aBatch(['a', { id: 2 }, 'c']);
    expect(await store.create(batch, ['a', { id: 2 }, 'c'])).toBe('created');
    expect(await store.create({ ...batch, name: 'again' }, ['z'])).toBe('duplicate');
    expect(await store.get(TENANT, batch.id)).toMatchObject({ name: 'b', counts: { total: 3, pending: 3 }, status: 'draft' });
    expect(await store.getItem(TENANT, batch.id, 1)).toMatchObject({ index: 1, input: { id: 2 }, status: 'pending', attempt: 1, runId: null });
    expect(await store.get(OTHER_TENANT, batch.id)).toBeUndefined();
  });

  it('takes slots in order up to maxConcurrency, then starts each item running with its run queued; a full batch refuses', async () => {
    const { store, runs } = await makeStore();
    const draft = aBatch(['i0', 'i1', 'i2']);
    await store.create(draft, ['i0', 'i1', 'i2']);
    const started = (await store.update({ ...draft, status: 'running' }, draft)) as Batch;
    const ref = { tenantId: TENANT, batchId: draft.id };
    const taken = await store.takeSlot(ref, 'a#0', NOW.toISOString());
    expect(taken).toMatchObject({ position: 0, batch: { cursor: 1, counts: { running: 1, pending: 2 }, starting: { 'a#0': 0 } } });
    // The slot's item is not started yet: it is counted running, and its token says which position it took.
    expect(await store.getItem(TENANT, draft.id, 0)).toMatchObject({ status: 'pending', runId: null });
    // Its taker's repeated delivery gets the same position back, and takes nothing more.
    expect(await store.takeSlot(ref, 'a#0', NOW.toISOString())).toMatchObject({ position: 0, batch: { cursor: 1 } });
    const item = (await store.getItem(TENANT, draft.id, 0))!;
    expect(await store.startItem(ref, 'a#0', item, itemRun(started, 0))).toBe('started');
    expect(await store.startItem(ref, 'a#0', item, itemRun(started, 0))).toBe('done');
    expect(await store.getItem(TENANT, draft.id, 0)).toMatchObject({ status: 'running', runId: batchItemRunId(draft.id, 0, 1) });
    expect(await runs.get(TENANT, null, batchItemRunId(draft.id, 0, 1))).toMatchObject({ status: 'queued', batchId: draft.id, itemIndex: 0 });
    const second = await claimNext(store, started);
    expect(second.outcome).toBe('started');
    expect(second.batch).toMatchObject({ cursor: 2, counts: { running: 2, pending: 1 }, starting: {}, startingSince: {} });
    expect((await claimNext(store, second.batch)).outcome).toBe('refused');
  });

  it('never lets concurrent takers pass maxConcurrency, and gives each position to one taker', async () => {
    const { store } = await makeStore();
    const items = Array.from({ length: 12 }, (_, index) => `i${index}`);
    const draft = aBatch(items, { maxConcurrency: 5 });
    await store.create(draft, items);
    await store.update({ ...draft, status: 'running' }, draft);
    const ref = { tenantId: TENANT, batchId: draft.id };
    const taken = await Promise.all(Array.from({ length: 10 }, (_, taker) => store.takeSlot(ref, `taker${taker}#0`, NOW.toISOString())));
    const positions = taken.flatMap((slot) => ('refused' in slot ? [] : [slot.position]));
    expect(positions.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4]);
    const after = (await store.get(TENANT, draft.id))!;
    expect(after.counts).toMatchObject({ running: 5, pending: 7 });
    expect(Object.keys(after.starting)).toHaveLength(5);
  });

  it('skips the item of a slot over budget: running back down, skipped up, once', async () => {
    const { store } = await makeStore();
    const draft = aBatch(['i0', 'i1']);
    await store.create(draft, ['i0', 'i1']);
    await store.update({ ...draft, status: 'running' }, draft);
    const ref = { tenantId: TENANT, batchId: draft.id };
    await store.takeSlot(ref, 's#0', NOW.toISOString());
    const item = (await store.getItem(TENANT, draft.id, 0))!;
    expect(await store.skipItem(ref, 's#0', item)).toBe('skipped');
    expect(await store.skipItem(ref, 's#0', item)).toBe('done');
    expect(await store.get(TENANT, draft.id)).toMatchObject({ cursor: 1, counts: { running: 0, pending: 1, skipped: 1 }, starting: {} });
    expect(await store.getItem(TENANT, draft.id, 0)).toMatchObject({ status: 'skipped' });
  });

  it('refuses slots once the batch is stopped, and stop counts what is pending when it is written', async () => {
    const { store } = await makeStore();
    const draft = aBatch(['i0', 'i1', 'i2']);
    await store.create(draft, ['i0', 'i1', 'i2']);
    const running = (await store.update({ ...draft, status: 'running' }, draft)) as Batch;
    const ref = { tenantId: TENANT, batchId: draft.id };
    // A slot taken after the read the stop is based on: that item counts running, not cancelled.
    await store.takeSlot(ref, 'late#0', NOW.toISOString());
    const stopped = await store.stop({ ...running, status: 'cancelled', cancelledAt: NOW.toISOString() }, running);
    expect(stopped).toMatchObject({ status: 'cancelled', counts: { total: 3, running: 1, pending: 0, cancelled: 2 } });
    expect(await store.takeSlot(ref, 'after#0', NOW.toISOString())).toMatchObject({ refused: true, batch: { status: 'cancelled' } });
  });

  it('counts a finished item once, with its tokens, cost and error; a repeat is already_final', async () => {
    const { store } = await makeStore();
    const draft = aBatch(['i0', 'i1']);
    await store.create(draft, ['i0', 'i1']);
    let batch = (await store.update({ ...draft, status: 'running' }, draft)) as Batch;
    batch = (await claimNext(store, batch)).batch;
    batch = (await claimNext(store, batch)).batch;
    const ref = { tenantId: TENANT, batchId: draft.id };
    const ok = await store.finishItem(
      { ...ref, index: 0, runId: batchItemRunId(draft.id, 0, 1) },
      { status: 'succeeded', usage: { inputTokens: 100, outputTokens: 10 }, usd: 0.5, error: null },
    );
    expect(ok).toMatchObject({ counts: { running: 1, succeeded: 1 }, cost: { tokensIn: 100, tokensOut: 10 }, meteredItems: 1, meteredUsd: 0.5 });
    const failed = await store.finishItem(
      { ...ref, index: 1, runId: batchItemRunId(draft.id, 1, 1) },
      { status: 'failed', usage: null, usd: null, error: { kind: 'http_status', message: 'HTTP 500' } },
    );
    expect(failed).toMatchObject({
      counts: { running: 0, failed: 1 },
      errors: { byKind: { http_status: 1 }, sample: [{ itemIndex: 1, kind: 'http_status', message: 'HTTP 500' }] },
    });
    expect(await store.finishItem({ ...ref, index: 1, runId: batchItemRunId(draft.id, 1, 1) }, { status: 'failed', usage: null, usd: null, error: null })).toBe(
      'already_final',
    );
    expect((await store.get(TENANT, draft.id))!.counts.failed).toBe(1);
    expect((await store.listItems(TENANT, draft.id, { limit: 10, status: 'failed' })).items.map((item) => item.index)).toEqual([1]);

    // A retry round sets the failed item pending again, as a new attempt.
    await store.resetItems(TENANT, draft.id, [1], 2);
    expect(await store.getItem(TENANT, draft.id, 1)).toMatchObject({ status: 'pending', attempt: 2, runId: null });
  });

  it('stop moves the pending items to cancelled; a stale version changes nothing', async () => {
    const { store } = await makeStore();
    const draft = aBatch(['i0', 'i1', 'i2']);
    await store.create(draft, ['i0', 'i1', 'i2']);
    let batch = (await store.update({ ...draft, status: 'running' }, draft)) as Batch;
    batch = (await claimNext(store, batch)).batch;
    expect(await store.stop({ ...batch, status: 'cancelled', cancelledAt: NOW.toISOString() }, { ...batch, version: batch.version + 7 })).toBe('stale');
    const stopped = await store.stop({ ...batch, status: 'cancelled', cancelledAt: NOW.toISOString() }, batch);
    expect(stopped).toMatchObject({ status: 'cancelled', counts: { total: 3, running: 1, pending: 0, cancelled: 2 } });
  });

  it('holds an Idempotency-Key for the first batch that asks, per user, and answers later ones with that record', async () => {
    const { store } = await makeStore();
    const owner = { tenantId: TENANT, userId: 'alice' };
    const first = { key: 'monday', requestHash: 'h1', scheduleId: '', batchId: 'batch_20300101T000000Zfirstfirst12' };
    expect(await store.holdKey(owner, first)).toEqual(first);
    expect(await store.holdKey(owner, { ...first, requestHash: 'h2', batchId: 'batch_20300101T000000Zsecondsecond' })).toEqual(first);
    const bobs = { ...first, batchId: 'batch_20300101T000000Zbobsbobsbobs' };
    expect(await store.holdKey({ tenantId: TENANT, userId: 'bob' }, bobs)).toEqual(bobs);
  });

  it('appends to a draft only, raising total, pending and roundSize', async () => {
    const { store } = await makeStore();
    const draft = aBatch(['a']);
    await store.create(draft, ['a']);
    const appended = (await store.append(draft, ['b', 'c'], NOW.toISOString())) as Batch;
    expect(appended).toMatchObject({ counts: { total: 3, pending: 3 }, roundSize: 3, version: draft.version + 1 });
    expect(await store.getItem(TENANT, draft.id, 2)).toMatchObject({ input: 'c', status: 'pending' });
    expect(await store.append(draft, ['d'], NOW.toISOString())).toBe('stale');
    const started = (await store.update({ ...appended, status: 'queued' }, appended)) as Batch;
    expect(await store.append(started, ['e'], NOW.toISOString())).toBe('stale');
  });

  it("lists a tenant's batches newest first, filtered by status and schedule, and pages items by index", async () => {
    const { store } = await makeStore();
    const older = aBatch(['a'], { id: 'batch_20300101T000000Zaaaaaaaaaaaa' });
    const newer = aBatch(['a'], { id: 'batch_20300102T000000Zbbbbbbbbbbbb', scheduleId: 'sched_1', status: 'succeeded' });
    const foreign = aBatch(['a'], { id: 'batch_20300103T000000Zcccccccccccc' }, OTHER_TENANT);
    for (const batch of [older, newer, foreign]) await store.create(batch, ['a']);
    expect((await store.list(TENANT, { limit: 10 })).items.map((batch) => batch.id)).toEqual([newer.id, older.id]);
    const first = await store.list(TENANT, { limit: 1 });
    expect(first.items.map((batch) => batch.id)).toEqual([newer.id]);
    expect((await store.list(TENANT, { limit: 1, after: first.nextAfter })).items.map((batch) => batch.id)).toEqual([older.id]);
    expect((await store.list(TENANT, { limit: 10, status: 'succeeded' })).items.map((batch) => batch.id)).toEqual([newer.id]);
    expect((await store.list(TENANT, { limit: 10, scheduleId: 'sched_1' })).items.map((batch) => batch.id)).toEqual([newer.id]);

    const items = Array.from({ length: 5 }, (_, index) => `i${index}`);
    const paged = aBatch(items);
    await store.create(paged, items);
    const page = await store.listItems(TENANT, paged.id, { limit: 2, after: 1 });
    expect(page.items.map((item) => item.index)).toEqual([2, 3]);
    expect(page.nextAfter).toBe(3);
  });
}
