// Backfill: a schedule's past occurrences in [from, to) run one at a time, in time order, each under the id its
// scheduled fire would have had (so one that already ran is skipped, never run twice), with a progress record.
//
// The record says which occurrence is next; its run is recorded (reserving budget) and handed to the runner, and when
// that run reaches its final state — in the runner, or ended by the sweeper — continueBackfill looks at the record and
// the next occurrence's run and moves on. Every step is a conditional write on the record's version, and run ids are
// derived from the occurrence, so repeated or concurrent continuations of the same finished run start one next run.
import type { Settings } from '../config.ts';
import { BACKFILL_ID_PATTERN, BACKFILL_ID_PREFIX, type Backfill, type BackfillStopReason, MAX_BACKFILL_RUNS } from '../domain/backfill.ts';
import { BudgetExhaustedError, NotFoundError, StaleVersionError, ValidationError } from '../domain/errors.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import { makeRun, type Run, type RunStatus, scheduledRunId } from '../domain/run.ts';
import type { Schedule } from '../domain/schedule.ts';
import { formatInstant, nextRunsOfSchedulerExpression } from '../expressions/index.ts';
import type { BackfillStore } from '../ports/backfill-store.ts';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import type { RunDispatcher } from '../ports/run-dispatcher.ts';
import type { RunStore } from '../ports/run-store.ts';
import type { ScheduleStore } from '../ports/schedule-store.ts';
import { retryStale } from './retry.ts';
import { expiresAt, quotaReservation } from './run-rules.ts';
import { loadVisibleSchedule } from './schedule-access.ts';

export interface BackfillDeps {
  schedules: ScheduleStore;
  runs: RunStore;
  backfills: BackfillStore;
  clock: Clock;
  ids: IdGenerator;
  settings: Settings;
  dispatcher: RunDispatcher;
  log?: (message: string, details: Record<string, unknown>) => void;
}

/** What continuing a backfill takes: what starting one does, less new ids (its runs' ids are derived). */
export type ContinueDeps = Omit<BackfillDeps, 'ids'>;

/** POST /v1/schedules/{id}/backfill, parsed (shared/http/backfills.ts): ISO 8601 instants and the cap. */
export interface BackfillRequest {
  from: string;
  to: string;
  maxRuns: number;
}

/** Where a backfill is stored. */
export interface BackfillRef {
  tenantId: string;
  scheduleId: string;
  id: string;
}

/** How far a range with more occurrences than maxRuns is counted for the 400 (counting takes ~65 µs an occurrence). */
export const OCCURRENCE_COUNT_LIMIT = 5000;

const YEAR_MS = 365.25 * 86_400_000;
const UNFINISHED: readonly RunStatus[] = ['queued', 'running'];
/** Runs looked up ahead at most at once, when occurrences in a row turn out to have run already. */
const MAX_LOOKAHEAD = 32;

/**
 * Occurrences of the expression in [fromMs, untilMs] (both inclusive), in time order, at most `limit`; computed in
 * growing batches so a short range costs little whatever the limit.
 */
export function occurrencesIn(expression: string, timezone: string, fromMs: number, untilMs: number, limit: number, anchor?: string | null): Date[] {
  const found: Date[] = [];
  if (untilMs < fromMs) return found;
  const horizonYears = Math.ceil((untilMs - fromMs) / YEAR_MS) + 1;
  let after = fromMs - 1;
  for (let batch = 16; found.length < limit; batch = Math.min(batch * 2, 1024)) {
    const want = Math.min(batch, limit - found.length);
    const next = nextRunsOfSchedulerExpression(expression, timezone, new Date(after), want, {
      horizonYears,
      ...(anchor ? { startDate: new Date(anchor) } : {}),
    });
    for (const instant of next) {
      if (instant.getTime() > untilMs) return found;
      found.push(instant);
    }
    if (next.length < want) return found;
    after = next.at(-1)!.getTime();
  }
  return found;
}

/** The occurrence after `occurrence` up to the backfill's last one, or null. */
function successorOf(backfill: Backfill, occurrence: string): string | null {
  const [next] = occurrencesIn(
    backfill.schedulerExpression,
    backfill.schedulerTimezone,
    Date.parse(occurrence) + 1,
    Date.parse(backfill.lastOccurrence),
    1,
    backfill.anchor,
  );
  return next ? formatInstant(next) : null;
}

/** Up to `count` occurrences from `occurrence` on (itself first), up to the backfill's last one. */
function occurrencesFrom(backfill: Backfill, occurrence: string, count: number): string[] {
  const start = Date.parse(occurrence);
  return occurrencesIn(backfill.schedulerExpression, backfill.schedulerTimezone, start, Date.parse(backfill.lastOccurrence), count, backfill.anchor).map(
    formatInstant,
  );
}

