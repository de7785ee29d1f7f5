// When a schedule fires: its timing fields resolved to an EventBridge expression, its window, its next run.
import { ExpressionError, formatInstant, nextRunsOfSchedulerExpression, resolveText, resolveTiming, textToCron, type Timing } from '../expressions/index.ts';
import { ValidationError } from '../domain/errors.ts';
import type { Schedule, ScheduleInput } from '../domain/schedule.ts';
import type { ScheduleDeps } from './schedule-deps.ts';

export function toValidation(error: unknown): unknown {
  if (error instanceof ExpressionError) {
    return new ValidationError(error.message, { field: error.field, ...(error.hint ? { hint: error.hint } : {}) }, { cause: error });
  }
  return error;
}

/** Resolves the timing fields; a scheduleType that contradicts them is a 400. */
export function resolveScheduleTiming(
  input: Pick<ScheduleInput, 'scheduleType' | 'cronExpression' | 'scheduledTime' | 'timezone' | 'rate' | 'startAt'>,
  deps: Pick<ScheduleDeps, 'clock' | 'settings'>,
): Timing {
  if (input.scheduleType === 'recurring' && input.cronExpression === undefined && input.rate === undefined) {
    throw new ValidationError('A recurring schedule needs a cronExpression (or a rate).', {
      field: 'cronExpression',
      hint: 'e.g. "cronExpression": "0 9 * * 1-5", or "rate": "90 minutes"',
    });
  }
  if (input.rate !== undefined && (input.cronExpression !== undefined || input.scheduledTime !== undefined)) {
    throw new ValidationError('A schedule has one cadence: a rate, a cronExpression or a scheduledTime, not two.', {
      field: 'rate',
      hint: 'e.g. "rate": "90 minutes" alone',
    });
  }
  if (input.scheduleType === 'one-time' && input.scheduledTime === undefined) {
    throw new ValidationError('A one-time schedule needs a scheduledTime.', { field: 'scheduledTime', hint: 'e.g. "scheduledTime": "2026-12-01T09:00:00Z"' });
  }
  const options = { now: deps.clock.now(), minIntervalMinutes: deps.settings.minIntervalMinutes, count: 1 };
  const resolve = (cronExpression: string | undefined, timezone: string | undefined) =>
    resolveTiming({ cronExpression, scheduledTime: input.scheduledTime, timezone, rate: input.rate, startAt: input.startAt ?? undefined }, options);
  try {
    return resolve(input.cronExpression, input.timezone);
  } catch (error) {
    const text = cadenceAsText(error, input.cronExpression);
    if (!text) {
      // An interval aligned to a weekday or time ("every 2 weeks on monday at 9:00") is a rate with its first run.
      const aligned = alignedInterval(error, input, options);
      if (aligned) return aligned;
      throw toValidation(error);
    }
    try {
      return resolve(text.cronExpression, input.timezone ?? text.timezone);
    } catch (textError) {
      throw toValidation(textError);
    }
  }
}

/**
 * A cadence may be plain English ("sundays at 5pm UTC"), as Toolhouse allows: a cronExpression the cron parser
 * refused but the English grammar reads becomes that cron (and its timezone, unless one was given).
 * Undefined when the cron error stands.
 */
function cadenceAsText(error: unknown, cronExpression: string | undefined): ReturnType<typeof textToCron> | undefined {
  if (!(error instanceof ExpressionError) || error.field !== 'cronExpression' || cronExpression === undefined) return undefined;
  try {
    const text = textToCron(cronExpression);
    return text.cronExpression === cronExpression.trim() ? undefined : text;
  } catch {
    return undefined;
  }
}

/** A cadence in English that reads as an interval with a first run; undefined when the cron error stands. */
function alignedInterval(
  error: unknown,
  input: Pick<ScheduleInput, 'cronExpression' | 'timezone' | 'startAt'>,
  options: { now: Date; minIntervalMinutes: number; count: number },
): Timing | undefined {
  if (!(error instanceof ExpressionError) || error.field !== 'cronExpression' || input.cronExpression === undefined) return undefined;
  let timing: Timing;
  try {
    timing = resolveText(input.cronExpression, {
      ...options,
      ...(input.timezone ? { timezone: input.timezone } : {}),
      ...(input.startAt ? { startAt: input.startAt } : {}),
    });
  } catch {
    return undefined;
  }
  return timing.rate === undefined ? undefined : timing;
}

export function assertWindow(startAt: string | null, endAt: string | null, now: Date): void {
  if (startAt && endAt && Date.parse(endAt) <= Date.parse(startAt)) {
    throw new ValidationError('endAt must be after startAt.', { field: 'endAt' });
  }
  if (endAt && Date.parse(endAt) <= now.getTime()) {
    throw new ValidationError('endAt is in the past: the schedule would never run.', { field: 'endAt' });
  }
}

/** The next instant EventBridge will fire this schedule, or null when it will not. */
export function computeNextRunAt(
  schedule: Pick<Schedule, 'enabled' | 'schedulerExpression' | 'schedulerTimezone' | 'startAt' | 'endAt'>,
  now: Date,
): string | null {
  if (!schedule.enabled) return null;
  const from = schedule.startAt && Date.parse(schedule.startAt) > now.getTime() ? new Date(Date.parse(schedule.startAt) - 1) : now;
  // A rate's runs are counted from startAt (its anchor); a cron's start no earlier.
  const [next] = nextRunsOfSchedulerExpression(schedule.schedulerExpression, schedule.schedulerTimezone, from, 1, runsFrom(schedule));
  if (!next || (schedule.endAt && next.getTime() > Date.parse(schedule.endAt))) return null;
  return formatInstant(next);
}

/** What the expressions module needs to list a stored schedule's runs: its anchor (startAt), needed by rates. */
export function runsFrom(schedule: Pick<Schedule, 'startAt'>): { startDate?: Date } {
  return schedule.startAt ? { startDate: new Date(schedule.startAt) } : {};
}

/** Applies a resolved timing to a schedule's derived fields (a rate's anchor becomes its startAt). */
export function withTiming<T extends Partial<Schedule>>(schedule: T, timing: Timing): T {
  return {
    ...schedule,
    scheduleType: timing.scheduleType,
    cronExpression: timing.cronExpression ?? null,
    scheduledTime: timing.scheduledTime ?? null,
    rate: timing.rate ?? null,
    ...(timing.anchor ? { startAt: formatInstant(timing.anchor) } : {}),
    timezone: timing.timezone,
    schedulerExpression: timing.schedulerExpression,
    schedulerTimezone: timing.schedulerTimezone,
    cronDescription: timing.description,
  };
}
