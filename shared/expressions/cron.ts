// Standard 5-field cron, plus the calendar forms EventBridge's cron also has (L, 15W, 5L, 1#2): parsing into field
// sets, with rejections that name the field and say why. Any token this module cannot translate to EventBridge
// exactly is refused, never read as something else.
import { CronPattern } from 'croner';
import { ExpressionError } from './errors.ts';

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
const WEEKDAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const FULL_WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth'];
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

function isDayOfMonthRule(rule: CalendarDay): boolean {
  return rule.kind === 'lastDayOfMonth' || rule.kind === 'nearestWeekday';
}

function applyCalendarDay(fields: CronFields, rule: CalendarDay): void {
  fields.calendarDay = rule;
  if (rule.kind === 'lastDayOfMonth' || rule.kind === 'nearestWeekday') {
    const [low, high] = rule.kind === 'lastDayOfMonth' ? [28, 31] : [Math.max(1, rule.day - 2), Math.min(31, rule.day + 2)];
    fields.dayOfMonth = Array.from({ length: high - low + 1 }, (_, index) => low + index);
    fields.dayOfMonthRestricted = true;
  } else {
    fields.dayOfWeek = [rule.weekday];
    fields.dayOfWeekRestricted = true;
  }
}

function calendarError(fieldName: string, position: 3 | 5, token: string, problem: string, hint: string): ExpressionError {
  const name = position === 3 ? 'day-of-month' : 'day-of-week';
  return new ExpressionError(fieldName, `The ${name} field (field ${position}) "${token}" ${problem}`, { hint });
}

/**
 * Reads L, 15W (day-of-month) and 5L, 1#2 (day-of-week), the forms EventBridge documents: "L" alone in day-of-month
 * (the last day), "nW" (the weekday nearest day n), "nL" in day-of-week (the last such weekday of the month) and
 * "n#k" (the k-th one; only one per field). Any other use of L, W or # is refused, naming the field.
 */
