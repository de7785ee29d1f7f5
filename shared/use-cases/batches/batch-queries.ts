// Reading batches: one, a list (of the tenant, or of one schedule), their items with each item's run, and the
// results of the finished ones. Cost is reckoned on read from what the items metered (withCost).
import { type Batch, type BatchItem, type BatchItemStatus, type BatchStatus, isFinalBatch } from '../../domain/batch.ts';
import type { TenantPrincipal } from '../../domain/principal.ts';
import type { Run } from '../../domain/run.ts';
import { loadVisibleSchedule } from '../schedule-access.ts';
import type { BatchDeps } from './batch-deps.ts';
import { isVisibleBatch, loadVisibleBatch } from './batch-access.ts';

/**
 * The batch's cost as it stands: metered when every item that ran reported tokens (actualUsd their sum), estimated
 * when only some did (their mean × the items that ran) or when nothing ran yet but an estimate exists, unknown else.
 */
export function withCost(batch: Batch): Batch {
  const ran = batch.counts.succeeded + batch.counts.failed + batch.counts.timedOut;
  const { meteredItems, meteredUsd } = batch;
  let actualUsd: number | null = null;
  let basis: Batch['cost']['basis'] = batch.cost.estimatedUsd === null ? 'unknown' : 'estimated';
  if (meteredItems > 0 && meteredItems >= ran) {
    actualUsd = meteredUsd;
    basis = 'metered';
  } else if (meteredItems > 0) {
    actualUsd = (meteredUsd / meteredItems) * ran;
    basis = 'estimated';
  }
  return { ...batch, cost: { ...batch.cost, actualUsd: actualUsd === null ? null : Math.round(actualUsd * 1e6) / 1e6, basis } };
}

export async function getBatch(deps: Pick<BatchDeps, 'batches'>, principal: TenantPrincipal, id: string): Promise<Batch> {
  return withCost(await loadVisibleBatch(deps, principal, id));
}

export async function listBatches(
  deps: Pick<BatchDeps, 'batches' | 'schedules'>,
  principal: TenantPrincipal,
  options: { limit: number; after?: string | undefined; status?: BatchStatus | undefined; scheduleId?: string | undefined },
): Promise<{ items: Batch[]; nextAfter: string | undefined }> {
  if (options.scheduleId !== undefined) await loadVisibleSchedule(deps, principal, options.scheduleId);
  const page = await deps.batches.list(principal.tenantId, options);
  return { items: page.items.filter((batch) => isVisibleBatch(principal, batch)).map(withCost), nextAfter: page.nextAfter };
}

type ItemWithRun = { item: BatchItem; run: Run | null };

/** Items a stopped batch never started are stored pending; they are shown as what they became: cancelled. */
function shown(batch: Batch, item: BatchItem): BatchItem {
  return isFinalBatch(batch.status) && item.status === 'pending' ? { ...item, status: 'cancelled' } : item;
}

async function withRuns(deps: Pick<BatchDeps, 'runs'>, batch: Batch, items: BatchItem[]): Promise<ItemWithRun[]> {
  return Promise.all(
    items.map(async (item) => ({ item: shown(batch, item), run: item.runId ? ((await deps.runs.get(batch.tenantId, null, item.runId)) ?? null) : null })),
  );
}

export async function listBatchItems(
  deps: Pick<BatchDeps, 'batches' | 'runs'>,
  principal: TenantPrincipal,
  id: string,
  options: { limit: number; after?: number | undefined; status?: BatchItemStatus | undefined },
): Promise<{ items: ItemWithRun[]; nextAfter: number | undefined }> {
  const batch = await loadVisibleBatch(deps, principal, id);
  // A stopped batch's never-started items are stored pending: "cancelled" finds them too.
  const stored = options.status === 'cancelled' && isFinalBatch(batch.status) ? undefined : options.status;
  const page = await deps.batches.listItems(batch.tenantId, batch.id, { ...options, status: stored });
  const items = options.status && stored === undefined ? page.items.filter((item) => item.status === 'cancelled' || item.status === 'pending') : page.items;
  return { items: await withRuns(deps, batch, items), nextAfter: page.nextAfter };
}

const FINISHED: readonly BatchItemStatus[] = ['succeeded', 'failed', 'timed_out', 'cancelled', 'skipped'];

/** Finished items in index order from `after` (exclusive), at most `limit`, with their runs. */
export async function batchResults(
  deps: Pick<BatchDeps, 'batches' | 'runs'>,
  principal: TenantPrincipal,
  id: string,
  options: { limit: number; after?: number | undefined },
): Promise<{ items: ItemWithRun[]; nextAfter: number | undefined }> {
  const batch = await loadVisibleBatch(deps, principal, id);
  const page = await deps.batches.listItems(batch.tenantId, batch.id, options);
  const finished = page.items.filter((item) => FINISHED.includes(item.status));
  return { items: await withRuns(deps, batch, finished), nextAfter: page.nextAfter };
}
