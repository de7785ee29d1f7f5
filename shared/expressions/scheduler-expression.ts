// EventBridge Scheduler expressions: cron(...), rate(...) and at(...) from parsed schedules, and back to fire times.
import { ExpressionError } from './errors.ts';
import type { CronFields } from './cron.ts';
import { nextRunsOfPattern, type NextRunsOptions } from './next-runs.ts';
import { nextRunsOfRate, parseRate, type Rate } from './rate.ts';
import { fromWallClock, toWallClock } from './timezone.ts';

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

/** Writes a sorted set as EventBridge field syntax: "*", "start/step", ranges and lists. */
function formatValues(values: number[], first: number, last: number, name: (value: number) => string = String): string {
  if (values.length === last - first + 1) return '*';
  const step = values.length > 2 ? values[1]! - values[0]! : 0;
  const isProgression = step > 1 && values.every((value, index) => value === values[0]! + index * step) && values.at(-1)! + step > last;
  if (isProgression) return `${name(values[0]!)}/${step}`;
  const parts: string[] = [];
  for (let start = 0; start < values.length; ) {
    let end = start;
    while (end + 1 < values.length && values[end + 1] === values[end]! + 1) end += 1;
    const span = end - start;
    if (span >= 2) parts.push(`${name(values[start]!)}-${name(values[end]!)}`);
    else for (let index = start; index <= end; index += 1) parts.push(name(values[index]!));
    start = end + 1;
  }
  return parts.join(',');
}

/**
 * The EventBridge Scheduler cron for standard cron fields: `cron(m h dom mon dow *)`, "?" in the unused
 * day field, and day names, never numbers (EventBridge numbers Sunday 1, standard cron 0).
 *
 * The calendar forms are written as EventBridge documents them: "L" and "15W" in day-of-month; "6L" and "2#2" in
 * day-of-week, with EventBridge's numbers (1 = Sunday … 7 = Saturday, so standard 5L, the last Friday, is 6L, and
 * 1#2, the second Monday, is 2#2), the form of AWS's own examples ("3#2", the second Tuesday).
 */
export function toSchedulerCron(fields: CronFields): string {
  const minute = formatValues(fields.minute, 0, 59);
  const hour = formatValues(fields.hour, 0, 23);
  const month = formatValues(fields.month, 1, 12);
  let dayOfMonth = '?';
  let dayOfWeek = '?';
  const rule = fields.calendarDay;
  if (rule?.kind === 'lastDayOfMonth') dayOfMonth = 'L';
  else if (rule?.kind === 'nearestWeekday') dayOfMonth = `${rule.day}W`;
  else if (rule?.kind === 'lastWeekdayOfMonth') dayOfWeek = `${rule.weekday + 1}L`;
  else if (rule?.kind === 'nthWeekdayOfMonth') dayOfWeek = `${rule.weekday + 1}#${rule.nth}`;
  else if (fields.dayOfWeekRestricted) {
    // EventBridge allows no step in day-of-week, so days are always written as names, ranges or lists.
    const parts: string[] = [];
    const days = fields.dayOfWeek;
    for (let start = 0; start < days.length; ) {
      let end = start;
      while (end + 1 < days.length && days[end + 1] === days[end]! + 1) end += 1;
      parts.push(
        end - start >= 2
          ? `${DAY_NAMES[days[start]!]}-${DAY_NAMES[days[end]!]}`
          : days
              .slice(start, end + 1)
              .map((day) => DAY_NAMES[day]!)
              .join(','),
      );
      start = end + 1;
    }
    dayOfWeek = parts.join(',');
  } else {
    dayOfMonth = fields.dayOfMonthRestricted ? formatValues(fields.dayOfMonth, 1, 31) : '*';
  }
  return `cron(${minute} ${hour} ${dayOfMonth} ${month} ${dayOfWeek} *)`;
}

function pad(value: number, width = 2): string {
  return String(value).padStart(width, '0');
}

/** Formats a wall-clock time (fake-UTC milliseconds) as yyyy-mm-ddThh:mm:ss. */
export function formatWallClock(wallMs: number): string {
  const date = new Date(wallMs);
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
    `T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`
  );
}

export interface SchedulerAt {
  schedulerExpression: string;
  /** The timezone the at() is written in: the schedule's own, or UTC when its wall time is ambiguous. */
  schedulerTimezone: string;
}

