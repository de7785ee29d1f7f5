// Creating a batch: every item checked against the task template before anything is stored, the batch and its items
// written, and — unless it is a draft (`start: false`) — started.
import { createHash } from 'node:crypto';
import {
  type Batch,
  type BatchItemInput,
  BATCH_ID_PREFIX,
  DEFAULT_BATCH_CONCURRENCY,
  DEFAULT_BATCH_TIMEOUT_SECONDS,
  emptyCounts,
  MAX_BATCH_ITEMS,
  checkItems,
} from '../../domain/batch.ts';
import type { Agent } from '../../domain/agent.ts';
import { ConflictError, ValidationError } from '../../domain/errors.ts';
import type { TenantPrincipal } from '../../domain/principal.ts';
import { retryPolicyOf, type RetryPolicy } from '../../domain/schedule.ts';
import { assertSameRequest, idempotentRequest } from '../idempotency.ts';
import { expiresAt } from '../run-rules.ts';
import { assertAgentExists } from '../schedule-checks.ts';
import type { BatchDeps } from './batch-deps.ts';
import { beginBatch } from './batch-control.ts';

export interface BatchInput {
  name: string;
  agentId: string;
  task: string;
  items: BatchItemInput[];
  maxConcurrency?: number;
  timeoutSeconds?: number;
  retry?: Partial<RetryPolicy> | null;
  toleratedFailurePercent?: number;
  metadata?: Record<string, unknown> | null;
  /** Owned by the caller's team (true) or the caller (false; the default unless the key belongs to a team). */
  team?: boolean;
  /** false: a draft, to append items to and start later. Default true. */
  start?: boolean;
}

function compact(instant: string): string {
  return new Date(instant).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
}

/** The model an agent calls, when its kind names one (the batch's compute and its price). */
export function modelOf(agent: Agent): string | null {
  const settings = agent as Agent & { model?: string; modelId?: string };
  return settings.model ?? settings.modelId ?? null;
}

/** A new batch, not yet stored: `id` given for a scheduled fire's batch (batchIdFor), random otherwise. */
export function newBatch(
  deps: BatchDeps,
  owner: { tenantId: string; userId: string; teamId: string | null },
  input: BatchInput,
  agent: Agent,
  fields: { id?: string; scheduleId?: string | null; scheduledTime?: string | null } = {},
): Batch {
  const now = deps.clock.now();
  const at = now.toISOString();
  const retry = input.retry ? retryPolicyOf({ retry: input.retry }) : null;
  const maxConcurrency = input.maxConcurrency ?? DEFAULT_BATCH_CONCURRENCY;
  const timeoutSeconds = input.timeoutSeconds ?? DEFAULT_BATCH_TIMEOUT_SECONDS;
  return {
    tenantId: owner.tenantId,
    id: fields.id ?? `${BATCH_ID_PREFIX}_${compact(at)}${deps.ids.token(12)}`,
    userId: owner.userId,
    teamId: owner.teamId,
    name: input.name,
    agentId: input.agentId,
    task: input.task,
    maxConcurrency,
    timeoutSeconds,
    retry,
    toleratedFailurePercent: input.toleratedFailurePercent ?? 100,
    metadata: input.metadata ?? null,
    scheduleId: fields.scheduleId ?? null,
    scheduledTime: fields.scheduledTime ?? null,
    status: 'draft',
    counts: emptyCounts(input.items.length),
    cursor: 0,
    round: 1,
    retryIndices: null,
    roundSize: input.items.length,
    starting: {},
    startingSince: {},
    compute: { engine: deps.engine, agentKind: agent.kind, model: modelOf(agent), maxConcurrency, timeoutSeconds, retry, memoryMb: deps.memoryMb },
    cost: { estimatedUsd: null, actualUsd: null, basis: 'unknown', tokensIn: 0, tokensOut: 0 },
    meteredItems: 0,
    meteredUsd: 0,
    errors: { byKind: {}, sample: [] },
    createdAt: at,
    updatedAt: at,
    startedAt: null,
    finishedAt: null,
    cancelledAt: null,
    version: 1,
    expiresAt: expiresAt(deps.settings, now),
  };
}

/** A scheduled fire's batch id: the same (schedule, scheduled time) always gives the same batch. */
export function batchIdFor(scheduleId: string, scheduledTime: string): string {
  const digest = createHash('sha256')
    .update(`${scheduleId}\n${new Date(scheduledTime).toISOString()}`)
    .digest('hex')
    .slice(0, 12);
  return `${BATCH_ID_PREFIX}_${compact(scheduledTime)}${digest}`;
}

/**
 * Checks and stores a batch and (unless `start: false`) starts it. With an Idempotency-Key, a retry of the same
 * request answers the batch the first one created (replayed), finishing what it left undone; another body is a 409.
 */
export async function createBatch(
  deps: BatchDeps,
  principal: TenantPrincipal,
  input: BatchInput,
  options: { idempotencyKey?: string | undefined } = {},
): Promise<{ batch: Batch; replayed: boolean }> {
  const idempotent = idempotentRequest(options.idempotencyKey, { route: 'batches', input });
  if (input.items.length === 0 && input.start !== false) {
    throw new ValidationError('items: a batch to start now needs at least one item.', { field: 'items', hint: 'Send "start": false to append items later.' });
  }
  if (input.items.length > MAX_BATCH_ITEMS) {
    throw new ValidationError(`items: at most ${MAX_BATCH_ITEMS} items, got ${input.items.length}.`, { field: 'items' });
  }
  checkItems(input.task, input.items);
  const team = input.team ?? Boolean(principal.teamId);
  if (team && !principal.teamId) throw new ValidationError('"team": true needs an API key that belongs to a team; this one has none.', { field: 'team' });
  await assertAgentExists(deps, principal.tenantId, input.agentId);
  const agent = (await deps.agents.get(principal.tenantId, input.agentId))!;
  let batch = newBatch(deps, { tenantId: principal.tenantId, userId: principal.userId, teamId: team ? principal.teamId! : null }, input, agent);
  let replayed = false;
  if (idempotent) {
    const held = await deps.batches.holdKey(principal, { ...idempotent, scheduleId: '', batchId: batch.id });
    if (held.batchId !== batch.id) {
      assertSameRequest(held, idempotent);
      if (!held.batchId) throw new ConflictError('This Idempotency-Key was already used for another kind of request.', { field: 'Idempotency-Key' });
      replayed = true;
      const stored = await deps.batches.get(principal.tenantId, held.batchId);
      // The first request stopped before it stored its batch, or before it started it: this one finishes the job.
      if (!stored) batch = { ...batch, id: held.batchId };
      else if (stored.status !== 'draft' || input.start === false) return { batch: stored, replayed };
      else return { batch: await beginBatch(deps, stored), replayed };
    }
  }
  await deps.batches.create(batch, input.items);
  if (input.start === false) return { batch, replayed };
  return { batch: await beginBatch(deps, batch), replayed };
}
