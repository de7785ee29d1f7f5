// The runner: a scheduled event or a queued run becomes exactly one run record, the agent's answer, and the schedule's counters.
import { formatInstant } from '../expressions/index.ts';
import { capOutput, makeRun, scheduledRunId, type Run, type SkipReason } from '../domain/run.ts';
import type { Schedule } from '../domain/schedule.ts';
import { StaleVersionError } from '../domain/errors.ts';
import type { QueuedRunRef } from '../ports/run-dispatcher.ts';
import type { ScheduledEvent } from '../ports/scheduler-mirror.ts';
import { retryStale } from './retry.ts';
import { expiresAt, quotaReservation } from './run-rules.ts';
import { continuationDeps, continueAfterRun } from './backfill.ts';
import { endRun } from './run-end.ts';
import { callAgent } from './agent-call.ts';
import { acceptRun, callbackRequest } from './run-callback.ts';
import type { RunnerDeps } from './runner-deps.ts';
import { batchProgressDeps } from './batches/batch-deps.ts';
import { continueBatchAfterRun } from './batches/batch-progress.ts';
import { batchRunDeadline, runScheduleBatch, scheduleBatchId } from './batches/scheduled-batch.ts';
import type { Batch } from '../domain/batch.ts';
import type { RetryPolicy } from '../domain/schedule.ts';
import type { Agent } from '../domain/agent.ts';

export type { RunnerDeps } from './runner-deps.ts';

export type RunnerOutcome =
  | { outcome: 'ran'; run: Run }
  | { outcome: 'skipped'; run: Run }
  | { outcome: 'duplicate'; runId: string }
  | { outcome: 'no_schedule'; scheduleId: string };

/** Time kept back from the Lambda's timeout so the final state is always written. */
export const FINISH_MARGIN_MS = 10_000;

function deadlineFor(deps: RunnerDeps, timeoutSeconds: number, now: Date): Date {
  const budget = Math.min(timeoutSeconds * 1000, (deps.remainingMs?.() ?? Number.POSITIVE_INFINITY) - FINISH_MARGIN_MS);
  return new Date(now.getTime() + Math.max(1000, budget));
}

function baseRun(deps: RunnerDeps, schedule: Schedule, fields: Partial<Run> & Pick<Run, 'id' | 'trigger' | 'status'>): Run {
  return makeRun({
    tenantId: schedule.tenantId,
    scheduleId: schedule.id,
    userId: schedule.userId,
    agentId: schedule.agentId ?? deps.settings.defaultAgentId ?? null,
    expiresAt: expiresAt(deps.settings, deps.clock.now()),
    ...fields,
  });
}

async function recordSkip(deps: RunnerDeps, run: Run, reason: SkipReason, schedule?: Schedule): Promise<RunnerOutcome> {
  const now = formatInstant(deps.clock.now());
  const skipped: Run = { ...run, status: 'skipped', reason, startedAt: null, deadlineAt: null, finishedAt: now, durationMs: 0 };
  const result = await deps.runs.recordRun(skipped);
  if (result === 'duplicate') return { outcome: 'duplicate', runId: run.id };
  // EventBridge deletes a one-time schedule once it has fired, so one whose only run was skipped is over too.
  if (schedule?.scheduleType === 'one-time' && schedule.enabled) await completeOneTime(deps, schedule, reason);
  return { outcome: 'skipped', run: skipped };
}

async function completeOneTime(deps: RunnerDeps, read: Schedule, reason: SkipReason): Promise<void> {
  let schedule: Schedule | undefined = read;
  await retryStale(
    async (tryNumber) => {
      if (tryNumber > 1) schedule = await deps.schedules.get(read.tenantId, read.id);
      if (!schedule?.enabled) return;
      // Not through the mirror: EventBridge has already deleted the one-time schedule after firing it.
      await deps.schedules.update(
        {
          ...schedule,
          enabled: false,
          status: 'completed',
          nextRunAt: null,
          statusReason: `Its only run was skipped (${reason}).`,
          updatedAt: deps.clock.now().toISOString(),
          version: schedule.version + 1,
        },
        schedule,
      );
    },
    // Still changing after every try: the schedule stays as it is, which a later run or pause settles.
    () => new StaleVersionError(`Schedule ${read.id} kept changing; it was not marked completed.`),
    3,
  ).catch((error: unknown) => {
    if (!(error instanceof StaleVersionError)) throw error;
  });
}

