// Phrase readers for how often: "every 15 minutes", "every half hour", "hourly", "15 minutes past", "twice a day".
import { applyStep, setPeriod } from '../cron-builder.ts';
import { reject, unreadable, type Schedule } from '../schedule.ts';
import { parseCount } from '../tokens.ts';
import { ADVERBS, DAYS, FRACTIONS_OF_HOUR, PAST_WORDS, PER_WORDS, TIMES_A_DAY, UNITS } from '../words.ts';
import { phrase, type Cursor, type Reading } from './reader.ts';

/** "half hour", "half an hour", "quarter hour". */
export function readFractionOfHour(at: Cursor, s: Schedule): Reading | undefined {
  const step = FRACTIONS_OF_HOUR.get(at.word(0));
  if (step === undefined) return undefined;
  const an = at.word(1) === 'an';
  if (at.word(an ? 2 : 1) !== 'hour') return undefined;
  s.minuteStep = step;
  return phrase(an ? 3 : 2);
}

/** "15 minutes", "2 hours", "other hour", "3 months"; and "15 minutes past (the hour)". */
export function readCountedUnit(at: Cursor, s: Schedule): Reading | undefined {
  const count = parseCount(at.word(0));
  const unit = UNITS[at.word(1)];
  if (count === undefined || unit === undefined) return undefined;
  if (unit === 'minute' && PAST_WORDS.has(at.word(2))) return readMinutesPast(at, s, count);
  applyStep(s, unit, count);
  return phrase(2);
}

function readMinutesPast(at: Cursor, s: Schedule, count: number): Reading {
  if (count > 59) throw reject(`"${count} minutes past" is not a minute of the hour: minutes go from 0 to 59.`, 'Try "every hour at :15".');
  s.minuteOfHour = count;
  const theHour = at.word(3) === 'the' && at.word(4) === 'hour';
  return phrase(theHour ? 5 : 3);
}

/** A unit on its own: "every minute", "every day", "each month". */
export function readLoneUnit(at: Cursor, s: Schedule): Reading | undefined {
  const unit = UNITS[at.word(0)];
  if (unit === undefined) return undefined;
  applyStep(s, unit, 1);
  return phrase(1);
}

/** "hourly", "daily", "nightly", "weekly", "monthly", "quarterly", "yearly". */
export function readAdverb(at: Cursor, s: Schedule): Reading | undefined {
  const step = ADVERBS.get(at.word(0));
  if (step === undefined) return undefined;
  applyStep(s, step[0], step[1]);
  return phrase(1);
}

/** "twice a day", "once per day", "twice daily". */
export function readTimesADay(at: Cursor, s: Schedule): Reading | undefined {
  const hours = TIMES_A_DAY.get(at.word(0));
  if (hours === undefined) return undefined;
  const dayAt = PER_WORDS.has(at.word(1)) ? 2 : 1;
  if (at.word(dayAt) !== 'day' && at.word(dayAt) !== 'daily') throw unreadable(at.original);
  for (const hour of hours) s.times.push({ hour, minute: 0, bare: false });
  setPeriod(s, 'day');
  return phrase(dayAt + 1);
}

/** "(every) other monday": every 2 weeks, on that weekday. */
export function readOtherWeekday(at: Cursor, s: Schedule): Reading | undefined {
  const weekday = DAYS.get(at.word(1));
  if (at.word(0) !== 'other' || weekday === undefined) return undefined;
  applyStep(s, 'week', 2);
  s.daysOfWeek.add(weekday);
  return phrase(2);
}
