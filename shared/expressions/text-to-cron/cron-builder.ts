// From what the phrase readers found to the 5-field cron (or, for gaps cron cannot keep, an interval), with the checks
// that it can be said at all.
import type { ExpressionError } from '../errors.ts';
import { rateOf, type FirstRun, type Rate } from '../rate.ts';
import { reject, unreadable, type Schedule, type Time } from './schedule.ts';
import { DAY_IN_MONTH_MAX, type Period, type Unit } from './words.ts';

const PERIOD_RANK: Readonly<Record<Period, number>> = { day: 0, week: 1, month: 2, year: 3 };

// ---------------------------------------------------------------------------
// Checks made while reading
// ---------------------------------------------------------------------------

/** Keeps the broadest period mentioned ("every day … every month" is monthly). */
export function setPeriod(s: Schedule, p: Period): void {
  if (s.period === undefined || PERIOD_RANK[p] > PERIOD_RANK[s.period]) s.period = p;
}

/** "every N <unit>": checks that cron can repeat it at even gaps. */
export function applyStep(s: Schedule, unit: Unit, n: number): void {
  if (n === 0) {
    throw reject(`"every 0 ${unit}s" would never run: the interval must be at least 1.`, `Try "every ${unit}" or "every 15 minutes".`);
  }
  switch (unit) {
    case 'minute':
      stepMinutes(s, n);
      return;
    case 'hour':
      stepHours(s, n);
      return;
    case 'day':
      stepDays(s, n);
      return;
    case 'week':
      stepWeeks(s, n);
      return;
    case 'month':
      stepMonths(s, n);
      return;
    case 'year':
      stepYears(s, n);
      return;
  }
}

function stepMinutes(s: Schedule, n: number): void {
  if (n % 60 === 0) {
    applyStep(s, 'hour', n / 60);
    return;
  }
  // Longer gaps that divide the day (72, 80, 90, 96 or 160 minutes) run as an interval: the same times every day.
  // Others (61 minutes) would drift round the clock, so they are refused like before.
  if (n > 60 && 1440 % n === 0) {
    s.rateMinutes = n;
    return;
  }
  if (n > 60) {
    throw reject(
      `Every ${n} minutes cannot be one cron expression: cron minute steps restart at the top of every hour, so a ${n}-minute gap cannot be kept.`,
      'Use "every hour" or "every 2 hours" instead, or create two schedules that together give the times you want.',
    );
  }
  if (60 % n !== 0) throw unevenStep(n, 'minute', 60, 'hour');
  s.minuteStep = n;
}

function stepHours(s: Schedule, n: number): void {
  if (n > 24 || 24 % n !== 0) throw unevenStep(n, 'hour', 24, 'day');
  s.hourStep = n;
}

/** "every 3 days": an interval, which needs a time of day to start at (checked when the whole text is read). */
function stepDays(s: Schedule, n: number): void {
  if (n !== 1) {
    s.dayStep = n;
    return;
  }
  setPeriod(s, 'day');
}

/** "every 2 weeks": an interval, which needs a weekday to start on (checked when the whole text is read). */
function stepWeeks(s: Schedule, n: number): void {
  if (n !== 1) {
    s.weekStep = n;
    return;
  }
  setPeriod(s, 'week');
}

function stepMonths(s: Schedule, n: number): void {
  if (n > 12 || 12 % n !== 0) {
    throw reject(
      `Every ${n} months cannot be one cron expression: cron month steps restart each January, so the gap would be uneven.`,
      'Use "monthly", "every 3 months" or "every 6 months".',
    );
  }
  if (n > 1) s.monthStep = n;
  setPeriod(s, 'month');
}

function stepYears(s: Schedule, n: number): void {
  if (n !== 1) {
    throw reject(`Every ${n} years cannot be one cron expression: cron has no year field.`, 'Use "yearly" or "every year on january 1st at midnight".');
  }
  setPeriod(s, 'year');
}

function unevenStep(n: number, unit: 'minute' | 'hour', cycle: number, resetsEach: 'hour' | 'day'): ExpressionError {
  const divisors = [...Array(cycle - 1).keys()].map((k) => k + 2).filter((d) => cycle % d === 0 && d < cycle);
  const below = divisors.filter((d) => d < n).pop();
  const above = divisors.find((d) => d > n);
  const suggestions = [below, above].filter((d) => d !== undefined).map((d) => `"every ${d} ${unit}s"`);
  const why =
    n > cycle
      ? `it is longer than a${unit === 'hour' ? ' day' : 'n hour'}, and cron ${unit} steps restart at the start of every ${resetsEach}`
      : `cron ${unit} steps restart at the start of every ${resetsEach}, so the gap across ${resetsEach === 'hour' ? 'the top of each hour' : 'midnight'} would be ${cycle - Math.floor((cycle - 1) / n) * n} ${unit}s instead of ${n}`;
  return reject(
    `Every ${n} ${unit}s cannot be one cron expression: ${why}.`,
    `Use a step that divides ${cycle} evenly, such as ${suggestions.join(' or ') || `"every ${resetsEach}"`}.`,
  );
}