/** Handles one delivery of a Scheduler event; repeated deliveries of the same (schedule, scheduled time) do nothing. */
export async function executeScheduledRun(deps: RunnerDeps, event: ScheduledEvent): Promise<RunnerOutcome> {
  const scheduledTime = formatInstant(new Date(event.scheduledTime));
  const { schedule, agent } = await readForRun(deps, event);
  // A schedule deleted after EventBridge fired: nothing to run and nothing to record against.
  if (!schedule) return { outcome: 'no_schedule', scheduleId: event.scheduleId };

  const now = deps.clock.now();
  const deadline = deadlineFor(deps, schedule.timeoutSeconds, now);
  const run = baseRun(deps, schedule, {
    id: scheduledRunId(schedule.id, scheduledTime),
    trigger: 'schedule',
    status: 'running',
    scheduledTime,
    startedAt: formatInstant(now),
    deadlineAt: formatInstant(deadline),
    attempt: Number.isInteger(event.attempt) && event.attempt > 0 ? event.attempt : 1,
    executionId: event.executionId || null,
  });

  // A race with pause or the end of the schedule's window: recorded as skipped, not run.
  if (!schedule.enabled) return recordSkip(deps, run, 'disabled');
  if (schedule.endAt && Date.parse(scheduledTime) > Date.parse(schedule.endAt)) return recordSkip(deps, run, 'ended');
  if (schedule.startAt && Date.parse(scheduledTime) < Date.parse(schedule.startAt)) return recordSkip(deps, run, 'not_started');

  // A schedule's batch: its items count against the budget as they start, not this run.
  const batchRun: Run | undefined = schedule.batch
    ? { ...run, deadlineAt: formatInstant(batchRunDeadline(schedule, now)), batchId: scheduleBatchId(run) }
    : undefined;
  const quota = batchRun ? undefined : quotaReservation(deps, schedule.tenantId, now);
  const begun = await deps.runs.beginScheduledRun(batchRun ?? run, { overlap: schedule.overlapPolicy, now: formatInstant(now), ...(quota ? { quota } : {}) });
  if (begun === 'duplicate') return { outcome: 'duplicate', runId: run.id };
  if (begun === 'over_budget') return recordSkip(deps, run, 'budget', schedule);
  if (begun === 'schedule_changed') {
    const current = await deps.schedules.get(schedule.tenantId, schedule.id);
    if (!current) return { outcome: 'no_schedule', scheduleId: schedule.id };
    return current.enabled ? recordSkip(deps, run, 'overlap', current) : recordSkip(deps, run, 'disabled');
  }
  // The start took the overlap marker (on the schedule's state; the definition's version does not move): the final
  // write gives it up.
  const started: Schedule =
    schedule.overlapPolicy === 'skip' ? { ...schedule, runningRunId: (batchRun ?? run).id, runningUntil: (batchRun ?? run).deadlineAt } : schedule;
  // Its batch ends the run (and releases the overlap marker) when the batch ends.
  if (batchRun) return { outcome: 'ran', run: await runScheduleBatch(deps, started, batchRun) };
  // The final write gives up the overlap marker; a run ended elsewhere (cancel, sweeper) was released there, and an
  // accepted run (its agent answered 202) holds it until its callback, cancel or deadline.
  const finished = await execute(deps, run, started, deadline, undefined, agent);
  return { outcome: 'ran', run: finished };
}

/**
 * The schedule and the agent the event says it names, in one read when the store can (its getForRun); a schedule read
 * as disabled is read again strongly before a fire is skipped for it.
 */
async function readForRun(deps: RunnerDeps, event: ScheduledEvent): Promise<{ schedule: Schedule | undefined; agent?: Agent | undefined }> {
  if (!deps.schedules.getForRun) return { schedule: await deps.schedules.get(event.tenantId, event.scheduleId) };
  const agentId = event.agentId === undefined ? null : (event.agentId ?? deps.settings.defaultAgentId ?? null);
  const read = await deps.schedules.getForRun(event.tenantId, event.scheduleId, agentId);
  if (read.schedule && !read.schedule.enabled) return { schedule: await deps.schedules.get(event.tenantId, event.scheduleId), agent: read.agent };
  return read;
}

/**
 * Runs a queued manual, API or backfill run; a repeated delivery finds it no longer queued and does nothing (but for
 * continuing the backfill of a backfill run that has ended, which is idempotent). A backfill run that ends moves its
 * backfill on to the next occurrence.
 */
