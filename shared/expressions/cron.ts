// Standard 5-field cron, plus the calendar forms EventBridge's cron also has (L, 15W, 5L, 1#2): parsing into field
// sets, with rejections that name the field and say why. Any token this module cannot translate to EventBridge
// exactly is refused, never read as something else.
import { CronPattern } from 'croner';
import { applyCalendarDay, bothDayFields, isDayOfMonthRule, readCalendarDay } from './calendar-day.ts';
import type { CronFields, ParsedCron } from './cron-fields.ts';
import { ExpressionError } from './errors.ts';

export type { CalendarDay, CronFields, ParsedCron } from './cron-fields.ts';
export { normalisedCalendarExpression } from './calendar-day.ts';

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const FIELD_SPECS = [
  { name: 'minute', position: 1, range: '0–59', example: '*/15' },
  { name: 'hour', position: 2, range: '0–23', example: '9 or 9-17' },
  { name: 'day-of-month', position: 3, range: '1–31', example: '1 or 1,15' },
  { name: 'month', position: 4, range: '1–12 or JAN–DEC', example: '1 or JAN,JUL' },
  { name: 'day-of-week', position: 5, range: '0–7 or SUN–SAT (0 and 7 are Sunday)', example: '1-5 or MON-FRI' },
] as const;

const FIELD_TOKEN = /^[0-9A-Za-z*,\-/]+$/;
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export const CRON_HINT = 'Use five fields: minute hour day-of-month month day-of-week, e.g. "0 9 * * 1-5" (09:00 on weekdays).';

function indexesOf(flags: number[], offset = 0): number[] {
  const values: number[] = [];
  flags.forEach((flag, index) => {
    if (flag) values.push(index + offset);
  });
  return values;
}

// Vixie cron treats a day field as unrestricted only when it starts with "*"; a field written out in full
// ("1-31", "0-6") still switches it to OR-ing the two day fields, so that counts as restricted too.
function isRestricted(token: string, fullSize: number, values: number[]): boolean {
  return !token.startsWith('*') || values.length < fullSize;
}

/** Parses a standard 5-field cron expression (or an @macro). Throws ExpressionError naming the bad field. */
export function parseCron(input: string, fieldName = 'cronExpression'): ParsedCron {
  const trimmed = input.trim().replace(/\s+/g, ' ');
  if (trimmed === '') throw new ExpressionError(fieldName, 'The cron expression is empty.', { hint: CRON_HINT });
  const expression = MACROS[trimmed.toLowerCase()] ?? trimmed;
  if (expression.startsWith('@')) {
    throw new ExpressionError(fieldName, `"${trimmed}" is not a cron macro this service knows.`, {
      hint: `Use one of ${Object.keys(MACROS).join(', ')}, or five fields, e.g. "0 9 * * 1-5".`,
    });
  }
  const tokens = expression.split(' ');
  if (tokens.length !== 5) {
    throw new ExpressionError(fieldName, `"${trimmed}" has ${tokens.length} field${tokens.length === 1 ? '' : 's'}; a cron expression has exactly 5.`, {
      hint: CRON_HINT,
    });
  }

  // The calendar forms are read here; croner only ever sees standard tokens, so it cannot read "5L" as "5".
  const calendarDay = readCalendarDay(tokens, fieldName);
  const standard = calendarDay ? tokens.map((token, index) => (index === (isDayOfMonthRule(calendarDay) ? 2 : 4) ? '*' : token)) : tokens;
  let pattern: CronPattern;
  try {
    if (!standard.every((token) => FIELD_TOKEN.test(token))) throw new Error('illegal characters');
    pattern = new CronPattern(standard.join(' '), undefined, { mode: '5-part' });
  } catch (error) {
    throw diagnose(standard, fieldName, error);
  }

  const dayOfWeek = [...new Set(indexesOf(pattern.dayOfWeek).map((day) => day % 7))].sort((a, b) => a - b);
  const fields: CronFields = {
    minute: indexesOf(pattern.minute),
    hour: indexesOf(pattern.hour),
    dayOfMonth: indexesOf(pattern.day, 1),
    month: indexesOf(pattern.month, 1),
    dayOfWeek,
    dayOfMonthRestricted: isRestricted(standard[2]!, 31, indexesOf(pattern.day)),
    dayOfWeekRestricted: isRestricted(standard[4]!, 7, dayOfWeek),
  };
  if (calendarDay) {
    if (fields.dayOfMonthRestricted || fields.dayOfWeekRestricted) throw bothDayFields(calendarDay, tokens, trimmed, fieldName);
    applyCalendarDay(fields, calendarDay);
  }

  if (fields.dayOfMonthRestricted && fields.dayOfWeekRestricted) {
    throw new ExpressionError(
      fieldName,
      `"${trimmed}" restricts both day-of-month ("${tokens[2]}") and day-of-week ("${tokens[4]}"). ` +
        'Standard cron runs when either matches, and EventBridge Scheduler cannot express that.',
      { hint: 'Set one of the two day fields to *, or create two schedules: one by day of month, one by day of week.' },
    );
  }
  if (!fields.dayOfMonth.some((day) => fields.month.some((month) => day <= MONTH_DAYS[month - 1]!))) {
    throw new ExpressionError(fieldName, `"${trimmed}" never fires: no month it names has day ${tokens[2]}.`, {
      hint: 'Pick a day that exists in the chosen months, e.g. "0 9 28 2 *" for 28 February.',
    });
  }
  return { expression, fields };
}

