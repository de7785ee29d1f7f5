// Missed-run detection, the sweeper's second job: a scheduled time long past with no run recorded (EventBridge could
// not deliver the fire, or the runner died before recording it) becomes a skipped run with reason "missed", so a lost
// fire is seen, counted and told; the schedule's nextRunAt moves on to its next occurrence.
import type { Settings } from '../config.ts';
import { StaleVersionError } from '../domain/errors.ts';
import { isFinal, makeRun, scheduledRunId, type Run } from '../domain/run.ts';
import type { Schedule } from '../domain/schedule.ts';
import { formatInstant } from '../expressions/index.ts';
import type { Clock } from '../ports/clock.ts';
import type { RunStore } from '../ports/run-store.ts';
import { nextFireLateAt, type ScheduleRef, type ScheduleStore } from '../ports/schedule-store.ts';
import { retryStale } from './retry.ts';
import { expiresAt } from './run-rules.ts';
import { computeNextRunAt } from './schedule-timing.ts';

export interface MissedRunDeps {
  schedules: ScheduleStore;
  runs: RunStore;
  clock: Clock;
  /** missedRunGraceSeconds; runRetentionDays and defaultAgentId for the skipped run's record. */
  settings: Settings;
  log?: (message: string, details: Record<string, unknown>) => void;
  /**
   * Told once per missed run, after it is recorded (the `schedule.missed` notification). Its errors are logged and
   * never stop the sweep; a run it was not told of (the sweeper died in between) is not told again.
   */
  onMissed?: (schedule: Schedule, run: Run) => Promise<void>;
}

/** One scheduled time found with no run. */
export interface MissedRun {
  tenantId: string;
  scheduleId: string;
  runId: string;
  scheduledTime: string;
}

export interface MissedRunsResult {
  /** The skipped runs this sweep recorded. */
  missed: MissedRun[];
  /** True when there may be more late schedules than one sweep takes. */
  more: boolean;
}

/** How many late schedules one sweep looks at; the next sweep (5 minutes later on AWS) takes the rest. */
export const MISSED_BATCH = 100;

/** What one late schedule came to: a missed run recorded, a stale nextRunAt moved on, or nothing (a run is under way). */
type Settled = { kind: 'missed'; run: Run; schedule: Schedule } | { kind: 'advanced' } | { kind: 'left' };

/**
 * Finds enabled schedules whose next fire is late by more than the grace period (one Query per due-index shard, so the
 * cost follows the late schedules, not the healthy ones) and settles each: no run for that time → a skipped run,
 * reason "missed" (with the id the fire would have had: a delivery arriving later is a duplicate and does not run),
 * missedCount + 1; a finished run for it → nextRunAt had only gone stale (a skipped fire does not move it); a run
 * still under way → left alone, its end moves nextRunAt. Either of the first two moves nextRunAt to the next
 * occurrence after now; a one-time schedule whose only time was missed is completed.
 */
export async function detectMissedRuns(deps: MissedRunDeps): Promise<MissedRunsResult> {
  const now = deps.clock.now();
  const cutoff = new Date(now.getTime() - deps.settings.missedRunGraceSeconds * 1000).toISOString();
  const refs = await deps.schedules.listMissed(cutoff, MISSED_BATCH);
  const missed: MissedRun[] = [];
  for (const ref of refs) {
    let settled: Settled;
    try {
      settled = await settle(deps, ref, now, cutoff);
    } catch (error) {
      deps.log?.('Could not check a schedule for a missed run; the next sweep retries', { ...ref, error: errorName(error) });
      continue;
    }
    if (settled.kind !== 'missed') continue;
    const { run, schedule } = settled;
    missed.push({ tenantId: run.tenantId, scheduleId: schedule.id, runId: run.id, scheduledTime: run.scheduledTime! });
    await tell(deps, schedule, run);
  }
  if (missed.length > 0) deps.log?.('Recorded missed runs', { count: missed.length, runIds: missed.slice(0, 20).map((entry) => entry.runId) });
  return { missed, more: refs.length >= MISSED_BATCH };
}