/** A working example of a range ending at or before now: `from` and a day later (or now, if sooner). */
function exampleRange(from: number, now: Date): string {
  const start = Number.isNaN(from) || from >= now.getTime() ? now.getTime() - 86_400_000 : from;
  const end = Math.min(start + 86_400_000, now.getTime());
  return `{"from": "${formatInstant(new Date(start))}", "to": "${formatInstant(new Date(end))}"}`;
}

function checkRange(request: BackfillRequest, now: Date): { from: number; to: number } {
  const from = Date.parse(request.from);
  const to = Date.parse(request.to);
  if (to <= from) {
    throw new ValidationError(`to (${request.to}) must be after from (${request.from}): a backfill runs the occurrences in [from, to).`, {
      field: 'to',
      hint: `For example ${exampleRange(from, now)}.`,
    });
  }
  if (to > now.getTime()) {
    throw new ValidationError(
      `to (${request.to}) is in the future: a backfill is of the past, it runs occurrences that have already passed (it is now ${formatInstant(now)}). ` +
        'Later ones run on schedule.',
      { field: 'to', hint: `Use "to": "${formatInstant(now)}" or earlier, e.g. ${exampleRange(from, now)}.` },
    );
  }
  return { from, to };
}

/** The schedule's occurrences in [from, to) within its own startAt/endAt (as the runner skips those outside). */
function window(schedule: Schedule, range: { from: number; to: number }): { fromMs: number; untilMs: number } {
  return {
    fromMs: Math.max(range.from, schedule.startAt ? Date.parse(schedule.startAt) : range.from),
    untilMs: Math.min(range.to - 1, schedule.endAt ? Date.parse(schedule.endAt) : Number.POSITIVE_INFINITY),
  };
}

function tooMany(schedule: Schedule, request: BackfillRequest, bounds: { fromMs: number; untilMs: number }): ValidationError {
  const counted = occurrencesIn(
    schedule.schedulerExpression,
    schedule.schedulerTimezone,
    bounds.fromMs,
    bounds.untilMs,
    OCCURRENCE_COUNT_LIMIT + 1,
    schedule.startAt,
  );
  const count = counted.length;
  const howMany = count > OCCURRENCE_COUNT_LIMIT ? `more than ${OCCURRENCE_COUNT_LIMIT.toLocaleString('en-US')}` : count.toLocaleString('en-US');
  // The occurrence after the first maxRuns: a `to` there covers exactly maxRuns of them.
  const cut = formatInstant(counted[request.maxRuns]!);
  const raise = count <= MAX_BACKFILL_RUNS ? `, or raise maxRuns to ${count}` : ` (maxRuns goes up to ${MAX_BACKFILL_RUNS.toLocaleString('en-US')})`;
  return new ValidationError(
    `[from, to) holds ${howMany} occurrences of this schedule, more than maxRuns (${request.maxRuns}). Narrow the range${raise}; ` +
      `maxRuns may be at most ${MAX_BACKFILL_RUNS.toLocaleString('en-US')}.`,
    {
      field: 'maxRuns',
      occurrences: count > OCCURRENCE_COUNT_LIMIT ? null : count,
      maxRuns: request.maxRuns,
      hint: `"to": "${cut}" covers the first ${request.maxRuns}${count <= MAX_BACKFILL_RUNS ? `; "maxRuns": ${count} covers them all` : ''}. Several backfills in a row cover a longer range.`,
    },
  );
}

/**
 * Starts a backfill: checks the range, counts its occurrences (at most maxRuns, else a 400 saying how many there are),
 * stores the progress record and starts the first occurrence that has not run. 402 when the budget is already spent.
 */
