// Creating and moving batches with the in-memory stores: an Idempotency-Key answers a retry with the same batch (and
// finishes a create that stopped half-way); slots a crashed taker left are started by its repeated delivery, or by
// the next filler once they are stale.
import { beforeEach, describe, expect, it } from 'vitest';
import { settingsFromEnv } from '#shared/config.ts';
import type { Agent } from '#shared/domain/agent.ts';
import { STALE_SLOT_MS, type Batch } from '#shared/domain/batch.ts';
import { ConflictError, ValidationError } from '#shared/domain/errors.ts';
import { DEFAULT_MODEL_PRICES } from '#shared/domain/model-prices.ts';
import type { QueuedRunRef } from '#shared/ports/run-dispatcher.ts';
import type { BatchDeps } from '#shared/use-cases/batches/batch-deps.ts';
import { fillSlots } from '#shared/use-cases/batches/batch-progress.ts';
import { createBatch } from '#shared/use-cases/batches/create-batch.ts';
import { InMemoryRunStore } from '../../../fakes/in-memory-runs.ts';
import { FixedClock, InMemoryAgentStore, InMemoryScheduleStore, SequentialIds } from '../../../fakes/in-memory.ts';
import { InMemoryBatchStore } from '../../../fakes/in-memory-batches.ts';

const alice = { role: 'tenant', tenantId: 'acme', userId: 'alice', keyId: 'k1' } as const;
const bob = { role: 'tenant', tenantId: 'acme', userId: 'bob', keyId: 'k2' } as const;

let batches: InMemoryBatchStore;
let clock: FixedClock;
let queued: QueuedRunRef[];
let deps: BatchDeps;

beforeEach(async () => {
  const schedules = new InMemoryScheduleStore();
  const runs = new InMemoryRunStore(schedules);
  batches = new InMemoryBatchStore(runs);
  clock = new FixedClock(new Date('2026-12-01T09:00:00Z'));
  queued = [];
  const agents = new InMemoryAgentStore();
  await agents.create({ tenantId: 'acme', id: 'bot', kind: 'http', name: 'Bot', url: 'https://agents.example.com/bot', version: 1 } as Agent);
  deps = {
    batches,
    runs,
    queue: { enqueue: async (refs) => void queued.push(...refs) },
    clock,
    settings: settingsFromEnv({}),
    prices: DEFAULT_MODEL_PRICES,
    agents,
    schedules,
    ids: new SequentialIds(),
    engine: 'local',
    memoryMb: null,
  };
});

const input = (items: string[], fields: Record<string, unknown> = {}) => ({ name: 'accounts', agentId: 'bot', task: 'Do {{item}}', items, ...fields });

describe('Idempotency-Key on create', () => {
  it('answers a retry with the same body with the same batch, writing and starting nothing twice', async () => {
    const first = await createBatch(deps, alice, input(['a', 'b', 'c'], { maxConcurrency: 2 }), { idempotencyKey: 'monday-run' });
    expect(first.replayed).toBe(false);
    expect(queued).toHaveLength(2);
    const again = await createBatch(deps, alice, input(['a', 'b', 'c'], { maxConcurrency: 2 }), { idempotencyKey: 'monday-run' });
    expect(again).toMatchObject({ replayed: true, batch: { id: first.batch.id, status: 'running', counts: { total: 3, running: 2 } } });
    expect(queued).toHaveLength(2);
    expect(batches.batches.size).toBe(1);
  });

  it('refuses the same key with another body (409), a malformed key (400), and keeps keys per user', async () => {
    await createBatch(deps, alice, input(['a']), { idempotencyKey: 'k' });
    await expect(createBatch(deps, alice, input(['b']), { idempotencyKey: 'k' })).rejects.toBeInstanceOf(ConflictError);
    await expect(createBatch(deps, alice, input(['a']), { idempotencyKey: 'with space' })).rejects.toBeInstanceOf(ValidationError);
    const bobs = await createBatch(deps, bob, input(['a']), { idempotencyKey: 'k' });
    expect(bobs.replayed).toBe(false);
    expect(batches.batches.size).toBe(2);
  });

  it('finishes a create that stopped after holding its key: the retry stores and starts the batch under the held id', async () => {
    const held = await batches.holdKey(alice, { key: 'k', requestHash: '', scheduleId: '', batchId: 'batch_20261201T090000Zheldheldheld' });
    // The hash of this very request, as the first attempt would have held it.
    const { idempotentRequest } = await import('#shared/use-cases/idempotency.ts');
    batches.keys.set('acme/alice/k', { ...held, requestHash: idempotentRequest('k', { route: 'batches', input: input(['a', 'b']) })!.requestHash });
    const retried = await createBatch(deps, alice, input(['a', 'b']), { idempotencyKey: 'k' });
    expect(retried).toMatchObject({ replayed: true, batch: { id: 'batch_20261201T090000Zheldheldheld', status: 'running', counts: { total: 2 } } });
    expect(queued).toHaveLength(2);
  });
});

describe('slots a crashed taker left', () => {
  /** A started batch with one slot taken by `token` whose item was never started (its taker stopped there). */
  async function withLeftSlot(token: string): Promise<Batch> {
    const { batch } = await createBatch(deps, alice, input(['a', 'b', 'c'], { maxConcurrency: 2, start: false }));
    const started = (await batches.update({ ...batch, status: 'running' }, batch)) as Batch;
    await batches.takeSlot({ tenantId: 'acme', batchId: started.id }, token, clock.now().toISOString());
    return (await batches.get('acme', started.id))!;
  }

  it("are started by the taker's repeated delivery (same token), which takes no slot more than it should", async () => {
    const left = await withLeftSlot('run_x#0');
    expect(left.counts).toMatchObject({ running: 1, pending: 2 });
    const after = await fillSlots(deps, left, 'run_x');
    expect(queued.map((ref) => ref.runId)).toHaveLength(2);
    expect(after).toMatchObject({ cursor: 2, counts: { running: 2, pending: 1 }, starting: {} });
    expect((await batches.getItem('acme', left.id, 0))!.status).toBe('running');
  });

  it('are started by another filler once older than STALE_SLOT_MS, and left alone before', async () => {
    const left = await withLeftSlot('crashed#0');
    // Full after the other's slot: a fresh left slot is someone's work in progress.
    await fillSlots(deps, left, 'other');
    expect((await batches.getItem('acme', left.id, 0))!.status).toBe('pending');
    clock.advance(STALE_SLOT_MS + 1);
    const after = await fillSlots(deps, (await batches.get('acme', left.id))!, 'later');
    expect(after?.starting).toEqual({});
    expect((await batches.getItem('acme', left.id, 0))!.status).toBe('running');
    expect(new Set(queued.map((ref) => ref.runId)).size).toBe(2);
  });
});
