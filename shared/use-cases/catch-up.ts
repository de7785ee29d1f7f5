// Catch-up: when a paused schedule is resumed (or the local server starts after being down), the most recent
// occurrence missed within the schedule's window runs once — never a storm of old ones.
import { DEFAULT_CATCH_UP_WINDOW_MINUTES, type Schedule } from '../domain/schedule.ts';
import { makeRun, type Run, scheduledRunId } from '../domain/run.ts';
import { formatInstant, nextRunsOfSchedulerExpression } from '../expressions/index.ts';
import { expiresAt, quotaReservation } from './run-rules.ts';
import { runsFrom } from './schedule-timing.ts';
import type { TriggerDeps } from './trigger-schedule.ts';

/** The latest occurrence in (now − window, now] within the schedule's start and end, if any. */
export function latestMissedOccurrence(schedule: Schedule, now: Date): Date | undefined {
  const windowMinutes = schedule.catchUpWindowMinutes ?? DEFAULT_CATCH_UP_WINDOW_MINUTES;
  let from = now.getTime() - windowMinutes * 60_000;
  if (schedule.startAt) from = Math.max(from, Date.parse(schedule.startAt) - 1);
  // One occurrence a minute at most (the shortest cadence), so window + 1 reaches past now.
  const occurrences = nextRunsOfSchedulerExpression(
    schedule.schedulerExpression,
    schedule.schedulerTimezone,
    new Date(from),
    windowMinutes + 1,
    runsFrom(schedule),
  );
  const missed = occurrences.filter((time) => time.getTime() <= now.getTime() && (!schedule.endAt || time.getTime() <= Date.parse(schedule.endAt)));
  return missed.at(-1);
}

/**
 * Runs the latest missed occurrence once, with the id its scheduled fire would have had (so one that ran, or was
 * already caught up, is not run again) and trigger "catch_up". Null when the schedule does not catch up, nothing was
 * missed, it already ran, or the budget is spent (a catch-up never fails the resume that asked for it).
 */
export async function catchUpMissed(deps: TriggerDeps, schedule: Schedule): Promise<Run | null> {
  if (schedule.catchUp !== 'latest' || !schedule.enabled) return null;
  const now = deps.clock.now();
  const occurrence = latestMissedOccurrence(schedule, now);
  if (!occurrence) return null;
  const scheduledTime = formatInstant(occurrence);
  const run = makeRun({
    tenantId: schedule.tenantId,
    id: scheduledRunId(schedule.id, scheduledTime),
    scheduleId: schedule.id,
    userId: schedule.userId,
    trigger: 'catch_up',
    status: 'queued',
    scheduledTime,
    queuedAt: formatInstant(now),
    agentId: schedule.agentId ?? deps.settings.defaultAgentId ?? null,
    expiresAt: expiresAt(deps.settings, now),
  });
  const recorded = await deps.runs.recordRun(run, quotaReservation(deps, schedule.tenantId, now));
  if (recorded !== 'created') {
    if (recorded === 'over_budget')
      deps.log?.('Catch-up skipped: the monthly run budget is spent', { tenantId: schedule.tenantId, scheduleId: schedule.id, scheduledTime });
    return null;
  }
  await deps.dispatcher.dispatch({ kind: 'queued', tenantId: run.tenantId, scheduleId: run.scheduleId, runId: run.id });
  return run;
}
