// Phrase readers for which days: "weekdays", "mon-fri", "every monday", "on the 15th", "january 1st", "first day of the month",
// "last day of the month", "last friday of the month", "second tuesday of the month".
import { addDayOfMonth, reject, type Schedule } from '../schedule.ts';
import { parseOrdinal } from '../tokens.ts';
import { DAY_GROUPS, DAYS, MONTHS, ORDINAL_WORDS, RANGE_WORDS } from '../words.ts';
import { phrase, type Cursor, type Reading } from './reader.ts';

/** "first day (of every month)". */
export function readFirstDay(at: Cursor, s: Schedule): Reading | undefined {
  if (at.word(0) !== 'first' || at.word(1) !== 'day') return undefined;
  s.daysOfMonth.add(1);
  return phrase(2);
}

/** "last day (of every month)": L. */
export function readLastDayOfMonth(at: Cursor, s: Schedule): Reading | undefined {
  if (at.word(0) !== 'last' || at.word(1) !== 'day') return undefined;
  s.lastDayOfMonth = true;
  return phrase(2);
}

function setWeekdayOfMonth(at: Cursor, s: Schedule, weekday: number, which: number | 'last'): Reading {
  if (s.weekdayOfMonth !== undefined) {
    throw reject(
      `"${at.original}" names two weekdays of the month; EventBridge allows one such rule per schedule.`,
      'Create one schedule per rule, e.g. "first monday of every month at 9" and "last friday of the month at 4pm".',
    );
  }
  s.weekdayOfMonth = { weekday, which };
  return phrase(2);
}

/** "last friday of (the) month": 5L. Needs the "of" so that "last friday" alone is not guessed at. */
export function readLastWeekdayOfMonth(at: Cursor, s: Schedule): Reading | undefined {
  const weekday = DAYS.get(at.word(1));
  if (at.word(0) !== 'last' || weekday === undefined || at.word(2) !== 'of') return undefined;
  return setWeekdayOfMonth(at, s, weekday, 'last');
}

/** "first monday of every month", "2nd tuesday of the month": 1#1, 2#2. Needs the "of" ("every second monday" is not this). */
export function readNthWeekdayOfMonth(at: Cursor, s: Schedule): Reading | undefined {
  const nth = ORDINAL_WORDS[at.word(0)] ?? parseOrdinal(at.word(0));
  const weekday = DAYS.get(at.word(1));
  if (nth === undefined || weekday === undefined || at.word(2) !== 'of') return undefined;
  if (nth < 1 || nth > 5) {
    throw reject(
      `"${at.word(0)} ${at.word(1)}" cannot be: a month has at most five of each weekday.`,
      'Try "last friday of the month at 4pm" or "first monday of every month at 9".',
    );
  }
  return setWeekdayOfMonth(at, s, weekday, nth);
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