export async function startBackfill(deps: BackfillDeps, principal: TenantPrincipal, scheduleId: string, request: BackfillRequest): Promise<Backfill> {
  const schedule = await loadVisibleSchedule(deps, principal, scheduleId);
  const now = deps.clock.now();
  const range = checkRange(request, now);
  const bounds = window(schedule, range);
  const occurrences = occurrencesIn(
    schedule.schedulerExpression,
    schedule.schedulerTimezone,
    bounds.fromMs,
    bounds.untilMs,
    request.maxRuns + 1,
    schedule.startAt,
  );
  if (occurrences.length === 0) {
    const limits = [schedule.startAt && `startAt ${schedule.startAt}`, schedule.endAt && `endAt ${schedule.endAt}`].filter(Boolean).join(', ');
    throw new ValidationError(
      `The schedule has no occurrence in [${request.from}, ${request.to})${limits ? ` within its ${limits}` : ''}: there is nothing to backfill.`,
      { field: 'from', hint: `It runs ${schedule.cronDescription}; widen the range, e.g. an earlier "from".` },
    );
  }
  if (occurrences.length > request.maxRuns) throw tooMany(schedule, request, bounds);

  const quota = quotaReservation(deps, schedule.tenantId, now);
  if (quota && (await deps.runs.usage(schedule.tenantId, quota.month)) >= quota.limit) throw new BudgetExhaustedError(quota.limit, quota.month);

  const backfill: Backfill = {
    tenantId: schedule.tenantId,
    id: deps.ids.newId(BACKFILL_ID_PREFIX),
    scheduleId: schedule.id,
    userId: principal.userId,
    from: formatInstant(new Date(range.from)),
    to: formatInstant(new Date(range.to)),
    occurrences: occurrences.length,
    nextOccurrence: formatInstant(occurrences[0]!),
    lastOccurrence: formatInstant(occurrences.at(-1)!),
    schedulerExpression: schedule.schedulerExpression,
    anchor: schedule.startAt,
    schedulerTimezone: schedule.schedulerTimezone,
    counts: { ran: 0, alreadyRan: 0, failed: 0 },
    status: 'running',
    stopReason: null,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    version: 1,
    expiresAt: expiresAt(deps.settings, now),
  };
  await deps.backfills.create(backfill);
  return (await continueBackfill(deps, backfill)) ?? backfill;
}

/** GET /v1/schedules/{id}/backfills/{backfillId}: a backfill of a schedule the caller may see. */
export async function getBackfill(
  deps: { schedules: ScheduleStore; backfills: BackfillStore },
  principal: TenantPrincipal,
  scheduleId: string,
  backfillId: string,
): Promise<Backfill> {
  const schedule = await loadVisibleSchedule(deps, principal, scheduleId);
  const backfill = BACKFILL_ID_PATTERN.test(backfillId) ? await deps.backfills.get(schedule.tenantId, schedule.id, backfillId) : undefined;
  if (!backfill) throw new NotFoundError('backfill', backfillId.slice(0, 80));
  return backfill;
}

/** After a run's final state: a backfill run continues its backfill; any other run changes nothing. */
export async function continueAfterRun(deps: ContinueDeps, run: Run): Promise<Backfill | undefined> {
  if (run.trigger !== 'backfill' || !run.backfillId || !run.scheduleId || UNFINISHED.includes(run.status)) return undefined;
  return continueBackfill(deps, { tenantId: run.tenantId, scheduleId: run.scheduleId, id: run.backfillId });
}

/**
 * Moves a running backfill on as far as it can: past occurrences that had run already and the one whose run ended,
 * to the next occurrence, whose run it records and dispatches. Nothing to do (its run is still going, or it is done)
 * leaves it as it is. Safe to call any number of times, concurrently: a write that lost the race is redone from what
 * the winner wrote, and an occurrence's run is created once (its id is derived), so only one next run ever starts.
 */
export async function continueBackfill(deps: ContinueDeps, ref: BackfillRef): Promise<Backfill | undefined> {
  let latest: Backfill | undefined;
  try {
    return await retryStale(
      async () => {
        latest = await deps.backfills.get(ref.tenantId, ref.scheduleId, ref.id);
        if (latest?.status !== 'running') return latest;
        const next = await advance(deps, latest);
        if (next === latest) return latest;
        await deps.backfills.update(next, latest.version);
        return next;
      },
      () => new StaleVersionError(`Backfill ${ref.id} kept changing while it was continued.`),
      10,
    );
  } catch (error) {
    if (!(error instanceof StaleVersionError)) throw error;
    // Ten continuations in a row moved it first: they carry it on.
    deps.log?.('A backfill kept changing while it was continued; the others carry it on', { backfillId: ref.id });
    return latest;
  }
}

/** Settles a lookup now, so one left unread when the walk stops is never an unhandled rejection. */
function lookup(deps: ContinueDeps, backfill: Backfill, occurrence: string): Promise<() => Run | undefined> {
  return deps.runs.get(backfill.tenantId, backfill.scheduleId, scheduledRunId(backfill.scheduleId, occurrence)).then(
    (run) => () => run,
    (error: unknown) => () => {
      throw error;
    },
  );
}

