// The expressions module's front door: from what a user writes to fire times, EventBridge expression and sentence.
import { parseCron, minimumIntervalMinutes, normalisedCalendarExpression } from './cron.ts';
import { describeCron, describeOneTime, describeRate } from './describe.ts';
import { ExpressionError } from './errors.ts';
import { nextRunsOfFields } from './next-runs.ts';
import { parseInstant, parseScheduledTime } from './one-time.ts';
import { firstWallTimeAtOrAfter, nextRunsOfRate, parseRate, rateAnchor, rateOf, rateStartDate } from './rate.ts';
import { toSchedulerAt, toSchedulerCron } from './scheduler-expression.ts';
import { readScheduleText } from './text-to-cron/index.ts';
import { parseTimezone } from './timezone.ts';

export { ExpressionError } from './errors.ts';
export { parseCron, minimumIntervalMinutes, type CalendarDay, type CronFields, type ParsedCron } from './cron.ts';
export { nextRunsOfFields, nextRunsOfPattern, DEFAULT_HORIZON_YEARS, type NextRunsOptions } from './next-runs.ts';
export { parseInstant, parseScheduledTime } from './one-time.ts';
export {
  firstWallTimeAtOrAfter,
  nextRunsOfRate,
  parseRate,
  rateAnchor,
  rateOf,
  rateStartDate,
  type FirstRun,
  type Rate,
  type RateUnit,
} from './rate.ts';
export {
  nextRunsOfSchedulerExpression,
  parseSchedulerExpression,
  toSchedulerAt,
  toSchedulerCron,
  type ParsedSchedulerExpression,
} from './scheduler-expression.ts';
export { describeCron, describeOneTime, describeRate } from './describe.ts';
export { readScheduleText, textToCron, type TextCron, type TextSchedule } from './text-to-cron/index.ts';
export { parseTimezone, canonicalTimezone, toWallClock, fromWallClock } from './timezone.ts';

export const DEFAULT_MIN_INTERVAL_MINUTES = 1;

/** UTC ISO 8601 without milliseconds when they are zero: "2026-11-20T14:00:00Z". */
export function formatInstant(instant: Date): string {
  return instant.toISOString().replace('.000Z', 'Z');
}

export interface TimingInput {
  /** A 5-field cron (with L, 15W, 5L or 1#2 if wanted) or @macro; or an interval written "rate(90 minutes)". */
  cronExpression?: string | undefined;
  scheduledTime?: string | undefined;
  timezone?: string | undefined;
  /** An interval: "90 minutes", "2 hours", "14 days", "2 weeks" (sent as rate(14 days)), or "rate(…)". Recurring. */
  rate?: string | undefined;
  /**
   * ISO 8601 (an offset-less time is read in `timezone`), past or future; recurring schedules only (a one-time schedule
   * ignores it, as EventBridge ignores StartDate there). A rate's anchor: its first run, from which every later run
   * is counted (rounded up to a whole minute; without it, the first whole minute after `now`, the creation time).
   * A cron fires only at or after it.
   */
  startAt?: string | undefined;
}

export interface TimingOptions {
  now: Date;
  /** The deployment's shortest allowed cadence, in minutes (EventBridge's precision is 1). */
  minIntervalMinutes?: number;
  /** How many fire times to list (default 5). */
  count?: number;
  /** Fire times are listed strictly after this instant (default `now`). */
  after?: Date;
}

export interface Timing {
  scheduleType: 'recurring' | 'one-time';
  /** The cron as the user gave it (macros expanded); recurring cron schedules only. */
  cronExpression?: string;
  /** The instant, UTC ISO; one-time only. */
  scheduledTime?: string;
  /** The interval inside rate(…), "90 minutes" or "14 days"; rate schedules only. */
  rate?: string;
  /** The instant a rate schedule's runs are counted from (its first run); rate schedules only. */
  anchor?: Date;
  /**
   * The StartDate to send EventBridge Scheduler. Rate: the anchor, or, when the anchor has passed, its first run at or
   * after `now` (same phase; EventBridge refuses a StartDate more than 5 minutes old). Cron: startAt when it is after
   * `now`. Absent otherwise (send no StartDate).
   */
  startDate?: Date;
  timezone: string;
  schedulerExpression: string;
  schedulerTimezone: string;
  description: string;
  nextRuns: Date[];
}