/** "between 9am and 5pm" → hours 9..16 (the end hour itself is excluded when it is on the hour). */
export function hourWindow(start: Time, end: Time, original: string): number[] {
  if (start.minute !== 0) {
    throw reject(
      `"${original}" starts its window at ${start.hour}:${String(start.minute).padStart(2, '0')}, but cron can only limit a schedule to whole hours.`,
      'Start the window on the hour, e.g. "every 30 minutes between 9am and 5pm".',
    );
  }
  let endHour = end.hour;
  // "between 9 and 5" means 9am to 5pm.
  if (start.bare && end.bare && endHour < start.hour && endHour + 12 > start.hour) endHour += 12;
  const last = end.minute === 0 ? (endHour + 23) % 24 : endHour;
  const hours: number[] = [];
  for (let h = start.hour; ; h = (h + 1) % 24) {
    hours.push(h);
    if (h === last) break;
  }
  return hours;
}

// ---------------------------------------------------------------------------
// Schedule → cron or interval
// ---------------------------------------------------------------------------

/** A cron, or an interval (sent as rate(…)) whose first run may be aligned to a wall-clock time and weekday. */
export type BuiltSchedule = { kind: 'cron'; cronExpression: string } | { kind: 'rate'; rate: Rate; firstRun: FirstRun | undefined };

export function buildSchedule(s: Schedule, original: string): BuiltSchedule {
  if (s.rateMinutes !== undefined || s.weekStep !== undefined || s.dayStep !== undefined) return buildRate(s, original);
  return { kind: 'cron', cronExpression: buildCron(s, original) };
}

export function buildCron(s: Schedule, original: string): string {
  const [minute, hour] = timeFields(s, original);
  checkDays(s, original);
  const yearly = s.period === 'year';
  const monthly = s.period === 'month' || yearly;
  const endOfMonth = s.lastDayOfMonth || s.weekdayOfMonth?.which === 'last';
  const dayOfMonth = s.lastDayOfMonth
    ? 'L'
    : s.daysOfMonth.size > 0
      ? formatList(s.daysOfMonth, 1, 31)
      : monthly && s.daysOfWeek.size === 0 && s.weekdayOfMonth === undefined
        ? '1'
        : '*';
  // "last day of the year" is in December, "first monday of the year" in January.
  const month = s.months.size > 0 ? formatList(s.months, 1, 12) : s.monthStep !== undefined ? `*/${s.monthStep}` : yearly ? (endOfMonth ? '12' : '1') : '*';
  const rule = s.weekdayOfMonth;
  const dayOfWeek = rule
    ? `${rule.weekday}${rule.which === 'last' ? 'L' : `#${rule.which}`}`
    : s.daysOfWeek.size > 0
      ? formatList(s.daysOfWeek, 0, 6)
      : s.period === 'week'
        ? '0'
        : '*';
  return [minute, hour, dayOfMonth, month, dayOfWeek].join(' ');
}

/** Rejects days of the month mixed with weekdays, and days no chosen month has. */
function checkDays(s: Schedule, original: string): void {
  const monthRule = s.lastDayOfMonth ? 'the last day of the month' : undefined;
  const weekdayRule = s.weekdayOfMonth
    ? `the ${s.weekdayOfMonth.which === 'last' ? 'last' : ORDINALS[s.weekdayOfMonth.which - 1]} ${WEEKDAY_NAMES[s.weekdayOfMonth.weekday]} of the month`
    : undefined;
  if (monthRule && s.daysOfMonth.size > 0) {
    throw reject(
      `"${original}" names the last day of the month and other days of the month; EventBridge reads "last day" (L) only on its own.`,
      'Create two schedules, e.g. "last day of every month at 17:00" and "on the 15th of every month at 17:00".',
    );
  }
  const dayRule = monthRule ?? (s.daysOfMonth.size > 0 ? 'a day of the month' : undefined);
  const weekRule = weekdayRule ?? (s.daysOfWeek.size > 0 ? 'a weekday' : undefined);
  if ((monthRule || weekdayRule) && dayRule && weekRule) {
    throw reject(
      `"${original}" names both ${dayRule} and ${weekRule}; a schedule can restrict the day of the month or the weekday, not both.`,
      'Choose one: "last day of every month at 17:00", "last friday of the month at 4pm" or "every monday".',
    );
  }
  if (s.daysOfMonth.size > 0 && s.daysOfWeek.size > 0) {
    throw reject(
      'Cron runs a schedule that names both a day of the month and a weekday when EITHER one matches, so it would run far more often than you meant.',
      'Choose one: "on the 1st of every month" or "every monday".',
    );
  }
  for (const day of s.daysOfMonth) {
    const months = s.months.size > 0 ? [...s.months] : [...Array(12).keys()].map((m) => m + 1);
    if (months.every((m) => day > (DAY_IN_MONTH_MAX[m - 1] ?? 31))) {
      throw reject(`"${original}" would never run: no chosen month has a day ${day}.`, 'Try "every year on january 1st at midnight".');
    }
  }
}

