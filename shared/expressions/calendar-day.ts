// The calendar forms of EventBridge's cron in a day field — L, 15W, 5L, 1#2 — read into a CalendarDay rule, with
// refusals that name the field; anything EventBridge does not document is refused, never read as something else.
import type { CalendarDay, CronFields, ParsedCron } from './cron-fields.ts';
import { ExpressionError } from './errors.ts';

const WEEKDAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const FULL_WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth'];

export function isDayOfMonthRule(rule: CalendarDay): boolean {
  return rule.kind === 'lastDayOfMonth' || rule.kind === 'nearestWeekday';
}

export function applyCalendarDay(fields: CronFields, rule: CalendarDay): void {
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
export function readCalendarDay(tokens: string[], fieldName: string): CalendarDay | undefined {
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

export function bothDayFields(rule: CalendarDay, tokens: string[], trimmed: string, fieldName: string): ExpressionError {
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
