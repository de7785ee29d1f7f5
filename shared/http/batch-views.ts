// What clients see of a batch (with its progress, rate and ETA worked out at read time), of its items with their runs,
// and of its results as JSON Lines; and how much of a page fits in one Lambda response.
import * as z from 'zod/mini';
import { BATCH_ITEM_STATUSES, BATCH_STATUSES, type Batch, type BatchItem, finishedCount, isFinalBatch } from '../domain/batch.ts';
import type { Run } from '../domain/run.ts';
import { formatInstant } from '../expressions/index.ts';
import { presentRun, RunView } from './runs.ts';

const nullableString = z.nullable(z.string());
const count = z.number().check(z.int());

export const BatchView = z
  .object({
    id: z.string().check(z.meta({ example: 'batch_20260301T090000Zk3J9mQ2vLp8R' })),
    object: z.literal('batch'),
    name: z.string(),
    agentId: z.string(),
    task: z.string().check(z.meta({ description: 'The template each item filled.' })),
    status: z.enum(BATCH_STATUSES).check(
      z.meta({
        description:
          'draft (created with start: false) → queued → running → succeeded (every item did) | partially_failed | failed (none did, or failures passed toleratedFailurePercent) | cancelled.',
      }),
    ),
    userId: z.string(),
    teamId: nullableString.check(z.meta({ description: 'The team that owns it (visible to its members); null when it is its creator’s.' })),
    scheduleId: nullableString.check(z.meta({ description: 'The schedule whose fire made it; null when made through POST /v1/batches.' })),
    scheduledTime: nullableString,
    round: count.check(z.meta({ description: '1, then +1 for each POST …/retry.' })),
    maxConcurrency: count,
    timeoutSeconds: count,
    retry: z.nullable(z.object({ maxAttempts: count, backoffSeconds: count })),
    toleratedFailurePercent: z.number(),
    counts: z
      .object({
        total: count,
        pending: count,
        running: count,
        succeeded: count,
        failed: count,
        timedOut: count,
        cancelled: count,
        skipped: count.check(z.meta({ description: 'Items passed over because the monthly run budget was used up.' })),
      })
      .check(z.meta({ description: 'What became of the items; they always add up to total.' })),
    progressPct: z.number().check(z.meta({ description: 'Items with an outcome (not pending or running) as a share of all items, 0–100, one decimal.' })),
    successPct: z
      .nullable(z.number())
      .check(z.meta({ description: 'Succeeded items as a share of the items with an outcome, one decimal; null before any has one.' })),
    itemsPerMinute: z.nullable(z.number()).check(
      z.meta({
        description: 'Items of the current round that got an outcome, per minute since startedAt (until finishedAt once it ended); null before it started.',
      }),
    ),
    etaAt: nullableString.check(
      z.meta({
        description: 'When the pending and running items should be done at itemsPerMinute; null before the first outcome, and once the batch has ended.',
      }),
    ),
    cost: z.object({
      estimatedUsd: z.nullable(z.number()).check(z.meta({ description: "Before start: items × the agent's mean metered cost per item in earlier batches." })),
      actualUsd: z.nullable(z.number()),
      basis: z.enum(['metered', 'estimated', 'unknown']),
      tokensIn: count,
      tokensOut: count,
    }),
    compute: z.object({
      engine: z.enum(['sqs', 'local']),
      agentKind: z.string(),
      model: nullableString,
      maxConcurrency: count,
      timeoutSeconds: count,
      retry: z.nullable(z.object({ maxAttempts: count, backoffSeconds: count })),
      memoryMb: z.nullable(z.number().check(z.int())),
    }),
    errors: z.object({
      byKind: z.record(z.string(), count).check(z.meta({ description: 'Failed and timed-out items by error kind.' })),
      sample: z.array(z.object({ itemIndex: count, kind: z.string(), message: z.string() })).check(z.meta({ description: 'The first 10 failures.' })),
    }),
    metadata: z.nullable(z.record(z.string(), z.unknown())),
    createdAt: z.string(),
    updatedAt: z.string(),
    startedAt: nullableString,
    finishedAt: nullableString,
    cancelledAt: nullableString,
  })
  .check(z.meta({ id: 'Batch' }));

export type BatchViewShape = z.infer<typeof BatchView>;

const oneDecimal = (value: number): number => Math.round(value * 10) / 10;

/** Items of the current round with an outcome: all of them in round 1; of a retry round's items, those done again. */
function finishedThisRound(batch: Batch): number {
  if (batch.round <= 1) return finishedCount(batch.counts);
  return Math.max(0, batch.roundSize - batch.counts.pending - batch.counts.running);
}

/** Items per minute since startedAt (until finishedAt), unrounded; null before start. */
function rateOf(batch: Batch, now: Date): number | null {
  if (!batch.startedAt) return null;
  const end = batch.finishedAt ? Date.parse(batch.finishedAt) : now.getTime();
  const minutes = (end - Date.parse(batch.startedAt)) / 60_000;
  if (!(minutes > 0)) return null;
  return finishedThisRound(batch) / minutes;
}

