// How a batch moves: its free slots are filled by claiming the item at its cursor (a conditional write on the batch
// record, so maxConcurrency holds however many runners finish at once), each ended item frees its slot and claims the
// next, and the last one to end gives the batch its final status. Every step is idempotent: a repeated delivery of an
// item's run changes nothing twice.
import { type Batch, type BatchItem, failureLimitPassed, finalStatusOf, isFinalBatch, renderTask, batchItemRunId } from '../../domain/batch.ts';
import { costOf } from '../../domain/model-prices.ts';
import { makeRun, type Run } from '../../domain/run.ts';
import { formatInstant } from '../../expressions/index.ts';
import type { ItemOutcome } from '../../ports/batch-store.ts';
import type { QueuedRunRef } from '../../ports/run-dispatcher.ts';
import { notify } from '../notifications.ts';
import { expiresAt, quotaReservation } from '../run-rules.ts';
import type { BatchProgressDeps } from './batch-deps.ts';

/** Claims before a fill gives up for now (conflicts with other claimers); the next item to end fills again. */
const MAX_FILL_STEPS = 2_000;

function itemRun(deps: BatchProgressDeps, batch: Batch, item: BatchItem, now: Date): Run {
  return makeRun({
    tenantId: batch.tenantId,
    id: batchItemRunId(batch.id, item.index, item.attempt),
    scheduleId: null,
    userId: batch.userId,
    trigger: 'batch',
    status: 'queued',
    queuedAt: formatInstant(now),
    agentId: batch.agentId,
    task: renderTask(batch.task, item.input),
    metadata: batch.metadata,
    batchId: batch.id,
    itemIndex: item.index,
    expiresAt: expiresAt(deps.settings, now),
  });
}

const indexAt = (batch: Batch, position: number): number => (batch.retryIndices ? batch.retryIndices[position]! : position);

/**
 * Starts items until the batch is full (running = maxConcurrency), has no item left in this round, or is stopped;
 * their runs go to the queue. Returns the batch as last read (undefined when it is gone).
 */
export async function fillSlots(deps: BatchProgressDeps, tenantId: string, batchId: string): Promise<Batch | undefined> {
  let batch = await deps.batches.get(tenantId, batchId);
  const started: QueuedRunRef[] = [];
  try {
    for (let step = 0; batch && step < MAX_FILL_STEPS; step += 1) {
      if (batch.status !== 'queued' && batch.status !== 'running') break;
      if (batch.cursor >= batch.roundSize || batch.counts.running >= batch.maxConcurrency) break;
      const item = await deps.batches.getItem(tenantId, batchId, indexAt(batch, batch.cursor));
      if (!item) throw new Error(`Batch ${batchId} has no item ${indexAt(batch, batch.cursor)}`);
      const now = deps.clock.now();
      const run = itemRun(deps, batch, item, now);
      const outcome = await deps.batches.claim(batch, item, run, quotaReservation(deps, tenantId, now));
      if (outcome === 'claimed') {
        started.push({ kind: 'queued', tenantId, scheduleId: null, runId: run.id });
        batch = {
          ...batch,
          cursor: batch.cursor + 1,
          counts: { ...batch.counts, running: batch.counts.running + 1, pending: batch.counts.pending - 1 },
        };
        continue;
      }
      if (outcome === 'over_budget') await deps.batches.skip(batch, item);
      batch = await deps.batches.get(tenantId, batchId);
    }
  } finally {
    // Queued in one go (SQS batches of 10); a failure leaves the runs queued, and the sweeper ends them.
    if (started.length > 0) await enqueue(deps, started);
  }
  if (batch && batch.status === 'queued' && started.length > 0) batch = await markRunning(deps, batch);
  return batch ? finishIfDone(deps, batch) : undefined;
}

async function enqueue(deps: BatchProgressDeps, refs: QueuedRunRef[]): Promise<void> {
  try {
    await deps.queue.enqueue(refs);
  } catch (error) {
    // The runs stay queued: the sweeper fails them once they are overdue, and that moves the batch on.
    deps.log?.('Could not queue batch items; the sweeper will end their runs', {
      runIds: refs.slice(0, 10).map((ref) => ref.runId),
      count: refs.length,
      error: error instanceof Error ? error.message : 'unknown',
    });
  }
}

async function markRunning(deps: BatchProgressDeps, batch: Batch): Promise<Batch> {
  const written = await deps.batches.update({ ...batch, status: 'running', updatedAt: deps.clock.now().toISOString() }, batch);
  return written === 'stale' ? ((await deps.batches.get(batch.tenantId, batch.id)) ?? batch) : written;
}

/**
 * Ends a batch whose round is over (every item claimed, none running) with its final status, or records when a
 * stopped batch's last running item ended; says batch.finished once, through whoever wrote finishedAt.
 */
