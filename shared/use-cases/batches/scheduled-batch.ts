// A schedule with `batch`: each fire (or trigger) runs the schedule's task over its items as one batch. The fire's run
// record is what makes it exactly once per (schedule, scheduled time) — its id is the batch's — and it stays running
// while the batch does, then takes the batch's outcome, so the schedule's counters, overlap policy, auto-pause and
// notifications count batches as they count runs.
import { createHash } from 'node:crypto';
import { BATCH_ID_PREFIX, DEFAULT_BATCH_CONCURRENCY, type Batch } from '../../domain/batch.ts';
import { BudgetExhaustedError } from '../../domain/errors.ts';
import type { Run } from '../../domain/run.ts';
import type { Schedule } from '../../domain/schedule.ts';
import { formatInstant } from '../../expressions/index.ts';
import { endRun, recordFinalState, type EndRunDeps } from '../run-end.ts';
import type { RunnerDeps } from '../runner-deps.ts';
import { batchProgressDeps } from './batch-deps.ts';
import { beginBatch } from './batch-control.ts';
import { stopBatch } from './batch-progress.ts';
import { newBatch } from './create-batch.ts';

function compact(instant: string): string {
  return new Date(instant).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
}

/** The batch of a schedule's run: the same run (one per scheduled time, or one trigger) always names the same batch. */
export function scheduleBatchId(run: Pick<Run, 'scheduleId' | 'id' | 'scheduledTime' | 'queuedAt' | 'startedAt'>): string {
  const at = run.scheduledTime ?? run.queuedAt ?? run.startedAt ?? new Date(0).toISOString();
  const digest = createHash('sha256').update(`${run.scheduleId}\n${run.id}`).digest('hex').slice(0, 12);
  return `${BATCH_ID_PREFIX}_${compact(at)}${digest}`;
}

/** A week: the longest a schedule's batch run may stay running before the sweeper ends it timed out. */
const MAX_BATCH_RUN_SECONDS = 7 * 86_400;

/**
 * When a schedule's batch run is overdue (the sweeper then ends it timed_out, and the overlap marker lapses): every
 * item's attempts, wave after wave at maxConcurrency, plus an hour; at most a week.
 */
export function batchRunDeadline(schedule: Schedule, now: Date): Date {
  const items = schedule.batch?.items.length ?? 1;
  const waves = Math.ceil(items / (schedule.batch?.maxConcurrency ?? DEFAULT_BATCH_CONCURRENCY));
  const seconds = Math.min(MAX_BATCH_RUN_SECONDS, waves * schedule.timeoutSeconds * (schedule.retry?.maxAttempts ?? 1) + 3_600);
  return new Date(now.getTime() + seconds * 1000);
}

/** The run, ended now with `fields`, counted against its schedule. */
async function endNow(deps: EndRunDeps, run: Run, schedule: Schedule, fields: Partial<Run>): Promise<Run> {
  const finishedAt = formatInstant(deps.clock.now());
  const ended: Run = { ...run, finishedAt, durationMs: Date.parse(finishedAt) - Date.parse(run.startedAt ?? finishedAt), ...fields };
  await endRun(deps, ended, schedule);
  if (schedule.overlapPolicy === 'skip') await deps.runs.releaseOverlap(ended);
  return ended;
}

/**
 * The schedule's run (already running) starts its batch: created with the run's batch id (a repeated delivery finds
 * it and starts it only if it is still a draft), checked against the budget (402 → the run ends skipped, reason
 * budget), then started. Returns the run: still running while the batch is, or ended when the batch could not start.
 */
