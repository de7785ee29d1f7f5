// Batches: one agent task over many inputs. Each item runs as an ordinary run (same runner, record, deadline and error
// kinds) whose task is the batch's template filled from the item; the batch record keeps the counts, the claim cursor
// that bounds concurrency, and the cost.
import { createHash } from 'node:crypto';
import type { AgentErrorKind } from './agent-outcome.ts';
import { ValidationError } from './errors.ts';

/** A batch's retries of each item's agent call (the same shape as a schedule's retry). */
export interface RetryPolicy {
  maxAttempts: number;
  backoffSeconds: number;
}

export const BATCH_STATUSES = ['draft', 'queued', 'running', 'succeeded', 'partially_failed', 'failed', 'cancelled'] as const;
/**
 * draft: created with `start: false`, items may still be appended; queued: started, no item claimed yet; running;
 * then one of the final states. succeeded: every item succeeded; partially_failed: some did; failed: none did, or the
 * failures passed toleratedFailurePercent; cancelled: POST …/cancel.
 */
export type BatchStatus = (typeof BATCH_STATUSES)[number];
export const FINAL_BATCH_STATUSES: readonly BatchStatus[] = ['succeeded', 'partially_failed', 'failed', 'cancelled'];
export const isFinalBatch = (status: BatchStatus): boolean => FINAL_BATCH_STATUSES.includes(status);

export const BATCH_ITEM_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'timed_out', 'cancelled', 'skipped'] as const;
export type BatchItemStatus = (typeof BATCH_ITEM_STATUSES)[number];

export const BATCH_ID_PREFIX = 'batch';
export const BATCH_ID_PATTERN = /^batch_[A-Za-z0-9]{8,40}$/;

export const MAX_BATCH_ITEMS = 10_000;
export const DEFAULT_BATCH_CONCURRENCY = 10;
export const MAX_BATCH_CONCURRENCY = 1_000;
export const DEFAULT_BATCH_TIMEOUT_SECONDS = 300;
/** A slot token older than this is taken to be its taker's crash: whoever fills the batch next starts its item. */
export const STALE_SLOT_MS = 30_000;
/** The create and append routes take bodies up to this; every other route keeps 256 KiB. */
export const BATCH_BODY_LIMIT_BYTES = 5 * 1024 * 1024;
/** One item's input, as JSON, at most this long (a DynamoDB item holds 400 KB). */
export const MAX_ITEM_BYTES = 64 * 1024;
/** How many failures `errors.sample` keeps. */
export const ERROR_SAMPLE_SIZE = 10;

/** An item: a string, or a JSON object whose fields `{{item.field}}` placeholders name. */
export type BatchItemInput = string | Record<string, unknown>;

/** What became of the items; they always add up to `total`. */
export interface BatchCounts {
  total: number;
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  cancelled: number;
  skipped: number;
}

export type CostBasis = 'metered' | 'estimated' | 'unknown';

export interface BatchCost {
  /** Before start: items × the agent's mean metered cost per run (from its earlier batches); null when unknown. */
  estimatedUsd: number | null;
  /** The finished items' token usage × the model's price (metered), extrapolated when some reported none (estimated). */
  actualUsd: number | null;
  basis: CostBasis;
  tokensIn: number;
  tokensOut: number;
}

export interface BatchCompute {
  engine: 'sqs' | 'local';
  agentKind: string;
  model: string | null;
  maxConcurrency: number;
  timeoutSeconds: number;
  retry: RetryPolicy | null;
  /** The runner's memory (MB) on AWS; null locally. */
  memoryMb: number | null;
}

export interface BatchErrorSample {
  itemIndex: number;
  kind: AgentErrorKind | 'internal';
  message: string;
}

export interface Batch {
  tenantId: string;
  /** batch_… */
  id: string;
  userId: string;
  teamId: string | null;
  name: string;
  agentId: string;
  /** The template: `{{item}}` or `{{item.field}}` placeholders (see renderTask). */
  task: string;
  maxConcurrency: number;
  timeoutSeconds: number;
  retry: RetryPolicy | null;
  /** 0–100: once failed + timed-out items pass this share of the total, the batch ends failed. */
  toleratedFailurePercent: number;
  metadata: Record<string, unknown> | null;
  /** Set when a schedule's fire made it: one batch per (schedule, scheduled time). */
  scheduleId: string | null;
  scheduledTime: string | null;
  /**
   * The schedule's run this batch is (its fire or its trigger): it stays running while the batch does and ends with
   * the batch's outcome, so the schedule's counters count batches. Absent on other batches.
   */
  scheduleRunId?: string | null;
  status: BatchStatus;
  counts: BatchCounts;
  /**
   * The claim cursor: items are started in order; `cursor` is how many of this round's items have been claimed.
   * Round 1 walks indices 0…total-1; a retry round walks `retryIndices`.
   */
  cursor: number;
  /** 1, then +1 for each POST …/retry. */
  round: number;
  /** The items a retry round runs again (the failed and timed-out ones when it was asked); null in round 1. */
  retryIndices: number[] | null;
  /** How many items this round walks: the total in round 1, retryIndices.length after. The cursor stops there. */
  roundSize: number;
  /**
   * Slots taken whose item is not written running yet: the taker's token → the cursor position it took. A slot is
   * taken by one conditional update of this record (cursor + 1, running + 1), so concurrent takers each get their
   * own position; the item is then started by a write that removes its token. A token left here by a crashed taker
   * is finished by its repeated delivery (same token) or, once older than STALE_SLOT_MS, by whoever fills next.
   */
  starting: Record<string, number>;
  /** When each token in `starting` was taken. */
  startingSince: Record<string, string>;
  compute: BatchCompute;
  cost: BatchCost;
  /** How many finished items reported token usage (the metered part of `cost`). */
  meteredItems: number;
  /** The cost of those items, before extrapolation. */
  meteredUsd: number;
  errors: { byKind: Record<string, number>; sample: BatchErrorSample[] };
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  cancelledAt: string | null;
  /** Every change is a conditional write on this. */
  version: number;
  /** Epoch seconds: removed with the retention period of runs. */
  expiresAt: number;
}