/** The batch as the API returns it; progress, rate and ETA as of `now`. */
export function presentBatch(batch: Batch, now: Date): BatchViewShape {
  const { counts } = batch;
  const finished = finishedCount(counts);
  const rate = rateOf(batch, now);
  const remaining = counts.pending + counts.running;
  const etaAt =
    isFinalBatch(batch.status) || rate === null || rate <= 0 || remaining === 0
      ? null
      : formatInstant(new Date(now.getTime() + Math.round((remaining / rate) * 60) * 1000));
  return {
    id: batch.id,
    object: 'batch',
    name: batch.name,
    agentId: batch.agentId,
    task: batch.task,
    status: batch.status,
    userId: batch.userId,
    teamId: batch.teamId,
    scheduleId: batch.scheduleId,
    scheduledTime: batch.scheduledTime,
    round: batch.round,
    maxConcurrency: batch.maxConcurrency,
    timeoutSeconds: batch.timeoutSeconds,
    retry: batch.retry,
    toleratedFailurePercent: batch.toleratedFailurePercent,
    counts: { ...counts },
    progressPct: counts.total === 0 ? 0 : oneDecimal((finished * 100) / counts.total),
    successPct: finished === 0 ? null : oneDecimal((counts.succeeded * 100) / finished),
    itemsPerMinute: rate === null ? null : Math.round(rate * 100) / 100,
    etaAt,
    cost: { ...batch.cost },
    compute: { ...batch.compute },
    errors: { byKind: { ...batch.errors.byKind }, sample: batch.errors.sample.map((sample) => ({ ...sample })) },
    metadata: batch.metadata,
    createdAt: batch.createdAt,
    updatedAt: batch.updatedAt,
    startedAt: batch.startedAt,
    finishedAt: batch.finishedAt,
    cancelledAt: batch.cancelledAt,
  };
}

export const BatchItemView = z
  .object({
    object: z.literal('batch_item'),
    batchId: z.string(),
    index: count,
    input: z.union([z.string(), z.record(z.string(), z.unknown())]),
    status: z.enum(BATCH_ITEM_STATUSES),
    attempt: count.check(z.meta({ description: '1, +1 for each retry round that ran it again.' })),
    runId: nullableString,
    run: z.nullable(RunView).check(z.meta({ description: 'The run of its latest attempt (GET /v1/runs/{id}); null before it started.' })),
  })
  .check(z.meta({ id: 'BatchItem' }));

export type BatchItemViewShape = z.infer<typeof BatchItemView>;

export function presentBatchItem({ item, run }: { item: BatchItem; run: Run | null }): BatchItemViewShape {
  return {
    object: 'batch_item',
    batchId: item.batchId,
    index: item.index,
    input: item.input,
    status: item.status,
    attempt: item.attempt,
    runId: item.runId,
    run: run ? presentRun(run) : null,
  };
}

/** One line of GET …/results. */
export const BatchResultLine = z
  .object({
    index: count,
    input: z.union([z.string(), z.record(z.string(), z.unknown())]),
    status: z.enum(BATCH_ITEM_STATUSES),
    attempt: count,
    runId: nullableString,
    output: nullableString.check(z.meta({ description: 'The agent output (at most 64 KiB); null when it failed or never ran.' })),
    error: z.nullable(z.object({ message: z.string(), kind: z.string() })),
    usage: z.nullable(z.object({ inputTokens: z.optional(z.number()), outputTokens: z.optional(z.number()), totalTokens: z.optional(z.number()) })),
  })
  .check(z.meta({ id: 'BatchResultLine', description: 'One finished item: the response is one such JSON object per line (application/x-ndjson).' }));

export type BatchResultLineShape = z.infer<typeof BatchResultLine>;

export function resultLine({ item, run }: { item: BatchItem; run: Run | null }): BatchResultLineShape {
  return {
    index: item.index,
    input: item.input,
    status: item.status,
    attempt: item.attempt,
    runId: item.runId,
    output: run?.output ?? null,
    error: run?.error ?? null,
    usage: run?.usage ?? null,
  };
}

/**
 * A Lambda response is at most 6 MB, counted as the JSON that carries the body (so every quote in it counts twice):
 * a page keeps this much of that, and stops before the entry that would pass it.
 */
export const RESPONSE_BUDGET_BYTES = 5 * 1000 * 1000;

/** How many of `texts` (in order) fit in the budget as the body of a Lambda response; always at least one. */
export function fitting(texts: readonly string[], budget: number = RESPONSE_BUDGET_BYTES): number {
  let used = 0;
  for (const [index, text] of texts.entries()) {
    // Its length inside the JSON string that carries the body, plus a separator.
    used += Buffer.byteLength(JSON.stringify(text)) - 1;
    if (used > budget && index > 0) return index;
  }
  return texts.length;
}

/**
 * The part of a page that fits in one response (`texts` are its entries as sent): how many entries, and where the next
 * page starts — after the last one kept when some were left out, else where the store said.
 */
export function fitPage<T, K>(
  entries: readonly T[],
  texts: readonly string[],
  keyOf: (entry: T) => K,
  nextAfter: K | undefined,
): { count: number; nextAfter: K | undefined } {
  const count = fitting(texts);
  return { count, nextAfter: count < entries.length ? keyOf(entries[count - 1]!) : nextAfter };
}

/** GET …/results' body: one JSON line per finished item, as many as fit, and the index the next page starts after. */
export function resultsPage(page: { items: Array<{ item: BatchItem; run: Run | null }>; nextAfter: number | undefined }): {
  body: string;
  lines: number;
  nextAfter: number | undefined;
} {
  const lines = page.items.map((entry) => `${JSON.stringify(resultLine(entry))}\n`);
  const fit = fitPage(page.items, lines, (entry) => entry.item.index, page.nextAfter);
  return { body: lines.slice(0, fit.count).join(''), lines: fit.count, nextAfter: fit.nextAfter };
}

/** The Link and X-Next-After headers that point at the next page of results; none on the last page. */
export function nextPageHeaders(path: string, nextAfter: number | undefined, limit?: number): Record<string, string> {
  if (nextAfter === undefined) return {};
  const query = new URLSearchParams({ ...(limit === undefined ? {} : { limit: String(limit) }), after: String(nextAfter) });
  return { link: `<${path}?${query}>; rel="next"`, 'x-next-after': String(nextAfter) };
}
