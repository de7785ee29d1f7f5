// The expressions module's front door: from what a user writes to fire times, EventBridge expression and sentence.
import { parseCron, minimumIntervalMinutes } from './cron.ts';
import { describeCron, describeOneTime } from './describe.ts';
import { ExpressionError } from './errors.ts';
import { nextRunsOfFields } from './next-runs.ts';
import { parseScheduledTime } from './one-time.ts';
import { toSchedulerAt, toSchedulerCron } from './scheduler-expression.ts';
import { textToCron } from './text-to-cron/index.ts';
import { parseTimezone } from './timezone.ts';

export { ExpressionError } from './errors.ts';
export { parseCron, minimumIntervalMinutes, type CronFields, type ParsedCron } from './cron.ts';
export { nextRunsOfFields, nextRunsOfPattern, DEFAULT_HORIZON_YEARS } from './next-runs.ts';
export { parseScheduledTime } from './one-time.ts';
export {
  nextRunsOfSchedulerExpression,
  parseSchedulerExpression,
  toSchedulerAt,
  toSchedulerCron,
} from './scheduler-expression.ts';
export { describeCron, describeOneTime } from './describe.ts';
export { textToCron } from './text-to-cron/index.ts';
export { parseTimezone, canonicalTimezone, toWallClock, fromWallClock } from './timezone.ts';

export const DEFAULT_MIN_INTERVAL_MINUTES = 1;

/** UTC ISO 8601 without milliseconds when they are zero: "2026-11-20T14:00:00Z". */
export function formatInstant(instant: Date): string {
  return instant.toISOString().replace('.000Z', 'Z');
}

export interface TimingInput {
  cronExpression?: string | undefined;
  scheduledTime?: string | undefined;
  timezone?: string | undefined;
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
  /** The cron as the user gave it (macros expanded); recurring only. */
  cronExpression?: string;
  /** The instant, UTC ISO; one-time only. */
  scheduledTime?: string;
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
  const hasCron = input.cronExpression !== undefined && input.cronExpression !== null;
  const hasTime = input.scheduledTime !== undefined && input.scheduledTime !== null;
  if (hasCron && hasTime) {
    throw new ExpressionError('scheduledTime', 'Give either cronExpression (recurring) or scheduledTime (one-time), not both.');
  }
  if (!hasCron && !hasTime) {
    throw new ExpressionError('cronExpression', 'A schedule needs a cronExpression (recurring) or a scheduledTime (one-time).', {
      hint: 'For example "cronExpression": "0 9 * * 1-5" or "scheduledTime": "2026-12-01T09:00:00Z".',
    });
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

  const { expression, fields } = parseCron(input.cronExpression!);
  const minimum = options.minIntervalMinutes ?? DEFAULT_MIN_INTERVAL_MINUTES;
  const interval = minimumIntervalMinutes(fields);
  if (interval < minimum) {
    throw new ExpressionError(
      'cronExpression',
      `"${expression}" fires as often as every ${interval} minute${interval === 1 ? '' : 's'}; ` + `this deployment's minimum interval is ${minimum} minutes.`,
      { hint: `Use a cadence of at least ${minimum} minutes, e.g. "${exampleAtLeast(minimum)}".` },
    );
  }
  return {
    scheduleType: 'recurring',
    cronExpression: expression,
    timezone,
    schedulerExpression: toSchedulerCron(fields),
    schedulerTimezone: timezone,
    description: describeCron(expression, timezone),
    nextRuns: nextRunsOfFields(fields, timezone, after, count),
  };
}

function exampleAtLeast(minutes: number): string {
  const step = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30].find((divisor) => divisor >= minutes);
  if (step) return `*/${step} * * * *`;
  const hours = [1, 2, 3, 4, 6, 8, 12].find((divisor) => divisor * 60 >= minutes);
  return hours ? `0 */${hours} * * *` : '0 0 * * *';
}

/** English → cron, then resolved like any cron. A timezone in the text wins over the one given. */
export function resolveText(text: string, options: TimingOptions & { timezone?: string }): Timing {
  const { cronExpression, timezone } = textToCron(text);
  return resolveTiming({ cronExpression, timezone: timezone ?? options.timezone }, options);
}