export interface BatchItem {
  tenantId: string;
  batchId: string;
  index: number;
  input: BatchItemInput;
  status: BatchItemStatus;
  /** 1, +1 for each retry round that ran it again. */
  attempt: number;
  /** The run of its latest attempt (batchItemRunId); null before it started. */
  runId: string | null;
}

/** An item's run: the same (batch, index, attempt) always gives the same id, so a repeated claim or delivery is one run. */
export function batchItemRunId(batchId: string, index: number, attempt: number): string {
  const digest = createHash('sha256').update(`${batchId}\n${index}\n${attempt}`).digest('hex').slice(0, 12);
  const stamp = batchId.slice(BATCH_ID_PREFIX.length + 1, BATCH_ID_PREFIX.length + 1 + 16).padEnd(16, '0');
  return `run_${/^\d{8}T\d{6}Z$/.test(stamp) ? stamp : '00000000T000000Z'}_${digest}`;
}

export function emptyCounts(total: number): BatchCounts {
  return { total, pending: total, running: 0, succeeded: 0, failed: 0, timedOut: 0, cancelled: 0, skipped: 0 };
}

/** Items that have an outcome in this round (everything but pending and running). */
export function finishedCount(counts: BatchCounts): number {
  return counts.succeeded + counts.failed + counts.timedOut + counts.cancelled + counts.skipped;
}

/** The final status of a batch whose items are all accounted for (not cancelled). */
export function finalStatusOf(counts: BatchCounts, failureLimitPassed: boolean): BatchStatus {
  if (failureLimitPassed) return 'failed';
  if (counts.succeeded === counts.total) return 'succeeded';
  return counts.succeeded > 0 ? 'partially_failed' : 'failed';
}

/** Whether failed + timed-out items are more than toleratedFailurePercent of the total. */
export function failureLimitPassed(batch: Pick<Batch, 'counts' | 'toleratedFailurePercent'>): boolean {
  const { counts } = batch;
  return batch.toleratedFailurePercent < 100 && ((counts.failed + counts.timedOut) * 100) / counts.total > batch.toleratedFailurePercent;
}

const PLACEHOLDER = /\{\{\s*item(?:\.([A-Za-z0-9_$-]+(?:\.[A-Za-z0-9_$-]+)*))?\s*\}\}/g;

/** The placeholder paths a template uses: '' for `{{item}}`, 'a.b' for `{{item.a.b}}`. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((match) => match[1] ?? ''))];
}

function lookup(input: BatchItemInput, path: string): unknown {
  if (path === '') return input;
  let value: unknown = input;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The first placeholder an item cannot fill (a field it lacks, or any field of a string item); undefined when it fills all. */
export function missingField(template: string, input: BatchItemInput): string | undefined {
  for (const path of placeholdersOf(template)) {
    if (path !== '' && lookup(input, path) === undefined) return path;
  }
  return undefined;
}

/** The item's task: each placeholder replaced by the item (or its field): strings as they are, anything else as JSON. */
export function renderTask(template: string, input: BatchItemInput): string {
  return template.replace(PLACEHOLDER, (_match, path: string | undefined) => {
    const value = lookup(input, path ?? '');
    return typeof value === 'string' ? value : JSON.stringify(value ?? null);
  });
}

/** 400 naming the first item that cannot fill the template, and the field it lacks. */
export function checkItems(task: string, items: BatchItemInput[], firstIndex = 0): void {
  items.forEach((item, offset) => {
    const field = missingField(task, item);
    if (field === undefined) return;
    const index = firstIndex + offset;
    throw new ValidationError(
      typeof item === 'string'
        ? `items[${index}]: a string item has no field "${field}" for {{item.${field}}} in task.`
        : `items[${index}]: no field "${field}" for {{item.${field}}} in task.`,
      { field: `items[${index}]`, hint: 'Give every item the fields the task names, or use {{item}} for the whole item.' },
    );
  });
}