async function settle(deps: MissedRunDeps, ref: ScheduleRef, now: Date, cutoff: string): Promise<Settled> {
  const schedule = await deps.schedules.get(ref.tenantId, ref.scheduleId);
  const lateAt = schedule ? nextFireLateAt(schedule) : null;
  // Paused, deleted or moved on since the index was read.
  if (!schedule?.nextRunAt || lateAt === null || lateAt >= cutoff) return { kind: 'left' };
  const scheduledTime = formatInstant(new Date(schedule.nextRunAt));
  const existing = await deps.runs.get(schedule.tenantId, schedule.id, scheduledRunId(schedule.id, scheduledTime));
  if (existing) {
    if (!isFinal(existing.status)) return { kind: 'left' };
    await advance(deps, schedule, scheduledTime, now, null);
    return { kind: 'advanced' };
  }
  const run = missedRun(deps, schedule, scheduledTime, now);
  // A late delivery of the fire may have begun the run meanwhile: then it is that run's, as above.
  if ((await deps.runs.recordRun(run)) !== 'created') return { kind: 'left' };
  try {
    return { kind: 'missed', run, schedule: await advance(deps, schedule, scheduledTime, now, run) };
  } catch (error) {
    // The run is recorded, so the time is missed whatever happens to the schedule; the next sweep moves nextRunAt on.
    deps.log?.('Recorded a missed run but could not move its schedule on', { ...ref, runId: run.id, error: errorName(error) });
    return { kind: 'missed', run, schedule };
  }
}

function missedRun(deps: MissedRunDeps, schedule: Schedule, scheduledTime: string, now: Date): Run {
  return makeRun({
    tenantId: schedule.tenantId,
    id: scheduledRunId(schedule.id, scheduledTime),
    scheduleId: schedule.id,
    userId: schedule.userId,
    trigger: 'schedule',
    status: 'skipped',
    reason: 'missed',
    scheduledTime,
    finishedAt: formatInstant(now),
    durationMs: 0,
    agentId: schedule.agentId ?? deps.settings.defaultAgentId ?? null,
    expiresAt: expiresAt(deps.settings, now),
  });
}

/**
 * Moves the schedule past `scheduledTime` (not through the Scheduler mirror: EventBridge's schedule is unchanged), with
 * missedCount + 1 when `missed` is the run just recorded; re-read and retried when another write wins the race, and
 * left when the schedule has moved on by itself meanwhile. Returns the schedule as written (or as last read).
 */
async function advance(deps: MissedRunDeps, read: Schedule, scheduledTime: string, now: Date, missed: Run | null): Promise<Schedule> {
  let current: Schedule | undefined = read;
  return retryStale(
    async (tryNumber) => {
      if (tryNumber > 1) current = await deps.schedules.get(read.tenantId, read.id);
      if (!current?.enabled || !current.nextRunAt || Date.parse(current.nextRunAt) !== Date.parse(scheduledTime)) return current ?? read;
      const next = moved(current, now, missed);
      await deps.schedules.update(next, current);
      return next;
    },
    () => new StaleVersionError(`Schedule ${read.id} kept changing; its nextRunAt was not moved past ${scheduledTime}.`),
  );
}

function moved(schedule: Schedule, now: Date, missed: Run | null): Schedule {
  const changes: Partial<Schedule> = { updatedAt: now.toISOString(), version: schedule.version + 1 };
  if (missed) changes.missedCount = (schedule.missedCount ?? 0) + 1;
  // EventBridge deletes a one-time schedule once it has fired (or tried to): one whose only time was missed is over.
  if (schedule.scheduleType === 'one-time') {
    return {
      ...schedule,
      ...changes,
      enabled: false,
      status: 'completed',
      nextRunAt: null,
      statusReason: missed ? `Its only run (${missed.scheduledTime}) was missed: no run was recorded for it.` : 'Its only run has ended.',
    };
  }
  return { ...schedule, ...changes, nextRunAt: computeNextRunAt(schedule, now) };
}

async function tell(deps: MissedRunDeps, schedule: Schedule, run: Run): Promise<void> {
  if (!deps.onMissed) return;
  try {
    await deps.onMissed(schedule, run);
  } catch (error) {
    deps.log?.('Could not send the notice of a missed run', { scheduleId: schedule.id, runId: run.id, error: errorName(error) });
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown';
}
