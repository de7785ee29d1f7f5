// Interval (rate) schedules: "90 minutes" → rate(90 minutes), anchored on a StartDate and fired at exact gaps.
//
// The rule implemented here, as AWS documents EventBridge Scheduler's rate schedules:
// - The StartDate sets the first occurrence; without one the schedule starts invoking at once (EventBridge Scheduler
//   User Guide, "Schedule types", rate-based schedules: https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html).
// - The next invocation is evaluated one interval after the last; a day is a 24-hour duration, whatever daylight saving
//   time does to the calendar day (AWS re:Post Knowledge Center, "How can I adjust my Amazon EventBridge schedule for
//   daylight saving?": https://repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst).
// So the fire times are StartDate + k × interval, k = 0, 1, 2, … in absolute time: the timezone plays no part, and the
// local clock time of the runs moves when daylight saving time starts or ends. Units are minutes, hours and days
// (rate(value unit), singular for 1); weeks are sent as 7 days. Schedules fire with one-minute precision, so anchors
// are whole minutes. EventBridge refuses a StartDate more than five minutes in the past ("The StartDate you specify
// cannot be earlier than 5 minutes ago"), so an anchor in the past is sent as its first fire time at or after now,
// which keeps the phase.
import { ExpressionError } from './errors.ts';
import { DEFAULT_HORIZON_YEARS } from './next-runs.ts';
import { fromWallClock, offsetAt, toWallClock } from './timezone.ts';

export type RateUnit = 'minute' | 'hour' | 'day';

export interface Rate {
  value: number;
  unit: RateUnit;
  /** What goes inside rate(…): "90 minutes", "1 day" (singular for 1, as EventBridge requires). */
  text: string;
  /** The EventBridge expression: "rate(90 minutes)". */
  expression: string;
  /** The interval in minutes. */
  minutes: number;
}

/** A wall-clock time (and weekday, 0 = Sunday) a rate's first run is aligned to: "every 2 weeks on monday at 9:00". */
export interface FirstRun {
  weekday?: number;
  hour: number;
  minute: number;
}

const MINUTE_MS = 60_000;
const YEAR_MS = 365.25 * 86_400_000;
const UNIT_MINUTES: Readonly<Record<RateUnit, number>> = { minute: 1, hour: 60, day: 1440 };
const UNITS: ReadonlyMap<string, readonly [RateUnit, number]> = new Map([
  ['minute', ['minute', 1]],
  ['minutes', ['minute', 1]],
  ['min', ['minute', 1]],
  ['mins', ['minute', 1]],
  ['hour', ['hour', 1]],
  ['hours', ['hour', 1]],
  ['day', ['day', 1]],
  ['days', ['day', 1]],
  ['week', ['day', 7]],
  ['weeks', ['day', 7]],
]);
export const RATE_HINT = 'Give a whole number and a unit, e.g. "90 minutes", "2 hours", "14 days" or "2 weeks" (sent as rate(14 days)).';

/** The rate for a whole number of minutes, hours or days. */
export function rateOf(value: number, unit: RateUnit): Rate {
  const text = `${value} ${unit}${value === 1 ? '' : 's'}`;
  return { value, unit, text, expression: `rate(${text})`, minutes: value * UNIT_MINUTES[unit] };
}