/** The minute and hour fields. */
function timeFields(s: Schedule, original: string): [string, string] {
  if (s.minuteStep !== undefined) return minuteStepFields(s, s.minuteStep, original);
  if (s.hourStep !== undefined) {
    if (s.times.length > 0) throw conflict(original, s.hourStep === 1 ? 'every hour' : `every ${s.hourStep} hours`);
    return [String(s.minuteOfHour ?? 0), hoursOf(s, s.hourStep)];
  }
  if (s.minuteOfHour !== undefined) {
    if (s.times.length > 0) throw conflict(original, `:${String(s.minuteOfHour).padStart(2, '0')} past every hour`);
    return [String(s.minuteOfHour), hoursOf(s, 1)];
  }
  if (s.window) {
    throw reject(
      `"${original}" gives a window of hours but not how often to run inside it.`,
      'Say how often, e.g. "every 30 minutes between 9am and 5pm on weekdays".',
    );
  }
  if (s.times.length === 0) return ['0', '0'];
  return fixedTimeFields(s.times);
}

function minuteStepFields(s: Schedule, step: number, original: string): [string, string] {
  if (s.times.length > 0 || s.minuteOfHour !== undefined) throw conflict(original, `every ${step} minutes`);
  if (s.hourStep !== undefined && s.hourStep !== 1) throw unreadable(original);
  return [step === 1 ? '*' : `*/${step}`, s.window ? formatList(s.window, 0, 23) : '*'];
}

/** The hour field of "every <step> hours", within the window if there is one. */
function hoursOf(s: Schedule, step: number): string {
  if (s.window)
    return formatList(
      s.window.filter((_, k) => k % step === 0),
      0,
      23,
    );
  if (step === 24) return '0';
  return step === 1 ? '*' : `*/${step}`;
}

function conflict(original: string, repeat: string): ExpressionError {
  return reject(
    `"${original}" asks for ${repeat} and also at a fixed time of day; one cron expression cannot do both.`,
    'To repeat within part of the day, use a window such as "every 15 minutes between 9am and 5pm".',
  );
}

/** "at 9am and 5pm" → minutes "0", hours "9,17"; only when every listed minute goes with every listed hour. */
function fixedTimeFields(times: readonly Time[]): [string, string] {
  const minutes = new Set(times.map((t) => t.minute));
  const hours = new Set(times.map((t) => t.hour));
  const everyPairListed = [...minutes].every((m) => [...hours].every((h) => times.some((t) => t.minute === m && t.hour === h)));
  if (!everyPairListed) {
    throw reject(
      `The times ${times.map(describeTime).join(', ')} cannot share one cron expression: cron runs every listed minute in every listed hour.`,
      `Create one schedule per time, e.g. "at ${describeTime(times[0] ?? { hour: 9, minute: 0, bare: false })}" and "at ${describeTime(times[1] ?? { hour: 17, minute: 0, bare: false })}".`,
    );
  }
  return [formatList(minutes, 0, 59), formatList(hours, 0, 23)];
}

function describeTime(t: Time): string {
  return `${t.hour}:${String(t.minute).padStart(2, '0')}`;
}

/** Ascending, de-duplicated list; runs of three or more become ranges ("1-5"); the full range is "*". */
function formatList(values: Iterable<number>, min: number, max: number): string {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  if (sorted.length === max - min + 1) return '*';
  const parts: string[] = [];
  for (let k = 0; k < sorted.length; ) {
    let end = k;
    while (end + 1 < sorted.length && sorted[end + 1] === (sorted[end] ?? 0) + 1) end += 1;
    const first = sorted[k] ?? 0;
    const lastValue = sorted[end] ?? 0;
    if (end - k >= 2) parts.push(`${first}-${lastValue}`);
    else parts.push(...sorted.slice(k, end + 1).map(String));
    k = end + 1;
  }
  return parts.join(',');
}

