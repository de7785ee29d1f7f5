// When a schedule fires: its timing fields resolved to an EventBridge expression, its window, its next run.
import { ExpressionError, formatInstant, nextRunsOfSchedulerExpression, resolveTiming, textToCron, type Timing } from '../expressions/index.ts';
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
  input: Pick<ScheduleInput, 'scheduleType' | 'cronExpression' | 'scheduledTime' | 'timezone'>,
  deps: Pick<ScheduleDeps, 'clock' | 'settings'>,
): Timing {
  if (input.scheduleType === 'recurring' && input.cronExpression === undefined) {
    throw new ValidationError('A recurring schedule needs a cronExpression.', { field: 'cronExpression', hint: 'e.g. "cronExpression": "0 9 * * 1-5"' });
  }
  if (input.scheduleType === 'one-time' && input.scheduledTime === undefined) {
    throw new ValidationError('A one-time schedule needs a scheduledTime.', { field: 'scheduledTime', hint: 'e.g. "scheduledTime": "2026-12-01T09:00:00Z"' });
  }
  const resolve = (cronExpression: string | undefined, timezone: string | undefined) =>
    resolveTiming(
      { cronExpression, scheduledTime: input.scheduledTime, timezone },
      { now: deps.clock.now(), minIntervalMinutes: deps.settings.minIntervalMinutes, count: 1 },
    );
  try {
    return resolve(input.cronExpression, input.timezone);
  } catch (error) {
    const text = cadenceAsText(error, input.cronExpression);
    if (!text) throw toValidation(error);
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
  const [next] = nextRunsOfSchedulerExpression(schedule.schedulerExpression, schedule.schedulerTimezone, from, 1);
  if (!next || (schedule.endAt && next.getTime() > Date.parse(schedule.endAt))) return null;
  return formatInstant(next);
}

/** Applies a resolved timing to a schedule's derived fields. */
export function withTiming<T extends Partial<Schedule>>(schedule: T, timing: Timing): T {
  return {
    ...schedule,
    scheduleType: timing.scheduleType,
    cronExpression: timing.cronExpression ?? null,
    scheduledTime: timing.scheduledTime ?? null,
    timezone: timing.timezone,
    schedulerExpression: timing.schedulerExpression,
    schedulerTimezone: timing.schedulerTimezone,
    cronDescription: timing.description,
  };
}
