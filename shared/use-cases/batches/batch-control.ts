// Steering a batch: start (after its budget is checked and its cost estimated), append items to a draft, cancel,
// retry the failed items, and change its concurrency while it runs.
import { type Batch, type BatchItemInput, checkItems, isFinalBatch, MAX_BATCH_CONCURRENCY, MAX_BATCH_ITEMS } from '../../domain/batch.ts';
import { BudgetExhaustedError, ConflictError, StaleVersionError, ValidationError } from '../../domain/errors.ts';
import type { TenantPrincipal } from '../../domain/principal.ts';
import { quotaReservation } from '../run-rules.ts';
import type { BatchDeps, BatchProgressDeps } from './batch-deps.ts';
import { loadVisibleBatch } from './batch-access.ts';
import { fillSlots, stopBatch } from './batch-progress.ts';

/** How many earlier batches of the agent the estimate looks at. */
const ESTIMATE_SAMPLE_BATCHES = 20;

/** Mean metered cost per item of the agent's recent batches × the items to run; null when none was metered. */
async function estimateUsd(deps: BatchProgressDeps, batch: Batch, items: number): Promise<number | null> {
  const recent = await deps.batches.list(batch.tenantId, { limit: ESTIMATE_SAMPLE_BATCHES });
  const metered = recent.items.filter((other) => other.agentId === batch.agentId && other.id !== batch.id && other.meteredItems > 0);
  const runs = metered.reduce((sum, other) => sum + other.meteredItems, 0);
  if (runs === 0) return null;
  return (metered.reduce((sum, other) => sum + other.meteredUsd, 0) / runs) * items;
}

/** 402 when the tenant's monthly budget cannot take `items` more runs; nothing starts. */
async function assertBudget(deps: BatchProgressDeps, tenantId: string, items: number): Promise<void> {
  const quota = quotaReservation(deps, tenantId, deps.clock.now());
  if (!quota) return;
  const used = await deps.runs.usage(tenantId, quota.month);
  if (used + items > quota.limit) throw new BudgetExhaustedError(quota.limit, quota.month);
}

async function writeOrConflict(deps: BatchProgressDeps, next: Batch, expected: Batch, options?: { round?: boolean }): Promise<Batch> {
  const written = await deps.batches.update(next, expected, options);
  if (written === 'stale') throw new StaleVersionError(`Batch ${expected.id} changed meanwhile; read it again and retry.`);
  return written;
}

/** A stored draft (or a scheduled fire's new batch) starts: budget, estimate, queued, then its first items claimed. */
export async function beginBatch(deps: BatchProgressDeps, draft: Batch): Promise<Batch> {
  if (draft.counts.total === 0) throw new ValidationError('This batch has no items; append some with POST /v1/batches/{id}/items first.', { field: 'items' });
  await assertBudget(deps, draft.tenantId, draft.counts.pending);
  const estimatedUsd = await estimateUsd(deps, draft, draft.counts.total);
  const now = deps.clock.now().toISOString();
  const queued = await writeOrConflict(
    deps,
    {
      ...draft,
      status: 'queued',
      startedAt: now,
      updatedAt: now,
      cost: { ...draft.cost, estimatedUsd, basis: estimatedUsd === null ? 'unknown' : 'estimated' },
    },
    draft,
  );
  // The round's own tokens: a repeated start (a scheduled fire delivered twice) finds the slots the first one took.
  return (await fillSlots(deps, queued, `round${queued.round}`)) ?? queued;
}

export async function startBatch(deps: BatchDeps, principal: TenantPrincipal, id: string): Promise<Batch> {
  const batch = await loadVisibleBatch(deps, principal, id);
  if (batch.status !== 'draft') throw new ConflictError(`Batch ${id} has already been started (${batch.status}).`, { status: batch.status });
  return beginBatch(deps, batch);
}

export async function appendBatchItems(deps: BatchDeps, principal: TenantPrincipal, id: string, items: BatchItemInput[]): Promise<Batch> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const batch = await loadVisibleBatch(deps, principal, id);
    if (batch.status !== 'draft') {
      throw new ConflictError(`Items can only be appended to a draft batch; ${id} is ${batch.status}.`, {
        status: batch.status,
        hint: 'Create batches you fill in steps with "start": false, then POST …/start.',
      });
    }
    if (batch.counts.total + items.length > MAX_BATCH_ITEMS) {
      throw new ValidationError(
        `items: a batch holds at most ${MAX_BATCH_ITEMS} items; it has ${batch.counts.total}, and ${items.length} more would pass that.`,
        {
          field: 'items',
        },
      );
    }
    checkItems(batch.task, items, batch.counts.total);
    const written = await deps.batches.append(batch, items, deps.clock.now().toISOString());
    if (written !== 'stale') return written;
  }
  throw new StaleVersionError(`Batch ${id} kept changing while items were appended; nothing was added. Try again.`);
}

