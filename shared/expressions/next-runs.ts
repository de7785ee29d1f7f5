// Fire times of a cron expression on a timezone's wall clock, exactly as EventBridge Scheduler fires them.
import { Cron } from 'croner';
import type { CronFields } from './cron.ts';
import { fromWallClock, toWallClock } from './timezone.ts';

const YEAR_MS = 365.25 * 86_400_000;

/** How far ahead fire times are looked for: an expression such as "0 0 29 2 *" fires once in four years. */
export const DEFAULT_HORIZON_YEARS = 5;

function fieldToken(values: number[], fullSize: number, restricted = values.length < fullSize): string {
  return restricted ? values.join(',') : '*';
}

/**
 * A croner pattern equivalent to the fields, with "*" in an unrestricted day field (so no OR-ing). Croner (10 and
 * later) computes L, nW, n#L and n#k itself, with the same meaning EventBridge documents: L the month's last day, nW
 * the weekday nearest day n without leaving the month, n#L the month's last such weekday, n#k its k-th.
 */
export function cronerPattern(fields: CronFields): string {
  const rule = fields.calendarDay;
  let dayOfMonth = fieldToken(fields.dayOfMonth, 31, fields.dayOfMonthRestricted);
  let dayOfWeek = fieldToken(fields.dayOfWeek, 7, fields.dayOfWeekRestricted);
  if (rule?.kind === 'lastDayOfMonth') dayOfMonth = 'L';
  if (rule?.kind === 'nearestWeekday') dayOfMonth = `${rule.day}W`;
  if (rule?.kind === 'lastWeekdayOfMonth') dayOfWeek = `${rule.weekday}#L`;
  if (rule?.kind === 'nthWeekdayOfMonth') dayOfWeek = `${rule.weekday}#${rule.nth}`;
  return [fieldToken(fields.minute, 60), fieldToken(fields.hour, 24), dayOfMonth, fieldToken(fields.month, 12), dayOfWeek].join(' ');
}

export interface NextRunsOptions {
  horizonYears?: number;
  /** Accept EventBridge's "start/step" form (e.g. "0/15"), which standard cron input does not allow. */
  sloppyRanges?: boolean;
  /**
   * The schedule's StartDate. A rate(…) expression needs it (its fire times are StartDate + k × interval); a cron
   * expression fires only at or after it; an at(…) ignores it, as EventBridge does.
   */
  startDate?: Date;
}

/**
 * The next `count` instants strictly after `after` at which a croner pattern fires on the wall clock of
 * `timezone`: wall times that do not exist are skipped, repeated ones fire at their first occurrence.
 */
export function nextRunsOfPattern(pattern: string, timezone: string, after: Date, count: number, options: NextRunsOptions = {}): Date[] {
  const afterMs = after.getTime();
  const horizonMs = afterMs + (options.horizonYears ?? DEFAULT_HORIZON_YEARS) * YEAR_MS;
  // Croner walks the wall clock (evaluated as UTC); the timezone's rules are applied to each match.
  const walker = new Cron(pattern, { timezone: 'UTC', paused: true, mode: 'auto', domAndDow: true, sloppyRanges: options.sloppyRanges ?? false });
  const runs: Date[] = [];
  let cursor: Date | null = new Date(toWallClock(afterMs, timezone));
  while (runs.length < count) {
    cursor = walker.nextRun(cursor);
    if (!cursor) break;
    const instant = fromWallClock(cursor.getTime(), timezone);
    if (instant !== undefined && instant > horizonMs) break;
    if (instant !== undefined && instant > afterMs) runs.push(new Date(instant));
    if (cursor.getTime() - 14 * 3_600_000 > horizonMs) break;
  }
  return runs;
}

export function nextRunsOfFields(fields: CronFields, timezone: string, after: Date, count: number, options: NextRunsOptions = {}): Date[] {
  return nextRunsOfPattern(cronerPattern(fields), timezone, after, count, options);
}
