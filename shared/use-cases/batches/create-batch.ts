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
import { ValidationError } from '../../domain/errors.ts';
import type { TenantPrincipal } from '../../domain/principal.ts';
import { retryPolicyOf, type RetryPolicy } from '../../domain/schedule.ts';
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

export async function createBatch(deps: BatchDeps, principal: TenantPrincipal, input: BatchInput): Promise<{ batch: Batch }> {
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
  const batch = newBatch(deps, { tenantId: principal.tenantId, userId: principal.userId, teamId: team ? principal.teamId! : null }, input, agent);
  await deps.batches.create(batch, input.items);
  if (input.start === false) return { batch };
  return { batch: await beginBatch(deps, batch) };
}
