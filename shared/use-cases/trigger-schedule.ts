// Run a schedule now: a queued manual run, executed by the same runner as scheduled runs; 402 past the budget.
import { BudgetExhaustedError, RunnerUnavailableError } from '../domain/errors.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import { makeRun, newRunId, type Run } from '../domain/run.ts';
import { formatInstant } from '../expressions/index.ts';
import type { RunDispatcher } from '../ports/run-dispatcher.ts';
import type { RunnerDeps } from './execute-run.ts';
import { expiresAt, quotaReservation } from './run-rules.ts';
import { loadVisibleSchedule } from './schedule-access.ts';

export type TriggerDeps = Pick<RunnerDeps, 'schedules' | 'runs' | 'clock' | 'ids' | 'settings' | 'log'> & { dispatcher: RunDispatcher };

/** Stores a queued run (reserving budget), then hands it to the runner; a runner that cannot be reached fails the run. */
export async function enqueueRun(deps: TriggerDeps, run: Run): Promise<Run> {
  const now = deps.clock.now();
  const quota = quotaReservation(deps, run.tenantId, now);
  const recorded = await deps.runs.recordRun(run, quota);
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
  return run;
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

export async function triggerSchedule(deps: TriggerDeps, principal: TenantPrincipal, id: string): Promise<Run> {
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
  );
}