/** The `at(yyyy-mm-ddThh:mm:ss)` expression that fires at an instant, written on the timezone's wall clock. */
export function toSchedulerAt(instant: Date, timezone: string): SchedulerAt {
  const instantMs = Math.floor(instant.getTime() / 1000) * 1000;
  const wall = toWallClock(instantMs, timezone);
  // In the repeated hour of a fall-back the wall time would fire at its first occurrence, not this one.
  if (fromWallClock(wall, timezone) !== instantMs) {
    return { schedulerExpression: `at(${formatWallClock(instantMs)})`, schedulerTimezone: 'UTC' };
  }
  return { schedulerExpression: `at(${formatWallClock(wall)})`, schedulerTimezone: timezone };
}

export type ParsedSchedulerExpression = { kind: 'cron'; pattern: string } | { kind: 'at'; wallClock: number } | { kind: 'rate'; rate: Rate };

const EVENTBRIDGE_DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** One EventBridge weekday (1–7, 1 = Sunday, or a name) as croner reads it: a name, or 0–6 with 0 = Sunday. */
function cronerWeekday(day: string): string {
  if (/^[1-7]$/.test(day)) return String(Number(day) - 1);
  if (EVENTBRIDGE_DAY_NAMES.includes(day.toUpperCase())) return day.toUpperCase();
  throw new Error(`not a weekday: ${day}`);
}

/** EventBridge's day-of-week field in croner's numbering: names, 1–7, ranges and lists, or one nL / n#k. */
function cronerDayOfWeek(field: string): string {
  if (field === '?' || field === '*') return '*';
  const last = /^(\w+)L$/.exec(field);
  if (last) return `${cronerWeekday(last[1]!)}#L`;
  const nth = /^(\w+)#([1-5])$/.exec(field);
  if (nth) return `${cronerWeekday(nth[1]!)}#${nth[2]}`;
  return field
    .split(',')
    .map((part) => part.split('-').map(cronerWeekday).join('-'))
    .join(',');
}

/** Reads back an expression this module wrote (cron with a "*" year, rate, or at), for the local scheduler. */
export function parseSchedulerExpression(expression: string): ParsedSchedulerExpression {
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(expression);
  if (at) {
    const [, year, month, day, hour, minute, second] = at.map(Number) as number[];
    return { kind: 'at', wallClock: Date.UTC(year!, month! - 1, day!, hour!, minute!, second!) };
  }
  if (/^rate\(\d+ (minute|hour|day)s?\)$/.test(expression)) {
    const rate = parseRate(expression, 'schedulerExpression');
    if (rate.expression === expression) return { kind: 'rate', rate };
  }
  const cron = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/.exec(expression);
  const unreadable = new ExpressionError('schedulerExpression', `"${expression}" is not a cron(…), rate(…) or at(…) expression this service writes.`);
  if (cron?.[6] !== '*') throw unreadable;
  const [minute, hour, dayOfMonth, month, dayOfWeek] = cron.slice(1, 6) as [string, string, string, string, string];
  let weekdays: string;
  try {
    weekdays = cronerDayOfWeek(dayOfWeek);
  } catch {
    throw unreadable;
  }
  const pattern = [minute, hour, dayOfMonth === '?' ? '*' : dayOfMonth, month, weekdays].join(' ');
  return { kind: 'cron', pattern };
}

/**
 * Fire times of an EventBridge Scheduler expression in its timezone, strictly after `after`. A rate(…) needs the
 * schedule's StartDate (`options.startDate`), as its fire times are counted from it; a cron(…) with a StartDate fires
 * only at or after it; an at(…) ignores it, as EventBridge does.
 */
export function nextRunsOfSchedulerExpression(expression: string, timezone: string, after: Date, count: number, options: NextRunsOptions = {}): Date[] {
  const parsed = parseSchedulerExpression(expression);
  if (parsed.kind === 'at') {
    const instant = fromWallClock(parsed.wallClock, timezone);
    return instant !== undefined && instant > after.getTime() && count > 0 ? [new Date(instant)] : [];
  }
  const { startDate, ...patternOptions } = options;
  if (parsed.kind === 'rate') {
    if (!startDate) {
      throw new ExpressionError(
        'schedulerExpression',
        `"${expression}" fires at its StartDate and every ${parsed.rate.text} after it, so its fire times need the schedule's StartDate.`,
        { hint: 'Pass the StartDate sent to EventBridge Scheduler (options.startDate).' },
      );
    }
    return count > 0 ? nextRunsOfRate(parsed.rate, startDate, after, count, options.horizonYears) : [];
  }
  const from = startDate && startDate.getTime() - 1 > after.getTime() ? new Date(startDate.getTime() - 1) : after;
  return nextRunsOfPattern(parsed.pattern, timezone, from, count, { ...patternOptions, sloppyRanges: true });
}