export async function runScheduleBatch(deps: RunnerDeps, schedule: Schedule, run: Run): Promise<Run> {
  const progress = batchProgressDeps(deps);
  const agentId = schedule.agentId ?? deps.settings.defaultAgentId ?? null;
  const agent = agentId ? await deps.agents.get(schedule.tenantId, agentId) : undefined;
  if (!progress || !schedule.batch) {
    return endNow(deps, run, schedule, {
      status: 'failed',
      error: { kind: 'internal', message: 'This runner has no batch store or queue, so the schedule’s batch could not start.' },
    });
  }
  if (!agentId || !agent) {
    return endNow(deps, run, schedule, {
      status: 'failed',
      error: {
        kind: 'no_agent',
        message: agentId
          ? `Agent ${agentId} does not exist; the schedule’s batch did not start.`
          : 'This schedule names no agent and the deployment has no default agent.',
      },
    });
  }
  const compute = deps.batchCompute ?? { engine: 'sqs' as const, memoryMb: null };
  const { batch: options } = schedule;
  const batch: Batch = {
    ...newBatch(
      { ...progress, agents: deps.agents, schedules: deps.schedules, ids: deps.ids, ...compute },
      { tenantId: schedule.tenantId, userId: schedule.userId, teamId: schedule.teamId },
      {
        name: `${schedule.name} · ${run.scheduledTime ?? run.queuedAt ?? run.id}`,
        agentId,
        task: schedule.task,
        items: options.items,
        ...(options.maxConcurrency === undefined ? {} : { maxConcurrency: options.maxConcurrency }),
        ...(options.toleratedFailurePercent === undefined ? {} : { toleratedFailurePercent: options.toleratedFailurePercent }),
        timeoutSeconds: schedule.timeoutSeconds,
        retry: schedule.retry ?? null,
        metadata: schedule.metadata,
      },
      agent,
      { id: run.batchId ?? scheduleBatchId(run), scheduleId: schedule.id, scheduledTime: run.scheduledTime },
    ),
    scheduleRunId: run.id,
  };
  const created = await deps.batches!.create(batch, options.items);
  const draft = created === 'created' ? batch : await deps.batches!.get(batch.tenantId, batch.id);
  if (draft?.status !== 'draft') return run;
  try {
    await beginBatch(progress, draft);
  } catch (error) {
    if (!(error instanceof BudgetExhaustedError)) throw error;
    // Over budget: the run is skipped (as a single run would be), then its batch is cancelled unstarted.
    const finishedAt = formatInstant(deps.clock.now());
    const skipped: Run = { ...run, status: 'skipped', reason: 'budget', finishedAt, durationMs: 0 };
    await recordFinalState(deps, skipped, schedule);
    if (schedule.overlapPolicy === 'skip') await deps.runs.releaseOverlap(skipped);
    await stopBatch(progress, draft, 'cancelled');
    return skipped;
  }
  return run;
}

/** How a batch's end reads as its schedule run's: succeeded, cancelled, or failed (failed and partially_failed). */
function outcomeOf(batch: Batch): Pick<Run, 'status' | 'output' | 'error' | 'usage'> {
  const { counts } = batch;
  const output = JSON.stringify({ batchId: batch.id, status: batch.status, counts, cost: batch.cost });
  const usage = { inputTokens: batch.cost.tokensIn, outputTokens: batch.cost.tokensOut };
  if (batch.status === 'succeeded') return { status: 'succeeded', output, error: null, usage };
  if (batch.status === 'cancelled') return { status: 'cancelled', output, error: null, usage };
  const kinds = Object.entries(batch.errors.byKind)
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');
  const failedItems = counts.failed + counts.timedOut;
  return {
    status: 'failed',
    output,
    usage,
    error: {
      kind: 'agent_error',
      message: `Batch ${batch.id} ended ${batch.status}: ${failedItems} of ${counts.total} items failed${kinds ? ` (${kinds})` : ''}, ${counts.succeeded} succeeded. See GET /v1/batches/${batch.id}/items?status=failed.`,
    },
  };
}

/** A schedule's batch has ended: its schedule's run ends with the batch's outcome (once; a repeat finds it final). */
export async function endScheduleRunOfBatch(deps: EndRunDeps, batch: Batch): Promise<void> {
  if (!batch.scheduleId || !batch.scheduleRunId) return;
  const run = await deps.runs.get(batch.tenantId, batch.scheduleId, batch.scheduleRunId);
  if (run?.status !== 'running') return;
  const schedule = await deps.schedules.get(batch.tenantId, batch.scheduleId);
  if (!schedule) {
    const finishedAt = formatInstant(deps.clock.now());
    await recordFinalState(
      deps,
      { ...run, ...outcomeOf(batch), finishedAt, durationMs: Date.parse(finishedAt) - Date.parse(run.startedAt ?? finishedAt) },
      null,
    );
    return;
  }
  await endNow(deps, run, schedule, outcomeOf(batch));
}