export async function finishIfDone(deps: BatchProgressDeps, read: Batch): Promise<Batch> {
  let batch = read;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    if (batch.counts.running > 0 || batch.finishedAt) return batch;
    const roundOver = batch.cursor >= batch.roundSize;
    const active = batch.status === 'queued' || batch.status === 'running';
    if (active && !roundOver) return batch;
    if (!active && !isFinalBatch(batch.status)) return batch;
    const now = deps.clock.now().toISOString();
    const status = active ? finalStatusOf(batch.counts, false) : batch.status;
    const written = await deps.batches.update({ ...batch, status, finishedAt: now, updatedAt: now }, batch);
    if (written !== 'stale') {
      await notifyFinished(deps, written);
      return written;
    }
    const again = await deps.batches.get(batch.tenantId, batch.id);
    if (!again) return batch;
    batch = again;
  }
  return batch;
}

async function notifyFinished(deps: BatchProgressDeps, batch: Batch): Promise<void> {
  // A schedule's batch ends the schedule's run; a failure there is logged, and the batch's own end stands.
  await deps
    .onFinished?.(batch)
    .catch((error: unknown) =>
      deps.log?.("Could not end the schedule's run of a finished batch", { batchId: batch.id, error: error instanceof Error ? error.message : 'unknown' }),
    );
  if (!deps.notifications) return;
  const schedule = batch.scheduleId && deps.schedules ? ((await deps.schedules.get(batch.tenantId, batch.scheduleId)) ?? null) : null;
  const base = deps.notifications.settings.publicBaseUrl ?? '';
  await notify(deps.notifications, batch.tenantId, schedule, 'batch.finished', {
    subjectId: `${batch.id}#${batch.round}`,
    occurredAt: batch.finishedAt ?? undefined,
    link: `${base}/v1/batches/${encodeURIComponent(batch.id)}`,
    details: { batchId: batch.id, name: batch.name, status: batch.status, counts: batch.counts, round: batch.round },
  });
}

/**
 * Stops a batch early (cancel, or too many failures): no item starts after this returns; items still pending are
 * counted cancelled; running ones end on their own. Returns the batch as written (or as it was, when already final).
 */
export async function stopBatch(deps: BatchProgressDeps, read: Batch, status: 'cancelled' | 'failed'): Promise<Batch> {
  let batch = read;
  for (let attempt = 0; attempt < 10; attempt += 1) {
    if (isFinalBatch(batch.status)) return batch;
    const now = deps.clock.now().toISOString();
    const next: Batch = {
      ...batch,
      status,
      cancelledAt: status === 'cancelled' ? now : batch.cancelledAt,
      finishedAt: batch.counts.running === 0 ? now : null,
      updatedAt: now,
    };
    const written = await deps.batches.stop(next, batch);
    if (written !== 'stale') {
      if (written.finishedAt) await notifyFinished(deps, written);
      return written;
    }
    const again = await deps.batches.get(batch.tenantId, batch.id);
    if (!again) return batch;
    batch = again;
  }
  throw new Error(`Batch ${read.id} kept changing; it was not stopped. Try again.`);
}

const OUTCOME_OF: Partial<Record<Run['status'], ItemOutcome['status']>> = {
  succeeded: 'succeeded',
  failed: 'failed',
  timed_out: 'timed_out',
  cancelled: 'cancelled',
  skipped: 'skipped',
};

/**
 * An item's run ended (in the runner, the sweeper, a callback or a cancel): its slot is freed, its outcome counted
 * once, the batch stopped if its failures passed toleratedFailurePercent, and the next items started.
 */
export async function continueBatchAfterRun(deps: BatchProgressDeps, run: Run): Promise<void> {
  if (!run.batchId || run.itemIndex === undefined || run.itemIndex === null) return;
  const status = OUTCOME_OF[run.status];
  if (!status) return;
  const read = await deps.batches.get(run.tenantId, run.batchId);
  if (!read) return;
  const failed = status === 'failed' || status === 'timed_out';
  const outcome: ItemOutcome = {
    status,
    usage: run.usage,
    usd: costOf(deps.prices, read.compute.model, run.usage),
    error: failed && run.error ? { kind: run.error.kind, message: run.error.message.slice(0, 500) } : null,
  };
  const finished = await deps.batches.finishItem({ tenantId: run.tenantId, batchId: run.batchId, index: run.itemIndex, runId: run.id }, outcome);
  let batch = finished === 'already_final' ? await deps.batches.get(run.tenantId, run.batchId) : finished;
  if (!batch) return;
  if ((batch.status === 'running' || batch.status === 'queued') && failureLimitPassed(batch)) batch = await stopBatch(deps, batch, 'failed');
  if (batch.status === 'running' || batch.status === 'queued') await fillSlots(deps, batch.tenantId, batch.id);
  else await finishIfDone(deps, batch);
}