/** Reads "90 minutes", "2 weeks" or "rate(90 minutes)". Throws ExpressionError naming `field`. */
export function parseRate(input: string, field = 'rate'): Rate {
  const trimmed = input.trim().replace(/\s+/g, ' ');
  const inner = /^rate\s?\((.*)\)$/i.exec(trimmed)?.[1]?.trim() ?? trimmed;
  const match = /^(\S+) ([a-z]+)$/i.exec(inner);
  if (!match) {
    throw new ExpressionError(field, `"${input}" is not an interval: it needs a number and a unit.`, { hint: RATE_HINT });
  }
  const [, valueText = '', unitText = ''] = match;
  const unitWord = unitText.toLowerCase();
  const unit = UNITS.get(unitWord);
  if (!unit) {
    const why = /^(s|secs?|seconds?)$/.test(unitWord)
      ? 'EventBridge Scheduler fires at most once a minute, so an interval is whole minutes, hours or days.'
      : /^(months?|years?)$/.test(unitWord)
        ? 'months and years differ in length, so an interval is whole minutes, hours or days; for monthly or yearly runs use a cron such as "0 9 1 * *".'
        : 'an interval is in minutes, hours, days or weeks.';
    throw new ExpressionError(field, `The interval "${inner}" has the unit "${unitText}", which cannot be used: ${why}`, { hint: RATE_HINT });
  }
  const [rateUnit, factor] = unit;
  const number = Number(valueText);
  if (Number.isNaN(number)) {
    throw new ExpressionError(field, `"${input}" is not an interval: it needs a number and a unit.`, { hint: RATE_HINT });
  }
  if (!/^\d+$/.test(valueText) && !(Number.isInteger(number) && number <= 0)) {
    const minutes = number * factor * UNIT_MINUTES[rateUnit];
    const hint =
      Number.isFinite(number) && number > 0 && Number.isInteger(minutes)
        ? `Write it as a whole number of a smaller unit: "${rateOf(minutes, 'minute').text}".`
        : RATE_HINT;
    throw new ExpressionError(field, `The interval "${inner}" is not a whole number: EventBridge rates take a whole number of minutes, hours or days.`, {
      hint,
    });
  }
  const value = number * factor;
  if (value <= 0) {
    throw new ExpressionError(field, `The interval "${inner}" would never run: an interval must be 1 or more.`, { hint: RATE_HINT });
  }
  if (!Number.isSafeInteger(value * UNIT_MINUTES[rateUnit])) {
    throw new ExpressionError(field, `The interval "${inner}" is too long to schedule.`, { hint: RATE_HINT });
  }
  return rateOf(value, rateUnit);
}

/**
 * The anchor of a rate schedule: its first fire time, from which all others are counted. `startAt` rounded up to a
 * whole minute; without it, the first whole minute after `now` (the creation time), so the first run is listed.
 */
export function rateAnchor(startAt: Date | undefined, now: Date): Date {
  if (startAt) return new Date(Math.ceil(startAt.getTime() / MINUTE_MS) * MINUTE_MS);
  return new Date(Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS + MINUTE_MS);
}

/** The first fire time at or after `instant`: the anchor itself when it has not passed yet. */
export function firstRateRunAtOrAfter(rate: Rate, anchor: Date, instant: Date): Date {
  const periodMs = rate.minutes * MINUTE_MS;
  const behind = instant.getTime() - anchor.getTime();
  return behind <= 0 ? anchor : new Date(anchor.getTime() + Math.ceil(behind / periodMs) * periodMs);
}

/** The StartDate to send EventBridge: the anchor, or for an anchor in the past its first fire time at or after `now`. */
export function rateStartDate(rate: Rate, anchor: Date, now: Date): Date {
  return firstRateRunAtOrAfter(rate, anchor, now);
}

/** Fire times of a rate anchored at `anchor`, strictly after `after`: anchor + k × interval (absolute time). */
export function nextRunsOfRate(rate: Rate, anchor: Date, after: Date, count: number, horizonYears = DEFAULT_HORIZON_YEARS): Date[] {
  const periodMs = rate.minutes * MINUTE_MS;
  const horizonMs = after.getTime() + horizonYears * YEAR_MS;
  const runs: Date[] = [];
  let next = firstRateRunAtOrAfter(rate, anchor, new Date(after.getTime() + 1)).getTime();
  while (runs.length < count && next <= horizonMs) {
    runs.push(new Date(next));
    next += periodMs;
  }
  return runs;
}

/**
 * The first instant at or after `from` whose wall clock in `timezone` shows the time (and weekday) of `first`. A time the
 * clocks skip that day is not used (the next matching day is); a time that happens twice is taken at its first occurrence.
 */
export function firstWallTimeAtOrAfter(first: FirstRun, timezone: string, from: Date): Date {
  const wall = new Date(toWallClock(from.getTime(), timezone));
  for (let day = 0; day <= 21; day += 1) {
    const candidate = Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate() + day, first.hour, first.minute);
    if (first.weekday !== undefined && new Date(candidate).getUTCDay() !== first.weekday) continue;
    const instant = fromWallClock(candidate, timezone);
    if (instant !== undefined && instant >= from.getTime()) return new Date(instant);
  }
  throw new ExpressionError('text', `No ${first.hour}:${String(first.minute).padStart(2, '0')} within three weeks in ${timezone}.`);
}

/** Whether the timezone's offset changes within a year of `instant` (it observes daylight saving time). */
export function observesDaylightSaving(timezone: string, instant: Date): boolean {
  const offset = offsetAt(instant.getTime(), timezone);
  for (let month = 1; month <= 12; month += 1) {
    if (offsetAt(instant.getTime() + month * 30.5 * 86_400_000, timezone) !== offset) return true;
  }
  return false;
}
