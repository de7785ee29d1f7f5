// From what the phrase readers found to the 5-field cron, with the checks that cron can say it at all.
import type { ExpressionError } from '../errors.ts';
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

function stepDays(s: Schedule, n: number): void {
  if (n !== 1) {
    throw reject(
      `Every ${n} days cannot be one cron expression: cron day steps restart on the 1st of every month, so the gap breaks at each month end.`,
      'Use "daily", chosen weekdays such as "mondays and thursdays", or days of the month such as "on the 1st and 15th".',
    );
  }
  setPeriod(s, 'day');
}

function stepWeeks(s: Schedule, n: number): void {
  if (n !== 1) {
    throw reject(
      `Every ${n} weeks cannot be one cron expression: cron has no way to skip weeks.`,
      'Use "weekly", "every monday", or days of the month such as "on the 1st and 15th".',
    );
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
// Schedule → cron
// ---------------------------------------------------------------------------

export function buildCron(s: Schedule, original: string): string {
  const [minute, hour] = timeFields(s, original);
  checkDays(s, original);
  const yearly = s.period === 'year';
  const monthly = s.period === 'month' || yearly;
  const dayOfMonth = s.daysOfMonth.size > 0 ? formatList(s.daysOfMonth, 1, 31) : monthly && s.daysOfWeek.size === 0 ? '1' : '*';
  const month = s.months.size > 0 ? formatList(s.months, 1, 12) : s.monthStep !== undefined ? `*/${s.monthStep}` : yearly ? '1' : '*';
  const dayOfWeek = s.daysOfWeek.size > 0 ? formatList(s.daysOfWeek, 0, 6) : s.period === 'week' ? '0' : '*';
  return [minute, hour, dayOfMonth, month, dayOfWeek].join(' ');
}

/** Rejects days of the month mixed with weekdays, and days no chosen month has. */
function checkDays(s: Schedule, original: string): void {
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
