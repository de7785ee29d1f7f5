// What the phrase readers found in the text, and the errors they throw when it cannot be a schedule.
import { ExpressionError } from '../errors.ts';
import type { Period } from './words.ts';

const EXAMPLES = 'Try a phrase such as "every 15 minutes", "weekdays at 9:30", "sundays at 5pm UTC" or "first day of every month at midnight".';
export const TIME_EXAMPLES = 'Try a time such as "9am", "9:30 pm", "14:15", "noon" or "midnight".';

export interface Time {
  hour: number;
  minute: number;
  /** A plain number such as "9" (no colon, no am/pm). */
  bare: boolean;
}

export interface Schedule {
  minuteStep: number | undefined;
  hourStep: number | undefined;
  monthStep: number | undefined;
  /** "at :15", "15 minutes past". */
  minuteOfHour: number | undefined;
  times: Time[];
  /** Hours allowed by "between A and B", in order starting at A. */
  window: number[] | undefined;
  daysOfMonth: Set<number>;
  months: Set<number>;
  daysOfWeek: Set<number>;
  period: Period | undefined;
  /** "last day of the month": L. */
  lastDayOfMonth: boolean;
  /** "last friday of the month" (5L), "second tuesday of the month" (2#2). */
  weekdayOfMonth: { weekday: number; which: number | 'last' } | undefined;
  /** "every 90 minutes": a gap cron cannot keep, run as an interval. */
  rateMinutes: number | undefined;
  /** "every 2 weeks", "every other monday": weeks between runs (2 or more), run as an interval. */
  weekStep: number | undefined;
  /** "every 3 days at 9am": days between runs (2 or more), run as an interval. */
  dayStep: number | undefined;
}

export function emptySchedule(): Schedule {
  return {
    minuteStep: undefined,
    hourStep: undefined,
    monthStep: undefined,
    minuteOfHour: undefined,
    times: [],
    window: undefined,
    daysOfMonth: new Set(),
    months: new Set(),
    daysOfWeek: new Set(),
    period: undefined,
    lastDayOfMonth: false,
    weekdayOfMonth: undefined,
    rateMinutes: undefined,
    weekStep: undefined,
    dayStep: undefined,
  };
}

/** "On the 15th", "january 1": checks the day can be in a month at all. */
export function addDayOfMonth(s: Schedule, day: number, written: string): void {
  if (day < 1 || day > 31) {
    throw reject(`"${written}" is not a day of the month: days go from 1 to 31.`, 'Try "on the 1st of every month" or "on the 15th at 10:00".');
  }
  s.daysOfMonth.add(day);
}

export function unreadable(text: string): ExpressionError {
  return new ExpressionError('text', `Could not read "${text}" as a schedule.`, { hint: EXAMPLES });
}

export function reject(message: string, hint: string): ExpressionError {
  return new ExpressionError('text', message, { hint });
}
