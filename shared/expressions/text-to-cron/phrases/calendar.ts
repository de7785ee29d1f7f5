// Phrase readers for which days: "weekdays", "mon-fri", "every monday", "on the 15th", "january 1st", "first day of the month".
import { addDayOfMonth, reject, type Schedule } from '../schedule.ts';
import { parseOrdinal } from '../tokens.ts';
import { DAY_GROUPS, DAYS, MONTHS, RANGE_WORDS } from '../words.ts';
import { phrase, type Cursor, type Reading } from './reader.ts';

/** "first day (of every month)"; "last day" is refused, as cron cannot say it. */
export function readFirstDay(at: Cursor, s: Schedule): Reading | undefined {
  const which = at.word(0);
  if ((which !== 'first' && which !== 'last') || at.word(1) !== 'day') return undefined;
  if (which === 'last') {
    throw reject(
      'Standard cron cannot say "the last day of the month" (months end on different days).',
      'Use "first day of every month at midnight", or a fixed day such as "on the 28th of every month".',
    );
  }
  s.daysOfMonth.add(1);
  return phrase(2);
}

/** "weekdays", "weekends". */
export function readDayGroup(at: Cursor, s: Schedule): Reading | undefined {
  const days = DAY_GROUPS.get(at.word(0));
  if (days === undefined) return undefined;
  for (const d of days) s.daysOfWeek.add(d);
  return phrase(1);
}

/** "monday", "mondays", "mon-fri", "monday to friday". */
export function readDayOfWeek(at: Cursor, s: Schedule): Reading | undefined {
  const day = DAYS.get(at.word(0));
  if (day === undefined) return undefined;
  const last = RANGE_WORDS.has(at.word(1)) ? DAYS.get(at.word(2)) : undefined;
  if (last === undefined) {
    s.daysOfWeek.add(day);
    return phrase(1);
  }
  for (let d = day; ; d = (d + 1) % 7) {
    s.daysOfWeek.add(d);
    if (d === last) break;
  }
  return phrase(3);
}

/** "january", "january 1", "jan 1st". */
export function readMonth(at: Cursor, s: Schedule): Reading | undefined {
  const month = MONTHS.get(at.word(0));
  if (month === undefined) return undefined;
  s.months.add(month);
  const next = at.word(1);
  const dayAfter = /^\d+$/.test(next) ? Number(next) : parseOrdinal(next);
  if (dayAfter === undefined) return phrase(1);
  addDayOfMonth(s, dayAfter, next);
  return phrase(2);
}

/** "1st", "15th". */
export function readOrdinalDay(at: Cursor, s: Schedule): Reading | undefined {
  const day = parseOrdinal(at.word(0));
  if (day === undefined) return undefined;
  addDayOfMonth(s, day, at.word(0));
  return phrase(1);
}

/** A number right before a month name is a day: "1 january". */
export function readDayBeforeMonth(at: Cursor, s: Schedule): Reading | undefined {
  const word = at.word(0);
  if (!/^\d+$/.test(word) || !MONTHS.has(at.word(1))) return undefined;
  addDayOfMonth(s, Number(word), word);
  return phrase(1);
}
