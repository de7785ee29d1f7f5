// Phrase readers for the time of day: "at 9am", "9:30 pm", "noon", "9 o'clock", "at :15", "between 9am and 5pm".
import { hourWindow } from '../cron-builder.ts';
import { reject, unreadable, type Schedule } from '../schedule.ts';
import { parseTime } from '../tokens.ts';
import { DAYS, RANGE_WORDS } from '../words.ts';
import { phrase, type Cursor, type Reading } from './reader.ts';

/** "between 9am and 5pm", "from 9:00 to 17:30" ("from monday" is left to the weekday reader). */
export function readHourWindow(at: Cursor, s: Schedule): Reading | undefined {
  const word = at.word(0);
  if (word !== 'between' && !(word === 'from' && !DAYS.has(at.word(1)))) return undefined;
  const start = parseTime(at.word(1), true);
  const joiner = at.word(2);
  const end = RANGE_WORDS.has(joiner) || joiner === 'and' ? parseTime(at.word(3), true) : undefined;
  if (!start || !end) throw unreadable(at.original);
  s.window = hourWindow(start, end, at.original);
  return phrase(4);
}

/** ":15", as in "every hour at :15". */
export function readMinuteOfHour(at: Cursor, s: Schedule): Reading | undefined {
  const word = at.word(0);
  if (!/^:\d{2}$/.test(word)) return undefined;
  const minute = Number(word.slice(1));
  if (minute > 59) throw reject(`"${word}" is not a minute of the hour: minutes go from 0 to 59.`, 'Try "every hour at :15".');
  s.minuteOfHour = minute;
  return phrase(1);
}

/** "9am", "9:30 pm", "noon", "9 o'clock", or a plain "9" after "at" (or after "and" in a list of times). */
export function readTimeOfDay(at: Cursor, s: Schedule): Reading | undefined {
  const oclock = at.word(1) === 'oclock';
  const before = at.word(-1);
  const time = parseTime(at.word(0), oclock || before === 'at' || (before === 'and' && at.afterTime));
  if (time === undefined) return undefined;
  s.times.push(time);
  return { used: oclock ? 2 : 1, meaningful: true, endsWithTime: true };
}