// ---------------------------------------------------------------------------
// Schedule → interval
// ---------------------------------------------------------------------------

const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth'];

/**
 * "every 90 minutes" (from the start), "every 2 weeks on monday at 9:00" and "every other monday at 9am" (from the
 * first such Monday), "every 3 days at 9am" (from the first 09:00). An interval keeps exact gaps from its first run,
 * so it cannot also keep to windows, days of the month or months.
 */
function buildRate(s: Schedule, original: string): BuiltSchedule {
  const steps = [s.rateMinutes, s.weekStep, s.dayStep].filter((step) => step !== undefined).length;
  const other = [
    s.minuteStep !== undefined || s.hourStep !== undefined || s.minuteOfHour !== undefined || steps > 1 ? 'another cadence' : undefined,
    s.window ? 'a window of hours' : undefined,
    s.daysOfMonth.size > 0 || s.lastDayOfMonth || s.weekdayOfMonth ? 'days of the month' : undefined,
    s.months.size > 0 || s.monthStep !== undefined || (s.period !== undefined && s.period !== 'day') ? 'months or weeks' : undefined,
  ].find((what) => what !== undefined);
  if (s.rateMinutes !== undefined) {
    const what = other ?? (s.times.length > 0 ? 'a time of day' : s.daysOfWeek.size > 0 ? 'weekdays' : undefined);
    if (what)
      throw rateConflict(
        original,
        `every ${s.rateMinutes} minutes`,
        what,
        'Use "every 90 minutes" on its own, or a cron cadence such as "every 30 minutes between 9am and 5pm".',
      );
    return { kind: 'rate', rate: rateOf(s.rateMinutes, 'minute'), firstRun: undefined };
  }
  const time = s.times[0] ?? { hour: 0, minute: 0, bare: false };
  if (s.weekStep !== undefined) {
    const n = s.weekStep;
    if (other) throw rateConflict(original, `every ${n} weeks`, other, 'Try "every 2 weeks on monday at 9:00".');
    if (s.daysOfWeek.size === 0) {
      throw reject(
        `Every ${n} weeks cannot be one cron expression (cron has no way to skip weeks), and as an interval it needs a weekday to start on.`,
        `Say which day, e.g. "every ${n} weeks on monday at 9:00", or use "weekly" or "every monday".`,
      );
    }
    if (s.daysOfWeek.size > 1) throw oneOfEach(original, `every ${n} weeks`, 'weekday', `"every ${n} weeks on monday at 9:00"`);
    if (s.times.length > 1) throw oneOfEach(original, `every ${n} weeks`, 'time of day', `"every ${n} weeks on monday at 9:00"`);
    const [weekday = 0] = s.daysOfWeek;
    return { kind: 'rate', rate: rateOf(7 * n, 'day'), firstRun: { weekday, hour: time.hour, minute: time.minute } };
  }
  const n = s.dayStep ?? 2;
  if (other) throw rateConflict(original, `every ${n} days`, other, `Try "every ${n} days at 9am".`);
  if (s.daysOfWeek.size > 0)
    throw rateConflict(original, `every ${n} days`, 'weekdays', `Try "every ${n} days at 9am", or chosen weekdays such as "mondays and thursdays".`);
  if (s.times.length === 0) {
    throw reject(
      `Every ${n} days cannot be one cron expression: cron day steps restart on the 1st of every month, so the gap breaks at each month end; as an interval it needs a time of day to start at.`,
      `Give a time, e.g. "every ${n} days at 9am", or use "daily", chosen weekdays such as "mondays and thursdays", or days of the month such as "on the 1st and 15th".`,
    );
  }
  if (s.times.length > 1) throw oneOfEach(original, `every ${n} days`, 'time of day', `"every ${n} days at 9am"`);
  return { kind: 'rate', rate: rateOf(n, 'day'), firstRun: { hour: time.hour, minute: time.minute } };
}

function rateConflict(original: string, cadence: string, what: string, hint: string): ExpressionError {
  return reject(
    `"${original}" asks for ${cadence} and also for ${what}; an interval schedule runs at exact gaps from its first run, so it cannot keep to ${what} too.`,
    hint,
  );
}

function oneOfEach(original: string, cadence: string, what: string, example: string): ExpressionError {
  return reject(
    `"${original}" names more than one ${what}; a schedule that runs ${cadence} starts from one ${what}.`,
    `Create one schedule per ${what}, e.g. ${example}.`,
  );
}
