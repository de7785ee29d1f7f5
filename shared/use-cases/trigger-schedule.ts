// Run a schedule now: a queued manual run, executed by the same runner as scheduled runs; 402 past the budget.
import { BudgetExhaustedError, ConflictError, RunnerUnavailableError } from '../domain/errors.ts';
import { assertSameRequest, idempotentRequest, type IdempotentRequest } from './idempotency.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import { makeRun, newRunId, type Run } from '../domain/run.ts';
import { formatInstant } from '../expressions/index.ts';
import type { RunDispatcher } from '../ports/run-dispatcher.ts';
import type { RunnerDeps } from './runner-deps.ts';
import { expiresAt, quotaReservation } from './run-rules.ts';
import { loadVisibleSchedule } from './schedule-access.ts';

export type TriggerDeps = Pick<RunnerDeps, 'schedules' | 'runs' | 'clock' | 'ids' | 'settings' | 'log'> & { dispatcher: RunDispatcher };

export interface EnqueuedRun {
  run: Run;
  /** True when an Idempotency-Key matched an earlier request and its run is answered again (nothing new was queued). */
  replayed: boolean;
}

/**
 * Stores a queued run (reserving budget), then hands it to the runner; a runner that cannot be reached fails the run.
 * With an Idempotency-Key the run and the key's record are written together: of any number of concurrent requests
 * with one key, one queues the run and the others answer it.
 */
export async function enqueueRun(deps: TriggerDeps, run: Run, idempotent?: IdempotentRequest): Promise<EnqueuedRun> {
  if (idempotent) {
    const replay = await replayedRun(deps, run, idempotent);
    if (replay) return { run: replay, replayed: true };
  }
  const now = deps.clock.now();
  const quota = quotaReservation(deps, run.tenantId, now);
  const record = idempotent && { ...idempotent, scheduleId: run.scheduleId ?? '', runId: run.id };
  const recorded = await deps.runs.recordRun(run, quota, record);
  if (recorded === 'key_taken') {
    const replay = await replayedRun(deps, run, idempotent!);
    if (replay) return { run: replay, replayed: true };
    throw new ConflictError('A request with this Idempotency-Key is still being processed; retry it in a moment.', { field: 'Idempotency-Key' });
  }
  if (recorded === 'over_budget') throw new BudgetExhaustedError(quota!.limit, quota!.month);
  try {
    await deps.dispatcher.dispatch({ kind: 'queued', tenantId: run.tenantId, scheduleId: run.scheduleId, runId: run.id });
  } catch (error) {
    const failed: Run = {
      ...run,
      status: 'failed',
      finishedAt: now.toISOString(),
      durationMs: 0,
      error: { message: 'The runner could not be started; nothing ran.', kind: 'internal' },
    };
    await deps.runs.finishRun(failed, null);
    throw new RunnerUnavailableError({ cause: error });
  }
  return { run, replayed: false };
}

/** The run an earlier request with this key queued; a 409 when that request had another body. */
async function replayedRun(deps: TriggerDeps, run: Run, request: IdempotentRequest): Promise<Run | undefined> {
  const record = await deps.schedules.findIdempotency(run.tenantId, run.userId, request.key);
  if (!record) return undefined;
  assertSameRequest(record, request);
  if (record.runId === undefined) return undefined;
  return deps.runs.get(run.tenantId, record.scheduleId === '' ? null : record.scheduleId, record.runId);
}

/** A run waiting for the runner, started by a person (manual) or by POST /v1/runs (api). */
export function queuedRun(
  deps: Pick<TriggerDeps, 'clock' | 'ids' | 'settings'>,
  fields: Pick<Run, 'tenantId' | 'scheduleId' | 'userId' | 'trigger' | 'agentId'> & Partial<Run>,
): Run {
  const now = deps.clock.now();
  return makeRun({
    id: newRunId(now, deps.ids.token(12)),
    status: 'queued',
    queuedAt: formatInstant(now),
    expiresAt: expiresAt(deps.settings, now),
    ...fields,
  });
}

export async function triggerSchedule(
  deps: TriggerDeps,
  principal: TenantPrincipal,
  id: string,
  options: { idempotencyKey?: string | undefined } = {},
): Promise<EnqueuedRun> {
  const idempotent = idempotentRequest(options.idempotencyKey, { route: 'trigger', scheduleId: id });
  const schedule = await loadVisibleSchedule(deps, principal, id);
  return enqueueRun(
    deps,
    queuedRun(deps, {
      tenantId: schedule.tenantId,
      scheduleId: schedule.id,
      userId: principal.userId,
      trigger: 'manual',
      agentId: schedule.agentId ?? deps.settings.defaultAgentId ?? null,
    }),
    idempotent,
  );
}
