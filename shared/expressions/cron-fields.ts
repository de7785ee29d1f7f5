// What a parsed cron is: its field sets and, for L, 15W, 5L or 1#2, the calendar day rule.

/**
 * A day rule beyond plain values, in one of the two day fields (the other is then unrestricted). Weekdays are
 * numbered 0–6 with 0 = Sunday, like CronFields.dayOfWeek.
 * - lastDayOfMonth: "L" in day-of-month.
 * - nearestWeekday: "15W", the weekday (Monday–Friday) nearest that day, without leaving the month.
 * - lastWeekdayOfMonth: "5L" in day-of-week, the month's last Friday.
 * - nthWeekdayOfMonth: "1#2" in day-of-week, the month's second Monday (nth 1–5; a month without one is skipped).
 */
export type CalendarDay =
  | { kind: 'lastDayOfMonth' }
  | { kind: 'nearestWeekday'; day: number }
  | { kind: 'lastWeekdayOfMonth'; weekday: number }
  | { kind: 'nthWeekdayOfMonth'; weekday: number; nth: number };

export interface CronFields {
  /** Sorted values of each field; dayOfWeek uses 0–6 with 0 = Sunday (7 is folded into 0). */
  minute: number[];
  hour: number[];
  dayOfMonth: number[];
  month: number[];
  dayOfWeek: number[];
  dayOfMonthRestricted: boolean;
  dayOfWeekRestricted: boolean;
  /**
   * Set for L, 15W, 5L or 1#2. Its field is then restricted, and dayOfMonth or dayOfWeek hold the days it can fall
   * on (a superset: 28–31 for L, 13–17 for 15W, the weekday for 5L and 1#2), not the days it fires.
   */
  calendarDay?: CalendarDay;
}

export interface ParsedCron {
  /** The expression as given, trimmed and with single spaces (macros expanded). */
  expression: string;
  fields: CronFields;
}