export async function executeQueuedRun(deps: RunnerDeps, ref: QueuedRunRef): Promise<RunnerOutcome> {
  const queued = await deps.runs.get(ref.tenantId, ref.scheduleId, ref.runId);
  if (queued?.status !== 'queued') {
    // A runner stopped between the run's final write and its continuation is redelivered here (Lambda's retries).
    if (queued && queued.status !== 'running') {
      await continueBackfillOf(deps, queued);
      await continueBatchOf(deps, queued);
    }
    return { outcome: 'duplicate', runId: ref.runId };
  }
  const schedule = ref.scheduleId ? ((await deps.schedules.get(ref.tenantId, ref.scheduleId)) ?? null) : null;
  const now = deps.clock.now();
  if (ref.scheduleId && !schedule) {
    const skipped: Run = { ...queued, status: 'skipped', reason: 'deleted', finishedAt: formatInstant(now), durationMs: 0 };
    await deps.runs.finishRun(skipped, null);
    await continueBackfillOf(deps, skipped);
    return { outcome: 'skipped', run: skipped };
  }
  // A trigger of a schedule with a batch starts a batch, as its fires do.
  if (schedule?.batch && queued.itemIndex == null) {
    const batchRun: Run = {
      ...queued,
      status: 'running',
      startedAt: formatInstant(now),
      deadlineAt: formatInstant(batchRunDeadline(schedule, now)),
      batchId: scheduleBatchId(queued),
    };
    if (!(await deps.runs.markRunning(batchRun))) return { outcome: 'duplicate', runId: queued.id };
    return { outcome: 'ran', run: await runScheduleBatch(deps, schedule, batchRun) };
  }
  // A batch item runs with its batch's deadline and retry policy.
  const batch = queued.batchId && deps.batches ? await deps.batches.get(queued.tenantId, queued.batchId) : undefined;
  const deadline = deadlineFor(deps, batch?.timeoutSeconds ?? schedule?.timeoutSeconds ?? 300, now);
  const run: Run = { ...queued, status: 'running', startedAt: formatInstant(now), deadlineAt: formatInstant(deadline), attempt: queued.attempt };
  if (!(await deps.runs.markRunning(run))) return { outcome: 'duplicate', runId: run.id };
  const finished = await execute(deps, run, schedule, deadline, batch ? batch.retry : undefined);
  // An accepted backfill or batch run continues its backfill or batch when its callback (or the sweeper) ends it.
  if (finished.status !== 'running') {
    await continueBackfillOf(deps, finished);
    await continueBatchOf(deps, finished, batch);
  }
  return { outcome: 'ran', run: finished };
}

/**
 * The next occurrence of a backfill whose run ended. A failure is logged and thrown: on AWS, Lambda then delivers the
 * run again, and the repeated delivery continues the backfill (above).
 */
async function continueBackfillOf(deps: RunnerDeps, run: Run): Promise<void> {
  if (!run.backfillId) return;
  const continuation = continuationDeps(deps);
  if (!continuation) {
    deps.log?.('A backfill run ended but the runner has no backfill store or dispatcher; its backfill does not continue', { runId: run.id });
    return;
  }
  try {
    await continueAfterRun(continuation, run);
  } catch (error) {
    deps.log?.('Could not continue a backfill after its run ended', {
      runId: run.id,
      backfillId: run.backfillId,
      error: error instanceof Error ? error.name : 'unknown',
    });
    throw error;
  }
}

/**
 * The batch of an item whose run ended moves on: its slot freed, the next item started. A failure is logged and
 * thrown, as for backfills: the repeated delivery continues it (finishing an item twice counts it once).
 */
async function continueBatchOf(deps: RunnerDeps, run: Run, batch?: Batch): Promise<void> {
  if (!run.batchId) return;
  const progress = batchProgressDeps(deps);
  if (!progress) {
    deps.log?.('A batch item ended but the runner has no batch store or queue; its batch does not continue', { runId: run.id });
    return;
  }
  try {
    await continueBatchAfterRun(progress, run, batch);
  } catch (error) {
    deps.log?.('Could not continue a batch after its item ended', {
      runId: run.id,
      batchId: run.batchId,
      error: error instanceof Error ? error.name : 'unknown',
    });
    throw error;
  }
}

async function execute(deps: RunnerDeps, started: Run, schedule: Schedule | null, deadline: Date, retry?: RetryPolicy | null, agent?: Agent): Promise<Run> {
  const call = await callAgent(deps, started, schedule, deadline, callbackRequest(deps, started), retry, agent);
  // Cancelled (or ended by the sweeper) while it ran: that record stands, and the runner writes nothing.
  if (call.kind === 'ended_elsewhere') return call.run;
  if (call.kind === 'answered' && call.result.accepted) {
    // 202 Accepted: the run stays running until its callback or its deadline; the runner is done with it.
    const accepted = await acceptRun(deps, { ...started, attempts: call.attempts }, schedule);
    if (accepted !== 'already_final') return accepted;
    return (await deps.runs.get(started.tenantId, started.scheduleId, started.id)) ?? started;
  }
  const finishedAt = formatInstant(deps.clock.now());
  let run: Run;
  if (call.kind === 'answered') {
    const { result } = call;
    run = { ...started, status: 'succeeded', ...capOutput(result.output), usage: result.usage ?? null, finishedAt, attempts: call.attempts };
  } else {
    const { error } = call;
    run = {
      ...started,
      status: error.kind === 'timeout' ? 'timed_out' : 'failed',
      error: { message: error.message, kind: error.kind },
      usage: error.usage ?? null,
      finishedAt,
      attempts: call.attempts,
    };
  }
  run.durationMs = Date.parse(run.finishedAt!) - Date.parse(run.startedAt!);
  await endRun(deps, run, schedule);
  return run;
}