export async function cancelBatch(deps: BatchDeps, principal: TenantPrincipal, id: string): Promise<Batch> {
  const batch = await loadVisibleBatch(deps, principal, id);
  if (isFinalBatch(batch.status)) throw new ConflictError(`Batch ${id} has already ended (${batch.status}); it cannot be cancelled.`, { status: batch.status });
  return stopBatch(deps, batch, 'cancelled');
}

export async function updateBatch(deps: BatchDeps, principal: TenantPrincipal, id: string, changes: { maxConcurrency: number }): Promise<Batch> {
  if (!Number.isInteger(changes.maxConcurrency) || changes.maxConcurrency < 1 || changes.maxConcurrency > MAX_BATCH_CONCURRENCY) {
    throw new ValidationError(`maxConcurrency must be an integer from 1 to ${MAX_BATCH_CONCURRENCY}.`, { field: 'maxConcurrency' });
  }
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const batch = await loadVisibleBatch(deps, principal, id);
    if (isFinalBatch(batch.status))
      throw new ConflictError(`Batch ${id} has ended (${batch.status}); its concurrency no longer matters.`, { status: batch.status });
    const now = deps.clock.now().toISOString();
    const next = { ...batch, maxConcurrency: changes.maxConcurrency, compute: { ...batch.compute, maxConcurrency: changes.maxConcurrency }, updatedAt: now };
    const written = await deps.batches.update(next, batch);
    if (written === 'stale') continue;
    // A higher limit starts more items now; a lower one takes effect as running items end.
    if (written.status === 'queued' || written.status === 'running') return (await fillSlots(deps, written, `v${written.version}`)) ?? written;
    return written;
  }
  throw new StaleVersionError(`Batch ${id} kept changing; its concurrency was not changed. Try again.`);
}

/** Every item of the batch with one of `statuses`, in index order. */
async function indicesWith(deps: BatchProgressDeps, batch: Batch, statuses: readonly string[]): Promise<number[]> {
  const found: number[] = [];
  for (const status of statuses) {
    let after: number | undefined;
    do {
      const page = await deps.batches.listItems(batch.tenantId, batch.id, { limit: 1000, after, status: status as 'failed' });
      found.push(...page.items.map((item) => item.index));
      after = page.nextAfter;
    } while (after !== undefined);
  }
  return found.sort((a, b) => a - b);
}

/** A new round of only the failed and timed-out items, each as a new attempt (a new run); the rest keep their result. */
export async function retryBatch(deps: BatchDeps, principal: TenantPrincipal, id: string): Promise<Batch> {
  const batch = await loadVisibleBatch(deps, principal, id);
  if (!isFinalBatch(batch.status) || batch.counts.running > 0) {
    throw new ConflictError(
      `Batch ${id} is ${batch.status}${batch.counts.running > 0 ? ` with ${batch.counts.running} items running` : ''}; retry it once it has ended.`,
      {
        status: batch.status,
      },
    );
  }
  const indices = await indicesWith(deps, batch, ['failed', 'timed_out']);
  if (indices.length === 0) throw new ConflictError(`Batch ${id} has no failed or timed-out items to retry.`, { status: batch.status });
  await assertBudget(deps, batch.tenantId, indices.length);
  const round = batch.round + 1;
  await deps.batches.resetItems(batch.tenantId, batch.id, indices, round);
  const now = deps.clock.now().toISOString();
  const next: Batch = {
    ...batch,
    status: 'queued',
    round,
    cursor: 0,
    retryIndices: indices,
    roundSize: indices.length,
    counts: { ...batch.counts, failed: 0, timedOut: 0, pending: batch.counts.pending + indices.length },
    finishedAt: null,
    cancelledAt: null,
    updatedAt: now,
  };
  const written = await writeOrConflict(deps, next, batch, { round: true });
  return (await fillSlots(deps, written, `round${written.round}`)) ?? written;
}