/** The record as it should be now (the very object passed in when nothing changed). */
async function advance(deps: ContinueDeps, read: Backfill): Promise<Backfill> {
  const next: Backfill = { ...read, counts: { ...read.counts } };
  let changed = false;
  let schedule: Schedule | null | undefined;
  const stop = (reason: BackfillStopReason) => {
    next.status = 'stopped';
    next.stopReason = reason;
    changed = true;
  };
  // Runs of the next occurrences are read a few at a time, more while they keep turning out to have run already.
  let ahead: Array<{ occurrence: string; run: Promise<() => Run | undefined> }> = [];
  let span = 2;
  let recheck = false;

  while (next.nextOccurrence !== null) {
    const occurrence = next.nextOccurrence;
    if (ahead[0]?.occurrence !== occurrence || recheck) {
      ahead = occurrencesFrom(next, occurrence, recheck ? 1 : span).map((each) => ({ occurrence: each, run: lookup(deps, next, each) }));
      span = Math.min(span * 2, MAX_LOOKAHEAD);
    }
    const existing = (await ahead.shift()!.run)();
    const wasRecheck = recheck;
    recheck = false;

    if (existing && existing.backfillId !== next.id) {
      next.counts.alreadyRan += 1;
    } else if (existing && UNFINISHED.includes(existing.status)) {
      break; // Its end continues the backfill.
    } else if (existing) {
      next.counts[existing.status === 'succeeded' ? 'ran' : 'failed'] += 1;
    } else {
      if (wasRecheck) break; // Recorded by another continuation a moment ago and not readable yet: that one carries on.
      schedule ??= (await deps.schedules.get(next.tenantId, next.scheduleId)) ?? null;
      if (!schedule) {
        stop('schedule_deleted');
        break;
      }
      const recorded = await startRun(deps, next, schedule, occurrence);
      if (recorded === 'over_budget') {
        stop('budget');
        break;
      }
      if (recorded === 'created') break;
      // 'duplicate': a scheduled fire or another continuation recorded it first; read it and judge again.
      recheck = true;
      continue;
    }
    // The next one is the first still looked up ahead (they are consecutive), else computed.
    next.nextOccurrence = ahead[0]?.occurrence ?? successorOf(next, occurrence);
    changed = true;
  }
  if (next.status === 'running' && next.nextOccurrence === null) {
    next.status = 'done';
    changed = true;
  }
  if (!changed) return read;
  return { ...next, updatedAt: deps.clock.now().toISOString(), version: read.version + 1 };
}

/**
 * Records the occurrence's run, queued, reserving budget, and hands it to the runner. A dispatch that fails leaves it
 * queued: the sweeper ends it (failed) once queued runs are overdue, and the backfill moves on from there.
 */
async function startRun(deps: ContinueDeps, backfill: Backfill, schedule: Schedule, occurrence: string): Promise<'created' | 'duplicate' | 'over_budget'> {
  const now = deps.clock.now();
  const run = makeRun({
    tenantId: backfill.tenantId,
    id: scheduledRunId(backfill.scheduleId, occurrence),
    scheduleId: backfill.scheduleId,
    userId: backfill.userId,
    trigger: 'backfill',
    backfillId: backfill.id,
    status: 'queued',
    scheduledTime: occurrence,
    queuedAt: formatInstant(now),
    agentId: schedule.agentId ?? deps.settings.defaultAgentId ?? null,
    expiresAt: expiresAt(deps.settings, now),
  });
  const recorded = await deps.runs.recordRun(run, quotaReservation(deps, backfill.tenantId, now));
  // No Idempotency-Key is given here, so never 'key_taken'.
  if (recorded !== 'created') return recorded === 'key_taken' ? 'duplicate' : recorded;
  try {
    await deps.dispatcher.dispatch({ kind: 'queued', tenantId: run.tenantId, scheduleId: run.scheduleId, runId: run.id });
  } catch (error) {
    deps.log?.('A backfill run could not be handed to the runner; it stays queued until the sweeper ends it, then the backfill continues', {
      backfillId: backfill.id,
      runId: run.id,
      error: error instanceof Error ? error.name : 'unknown',
    });
  }
  return 'created';
}

/** The continuation deps, when a composition wired them all (the runner's and the sweeper's do). */
export function continuationDeps(deps: Partial<ContinueDeps> & Pick<ContinueDeps, 'schedules' | 'runs' | 'clock'>): ContinueDeps | undefined {
  const { backfills, settings, dispatcher } = deps;
  if (!backfills || !settings || !dispatcher) return undefined;
  return { schedules: deps.schedules, runs: deps.runs, clock: deps.clock, backfills, settings, dispatcher, ...(deps.log ? { log: deps.log } : {}) };
}