/** Finds the field that made the whole pattern fail, by checking each field alone. */
function diagnose(tokens: string[], fieldName: string, original: unknown): ExpressionError {
  for (const [index, token] of tokens.entries()) {
    const spec = FIELD_SPECS[index]!;
    const probe = ['0', '0', '1', '1', '*'];
    probe[index] = token;
    let problem: string | undefined;
    if (!FIELD_TOKEN.test(token)) problem = 'uses characters a cron field cannot contain';
    else {
      try {
        new CronPattern(probe.join(' '), undefined, { mode: '5-part' });
      } catch (error) {
        problem = describeCronerProblem(error);
      }
    }
    if (problem) {
      return new ExpressionError(fieldName, `The ${spec.name} field (field ${spec.position}) "${token}" ${problem}; it takes ${spec.range}.`, {
        hint: `For example ${spec.example}. ${CRON_HINT}`,
      });
    }
  }
  return new ExpressionError(fieldName, `"${tokens.join(' ')}" is not a valid cron expression.`, { hint: CRON_HINT, cause: original });
}

function describeCronerProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/numeric prefix|missing prefix/i.test(message)) return 'has a step without a range (write */15 or 5-59/15, not 5/15)';
  if (/stepping|step/i.test(message)) return 'has an invalid step (a step must be a whole number of 1 or more)';
  if (/range/i.test(message)) return "has an invalid range (write low-high, within the field's values)";
  if (/Invalid value/i.test(message)) return 'is out of range or not a recognised name';
  return 'is not valid cron syntax';
}

/** The shortest wall-clock gap, in minutes, between two consecutive fire times (DST aside). */
export function minimumIntervalMinutes(fields: CronFields): number {
  const times: number[] = [];
  for (const hour of fields.hour) for (const minute of fields.minute) times.push(hour * 60 + minute);
  let shortest = Number.POSITIVE_INFINITY;
  for (let index = 1; index < times.length; index += 1) shortest = Math.min(shortest, times[index]! - times[index - 1]!);
  if (consecutiveDaysPossible(fields)) shortest = Math.min(shortest, 1440 - times[times.length - 1]! + times[0]!);
  return shortest === Number.POSITIVE_INFINITY ? 1440 : shortest;
}

function consecutiveDaysPossible(fields: CronFields): boolean {
  // L, nW, nL and n#k fire at most once a month.
  if (fields.calendarDay) return false;
  if (fields.dayOfWeekRestricted) return fields.dayOfWeek.some((day) => fields.dayOfWeek.includes((day + 1) % 7));
  if (!fields.dayOfMonthRestricted) return true;
  const days = fields.dayOfMonth;
  return days.some((day) => days.includes(day + 1)) || (days.includes(1) && days.some((day) => day >= 28));
}