function readCalendarDay(tokens: string[], fieldName: string): CalendarDay | undefined {
  const dayOfMonth = tokens[2]!;
  const dayOfWeek = tokens[4]!;
  const inDayOfMonth = /[LW]/i.test(dayOfMonth);
  const inDayOfWeek = /[L#]/i.test(dayOfWeek);
  if (inDayOfMonth && inDayOfWeek) {
    throw new ExpressionError(fieldName, `"${tokens.join(' ')}" uses L, W or # in both day fields; a schedule can restrict only one of them.`, {
      hint: 'Keep one day rule and set the other day field to *, e.g. "0 9 L * *" (last day of the month) or "0 9 * * 5L" (last Friday).',
    });
  }
  if (inDayOfMonth) return readDayOfMonthRule(dayOfMonth, fieldName);
  if (inDayOfWeek) return readDayOfWeekRule(dayOfWeek, fieldName);
  return undefined;
}

function readDayOfMonthRule(token: string, fieldName: string): CalendarDay {
  const upper = token.toUpperCase();
  if (upper === 'L') return { kind: 'lastDayOfMonth' };
  const nearest = /^(\d+)W$/.exec(upper);
  if (nearest) {
    const day = Number(nearest[1]);
    if (day < 1 || day > 31) {
      throw calendarError(
        fieldName,
        3,
        token,
        `is not a day: W takes a day of the month from 1 to 31.`,
        'For the weekday nearest the 15th, write 15W, e.g. "0 9 15W * *".',
      );
    }
    if (day > 28) {
      throw calendarError(
        fieldName,
        3,
        token,
        `names a day that some months do not have, and how ${day}W behaves in those months is not documented by EventBridge, so it is refused rather than guessed.`,
        'Use L for the last day of every month ("0 9 L * *"), or a day every month has, e.g. "0 9 28W * *".',
      );
    }
    return { kind: 'nearestWeekday', day };
  }
  if (upper === 'LW') {
    throw calendarError(
      fieldName,
      3,
      token,
      '(the last weekday of the month) is refused: EventBridge documents L (the last day) and nW (the weekday nearest day n), but not LW.',
      'Use "0 9 L * *" for the last day of the month, or "0 9 * * 5L" for its last Friday.',
    );
  }
  if (/^L-\d+$/.test(upper)) {
    throw calendarError(
      fieldName,
      3,
      token,
      'is refused: EventBridge does not document an offset from the last day (L-n).',
      'Use "0 9 L * *" for the last day of the month, or a fixed day such as "0 9 28 * *".',
    );
  }
  if (upper === 'W') {
    throw calendarError(fieldName, 3, token, 'needs a day before the W.', 'For the weekday nearest the 15th, write 15W, e.g. "0 9 15W * *".');
  }
  throw calendarError(
    fieldName,
    3,
    token,
    'mixes L or W with other values; EventBridge reads L and nW only as the whole field, not in a list, range or step.',
    'Use one rule per schedule, e.g. "0 9 L * *" or "0 9 15W * *", and create a second schedule for other days.',
  );
}

/** A weekday written as 1–7 (7 = Sunday) or a name; 0 is refused here (see readDayOfWeekRule). */
function weekdayOf(text: string, token: string, fieldName: string): number {
  const upper = text.toUpperCase();
  const named = WEEKDAY_NAMES.indexOf(upper);
  if (named >= 0) return named;
  if (upper === '0') {
    throw calendarError(
      fieldName,
      5,
      token,
      'is refused: the # and L forms come from Quartz and EventBridge, where weekdays are numbered 1–7 and 0 is no day, so day 0 there cannot be read safely.',
      `Write Sunday by name, e.g. "0 9 * * SUN${token.slice(1)}".`,
    );
  }
  if (/^[1-7]$/.test(upper)) return Number(upper) % 7;
  throw calendarError(
    fieldName,
    5,
    token,
    'does not start with a weekday: use 1–7 (7 is Sunday) or SUN–SAT.',
    'For example "0 9 * * MON#2" (the second Monday).',
  );
}

function readDayOfWeekRule(token: string, fieldName: string): CalendarDay {
  const upper = token.toUpperCase();
  const last = /^([0-9]|[A-Z]{3})L$/.exec(upper);
  if (last) return { kind: 'lastWeekdayOfMonth', weekday: weekdayOf(last[1]!, token, fieldName) };
  const nth = /^([0-9]|[A-Z]{3})#(\d+)$/.exec(upper);
  if (nth) {
    const weekday = weekdayOf(nth[1]!, token, fieldName);
    const count = Number(nth[2]);
    if (count < 1 || count > 5) {
      throw calendarError(
        fieldName,
        5,
        token,
        count < 1
          ? `asks for occurrence ${count} of a weekday; # counts from 1 (the first) to 5 (the fifth).`
          : `asks for occurrence ${count} of a weekday, but a month has at most five (# takes 1–5).`,
        `For the last one use L instead, e.g. "0 9 * * ${nth[1]}L"; for the second, "0 9 * * ${nth[1]}#2".`,
      );
    }
    return { kind: 'nthWeekdayOfMonth', weekday, nth: count };
  }
  if (upper === 'L') {
    throw calendarError(
      fieldName,
      5,
      token,
      'is ambiguous: alone in day-of-week, L means Saturday (the last day of the week) in Quartz and EventBridge, while other crons reject it.',
      'Write SAT for Saturdays, "0 9 * * 5L" for the last Friday of the month, or "0 9 L * *" for the last day of the month.',
    );
  }
  if (upper.includes('#') && upper.includes(',')) {
    throw calendarError(
      fieldName,
      5,
      token,
      'lists several # values; EventBridge allows only one # expression in day-of-week ("3#1,6#3" is invalid).',
      'Create one schedule per weekday, e.g. "0 9 * * 1#1" and "0 9 * * 5#3".',
    );
  }
  throw calendarError(
    fieldName,
    5,
    token,
    'mixes L or # with other values, ranges or steps; EventBridge reads nL and n#k only as the whole field.',
    'Use one rule per schedule, e.g. "0 9 * * 5L" (the last Friday) or "0 9 * * 1#2" (the second Monday).',
  );
}

function bothDayFields(rule: CalendarDay, tokens: string[], trimmed: string, fieldName: string): ExpressionError {
  const [other, example] = isDayOfMonthRule(rule)
    ? [
        `day-of-week ("${tokens[4]}")`,
        rule.kind === 'lastDayOfMonth' ? '"0 9 L * *" (the last day), or "0 9 * * 5L" for the last Friday' : `"0 9 ${tokens[2]} * *"`,
      ]
    : [`day-of-month ("${tokens[2]}")`, `"0 9 * * ${tokens[4]}"`];
  return new ExpressionError(
    fieldName,
    `"${trimmed}" combines ${describeRuleToken(rule)} with a restriction in ${other}. ` +
      'Standard cron would run when either matches, and EventBridge Scheduler cannot express that.',
    { hint: `Set the other day field to *, e.g. ${example}, or create two schedules.` },
  );
}

function describeRuleToken(rule: CalendarDay): string {
  switch (rule.kind) {
    case 'lastDayOfMonth':
      return 'L (the last day of the month)';
    case 'nearestWeekday':
      return `${rule.day}W (the weekday nearest day ${rule.day})`;
    case 'lastWeekdayOfMonth':
      return `the last ${FULL_WEEKDAY_NAMES[rule.weekday]} of the month (${WEEKDAY_NAMES[rule.weekday]}L)`;
    case 'nthWeekdayOfMonth':
      return `the ${ORDINALS[rule.nth - 1]} ${FULL_WEEKDAY_NAMES[rule.weekday]} of the month (${WEEKDAY_NAMES[rule.weekday]}#${rule.nth})`;
  }
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

/**
 * The expression with its L, W or # day token normalised ("fril" → "5L", "mon#2" → "1#2", "l" → "L"), for readers
 * such as cronstrue that only know the upper-case, numeric spellings.
 */
export function normalisedCalendarExpression({ expression, fields }: ParsedCron): string {
  const rule = fields.calendarDay;
  if (!rule) return expression;
  const tokens = expression.split(' ');
  if (rule.kind === 'lastDayOfMonth') tokens[2] = 'L';
  if (rule.kind === 'nearestWeekday') tokens[2] = `${rule.day}W`;
  if (rule.kind === 'lastWeekdayOfMonth') tokens[4] = `${rule.weekday}L`;
  if (rule.kind === 'nthWeekdayOfMonth') tokens[4] = `${rule.weekday}#${rule.nth}`;
  return tokens.join(' ');
}
