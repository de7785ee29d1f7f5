// Run a schedule now: a queued manual run, executed by the same runner as scheduled runs; 402 past the budget.
import { DomainError } from '../domain/errors.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import { newRunId, type Run } from '../domain/run.ts';
import type { RunDispatcher } from '../ports/run-dispatcher.ts';
import { randomToken } from '../ports/random-ids.ts';
import { expiresAt, monthOf, type RunnerDeps } from './execute-run.ts';
import { loadVisibleSchedule } from './schedule-rules.ts';
import { quotaFor } from '../config.ts';

export type TriggerDeps = Pick<RunnerDeps, 'schedules' | 'runs' | 'clock' | 'settings' | 'log'> & { dispatcher: RunDispatcher };

export class BudgetExhaustedError extends DomainError {
  constructor(limit: number, month: string) {
    super(402, 'budget_exhausted', `This account has used its ${limit} runs for ${month}; no run was started.`, {
      hint: 'Runs resume next month, or ask the operator to raise RUN_QUOTAS for this tenant.',
    });
    this.name = 'BudgetExhaustedError';
  }
}

/** Stores a queued run (reserving budget), then hands it to the runner; a runner that cannot be reached fails the run. */
export async function enqueueRun(deps: TriggerDeps, run: Run): Promise<Run> {
  const now = deps.clock.now();
  const limit = quotaFor(deps.settings, run.tenantId);
  const quota = limit === undefined ? undefined : { limit, month: monthOf(now) };
  const recorded = await deps.runs.recordRun(run, quota);
  if (recorded === 'over_budget') throw new BudgetExhaustedError(limit!, monthOf(now));
  try {
    await deps.dispatcher.dispatch({ kind: 'queued', tenantId: run.tenantId, scheduleId: run.scheduleId, runId: run.id });
  } catch (error) {
    const failed: Run = { ...run, status: 'failed', finishedAt: now.toISOString(), durationMs: 0, error: { message: 'The runner could not be started; nothing ran.', kind: 'internal' } };
    await deps.runs.finishRun(failed, null);
    throw new DomainError(503, 'runner_unavailable', 'The runner could not be started; the run was recorded as failed and nothing ran.', { hint: 'Retry in a few seconds.' }, { cause: error });
  }
  return run;
}

export async function triggerSchedule(deps: TriggerDeps, principal: TenantPrincipal, id: string): Promise<Run> {
  const schedule = await loadVisibleSchedule(deps, principal, id);
  const now = deps.clock.now();
  return enqueueRun(deps, {
    tenantId: schedule.tenantId,
    id: newRunId(now, randomToken(12)),
    scheduleId: schedule.id,
    userId: principal.userId,
    trigger: 'manual',
    status: 'queued',
    reason: null,
    scheduledTime: null,
    queuedAt: now.toISOString(),
    startedAt: null,
    finishedAt: null,
    deadlineAt: null,
    durationMs: null,
    output: null,
    truncated: false,
    error: null,
    usage: null,
    agentId: schedule.agentId ?? deps.settings.defaultAgentId ?? null,
    task: null,
    metadata: null,
    attempt: 1,
    executionId: null,
    expiresAt: expiresAt(deps.settings, now),
  });
}