/** Validates a schedule's timing and resolves everything the service derives from it. Throws ExpressionError. */
export function resolveTiming(input: TimingInput, options: TimingOptions): Timing {
  const timezone = parseTimezone(input.timezone);
  const count = options.count ?? 5;
  const after = options.after ?? options.now;
  const given = (value: string | undefined | null): value is string => value !== undefined && value !== null;
  const hasCron = given(input.cronExpression);
  const hasTime = given(input.scheduledTime);
  const hasRate = given(input.rate);
  if (hasCron && hasTime) {
    throw new ExpressionError('scheduledTime', 'Give either cronExpression (recurring) or scheduledTime (one-time), not both.');
  }
  if (hasRate && (hasCron || hasTime)) {
    throw new ExpressionError('rate', `Give one of rate, cronExpression or scheduledTime, not both rate and ${hasCron ? 'cronExpression' : 'scheduledTime'}.`, {
      hint: 'For example "rate": "90 minutes", or "cronExpression": "0 9 * * 1-5".',
    });
  }
  if (!hasCron && !hasTime && !hasRate) {
    throw new ExpressionError(
      'cronExpression',
      'A schedule needs a cronExpression (recurring), a rate (recurring at a fixed interval) or a scheduledTime (one-time).',
      { hint: 'For example "cronExpression": "0 9 * * 1-5", "rate": "90 minutes" or "scheduledTime": "2026-12-01T09:00:00Z".' },
    );
  }

  if (hasTime) {
    const instant = parseScheduledTime(input.scheduledTime!, timezone, options.now);
    const at = toSchedulerAt(instant, timezone);
    return {
      scheduleType: 'one-time',
      scheduledTime: formatInstant(instant),
      timezone,
      ...at,
      description: describeOneTime(instant, timezone),
      nextRuns: instant.getTime() > after.getTime() && count > 0 ? [instant] : [],
    };
  }

  const startAt = given(input.startAt) ? parseInstant(input.startAt, timezone, 'startAt') : undefined;
  const minimum = options.minIntervalMinutes ?? DEFAULT_MIN_INTERVAL_MINUTES;
  if (hasRate || /^\s*rate\s*\(/i.test(input.cronExpression!)) {
    const field = hasRate ? 'rate' : 'cronExpression';
    return resolveRate(hasRate ? input.rate! : input.cronExpression!, field, { timezone, startAt, minimum, count, after, now: options.now });
  }

  const parsed = parseCron(input.cronExpression!);
  const { expression, fields } = parsed;
  const interval = minimumIntervalMinutes(fields);
  if (interval < minimum) {
    throw new ExpressionError(
      'cronExpression',
      `"${expression}" fires as often as every ${interval} minute${interval === 1 ? '' : 's'}; ` + `this deployment's minimum interval is ${minimum} minutes.`,
      { hint: `Use a cadence of at least ${minimum} minutes, e.g. "${exampleAtLeast(minimum)}".` },
    );
  }
  // EventBridge fires a cron only at or after its StartDate.
  const from = startAt && startAt.getTime() - 1 > after.getTime() ? new Date(startAt.getTime() - 1) : after;
  return {
    scheduleType: 'recurring',
    cronExpression: expression,
    ...(startAt && startAt.getTime() > options.now.getTime() ? { startDate: startAt } : {}),
    timezone,
    schedulerExpression: toSchedulerCron(fields),
    schedulerTimezone: timezone,
    description: describeCron(normalisedCalendarExpression(parsed), timezone),
    nextRuns: nextRunsOfFields(fields, timezone, from, count),
  };
}

interface RateContext {
  timezone: string;
  startAt: Date | undefined;
  minimum: number;
  count: number;
  after: Date;
  now: Date;
}

/** An interval schedule: rate(…) from its anchor (see rate.ts for how EventBridge fires it). */
function resolveRate(text: string, field: string, context: RateContext): Timing {
  const rate = parseRate(text, field);
  if (rate.minutes < context.minimum) {
    throw new ExpressionError(field, `"${rate.expression}" fires every ${rate.text}; this deployment's minimum interval is ${context.minimum} minutes.`, {
      hint: `Use an interval of at least ${context.minimum} minutes, e.g. "${rateOf(context.minimum, 'minute').text}".`,
    });
  }
  const anchor = rateAnchor(context.startAt, context.now);
  return {
    scheduleType: 'recurring',
    rate: rate.text,
    anchor,
    startDate: rateStartDate(rate, anchor, context.now),
    timezone: context.timezone,
    schedulerExpression: rate.expression,
    schedulerTimezone: context.timezone,
    description: describeRate(rate, anchor, context.timezone),
    nextRuns: nextRunsOfRate(rate, anchor, context.after, context.count),
  };
}

function exampleAtLeast(minutes: number): string {
  const step = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30].find((divisor) => divisor >= minutes);
  if (step) return `*/${step} * * * *`;
  const hours = [1, 2, 3, 4, 6, 8, 12].find((divisor) => divisor * 60 >= minutes);
  return hours ? `0 */${hours} * * *` : '0 0 * * *';
}

/**
 * English → cron or interval, then resolved like any timing. A timezone in the text wins over the one given. An
 * interval aligned to a time ("every 2 weeks on monday at 9:00", "every 3 days at 9am") is anchored on the first such
 * wall-clock time at or after `startAt` (default: `now`) in the timezone.
 */
export function resolveText(text: string, options: TimingOptions & { timezone?: string; startAt?: string }): Timing {
  const read = readScheduleText(text);
  const timezone = read.timezone ?? options.timezone;
  if (read.kind === 'cron') return resolveTiming({ cronExpression: read.cronExpression, timezone, startAt: options.startAt }, options);
  let startAt = options.startAt;
  if (read.firstRun) {
    const zone = parseTimezone(timezone);
    const from = startAt === undefined ? options.now : parseInstant(startAt, zone, 'startAt');
    startAt = formatInstant(firstWallTimeAtOrAfter(read.firstRun, zone, from));
  }
  return resolveTiming({ rate: read.rate, timezone, startAt }, options);
}
