// How a batch moves: its free slots are filled by taking a slot on the batch record (one conditional update that
// moves the cursor and the running count, so maxConcurrency holds however many runners finish at once, and no two
// takers want the same position) and then starting that position's item; each ended item frees its slot and fills
// again, and the last one to end gives the batch its final status. Every step is idempotent: a repeated delivery of
// an item's run changes nothing twice, and finishes a slot its first delivery took but did not start.
import { type Batch, type BatchItem, failureLimitPassed, finalStatusOf, isFinalBatch, renderTask, batchItemRunId, STALE_SLOT_MS } from '../../domain/batch.ts';
import { costOf } from '../../domain/model-prices.ts';
import { makeRun, type Run } from '../../domain/run.ts';
import { formatInstant } from '../../expressions/index.ts';
import type { BatchRef, ItemOutcome } from '../../ports/batch-store.ts';
import type { QueuedRunRef } from '../../ports/run-dispatcher.ts';
import { notify } from '../notifications.ts';
import { expiresAt, quotaReservation } from '../run-rules.ts';
import type { BatchProgressDeps } from './batch-deps.ts';

/** Slots one fill takes at most; the next item to end fills again. */
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

const refOf = (batch: Batch): BatchRef => ({ tenantId: batch.tenantId, batchId: batch.id });

const indexAt = (batch: Batch, position: number): number => (batch.retryIndices ? batch.retryIndices[position]! : position);

/**
 * Starts items until the batch is full (running = maxConcurrency), has no item left in this round, or is stopped;
 * their runs go to the queue. `owner` names the filler (an ended item's run id; a fresh id for API calls): its
 * slot tokens are owner#0, owner#1…, so its repeated delivery finds the slots it took and starts their items. Slots
 * left by a crashed taker for longer than STALE_SLOT_MS are started too. Returns the batch as last read (undefined
 * when it is gone).
 */
export async function fillSlots(deps: BatchProgressDeps, read: Batch | undefined, owner: string): Promise<Batch | undefined> {
  let batch = read;
  const started: QueuedRunRef[] = [];
  try {
    if (batch && (await startStaleSlots(deps, batch, started))) batch = await deps.batches.get(batch.tenantId, batch.id);
    for (let step = 0; batch && step < MAX_FILL_STEPS; step += 1) {
      if (batch.status !== 'queued' && batch.status !== 'running') break;
      if (batch.cursor >= batch.roundSize || batch.counts.running >= batch.maxConcurrency) break;
      const token = `${owner}#${step}`;
      const taken = await deps.batches.takeSlot(refOf(batch), token, deps.clock.now().toISOString());
      batch = taken.batch;
      if ('refused' in taken || !batch) continue;
      await startSlot(deps, batch, token, taken.position, started);
    }
  } finally {
    // Queued in one go (SQS batches of 10); a failure leaves the runs queued, and the sweeper ends them.
    if (started.length > 0) await enqueue(deps, started);
  }
  if (batch && batch.status === 'queued' && started.length > 0) batch = await markRunning(deps, batch);
  return batch ? finishIfDone(deps, batch) : undefined;
}

/** Starts the item of a slot taken for it: its run written queued (or, over budget, the item skipped). */
async function startSlot(deps: BatchProgressDeps, batch: Batch, token: string, position: number, started: QueuedRunRef[]): Promise<void> {
  const index = indexAt(batch, position);
  const item = await deps.batches.getItem(batch.tenantId, batch.id, index);
  if (!item) throw new Error(`Batch ${batch.id} has no item ${index}`);
  const now = deps.clock.now();
  const run = itemRun(deps, batch, item, now);
  const outcome = await deps.batches.startItem(refOf(batch), token, item, run, quotaReservation(deps, batch.tenantId, now));
  if (outcome === 'started') started.push({ kind: 'queued', tenantId: batch.tenantId, scheduleId: null, runId: run.id });
  else if (outcome === 'over_budget') await deps.batches.skipItem(refOf(batch), token, item);
}

/** Starts the items of slots left longer than STALE_SLOT_MS; whether there were any. */
async function startStaleSlots(deps: BatchProgressDeps, batch: Batch, started: QueuedRunRef[]): Promise<boolean> {
  const cutoff = deps.clock.now().getTime() - STALE_SLOT_MS;
  let any = false;
  for (const [token, position] of Object.entries(batch.starting)) {
    const since = batch.startingSince[token];
    if (since !== undefined && Date.parse(since) > cutoff) continue;
    deps.log?.('Starting the item of a slot its taker left', { batchId: batch.id, position });
    await startSlot(deps, batch, token, position, started);
    any = true;
  }
  return any;
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
      // Its last running item may have ended between the read and the write: then nobody else ends the batch.
      else if (written.counts.running === 0) return finishIfDone(deps, written);
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
 * once, the batch stopped if its failures passed toleratedFailurePercent, and the next items started. `readBefore`:
 * the batch as the caller read it (any time before), saving a read.
 */
export async function continueBatchAfterRun(deps: BatchProgressDeps, run: Run, readBefore?: Batch): Promise<void> {
  if (!run.batchId || run.itemIndex === undefined || run.itemIndex === null) return;
  const status = OUTCOME_OF[run.status];
  if (!status) return;
  // Only its model is needed here (for the item's cost), and that never changes: the runner's read of it will do.
  const read = readBefore ?? (await deps.batches.get(run.tenantId, run.batchId));
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
  if (batch.status === 'running' || batch.status === 'queued') await fillSlots(deps, batch, run.id);
  else await finishIfDone(deps, batch);
}
