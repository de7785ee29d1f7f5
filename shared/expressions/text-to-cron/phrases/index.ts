// The phrase readers in the order they are tried, and the loop that reads a whole text with them.
import { unreadable, emptySchedule, type Schedule } from '../schedule.ts';
import { tokenise } from '../tokens.ts';
import { FILLER } from '../words.ts';
import {
  readDayBeforeMonth,
  readDayGroup,
  readDayOfWeek,
  readFirstDay,
  readLastDayOfMonth,
  readLastWeekdayOfMonth,
  readMonth,
  readNthWeekdayOfMonth,
  readOrdinalDay,
} from './calendar.ts';
import type { Cursor, PhraseReader, Reading } from './reader.ts';
import { readAdverb, readCountedUnit, readFractionOfHour, readLoneUnit, readOtherWeekday, readTimesADay } from './repeats.ts';
import { readHourWindow, readMinuteOfHour, readTimeOfDay } from './times.ts';

/** Glue words ("every", "on", "at", "the"…); an "and" keeps a list of times going ("at 9am and 5"). */
function readFiller(at: Cursor): Reading | undefined {
  if (!FILLER.has(at.word(0))) return undefined;
  return { used: 1, meaningful: false, endsWithTime: at.word(0) === 'and' && at.afterTime };
}

/** Tried in this order at each token; the first that knows the phrase reads it. To add a phrase, add its reader here. */
const PHRASE_READERS: readonly PhraseReader[] = [
  readHourWindow, // between 9am and 5pm (before filler: "from" is also a glue word)
  readFiller, // every, on, at, the…
  readFractionOfHour, // every half hour
  readCountedUnit, // every 15 minutes, 15 minutes past, every 90 minutes, every 2 weeks
  readOtherWeekday, // every other monday
  readLoneUnit, // every minute, every day
  readAdverb, // hourly, daily, monthly
  readTimesADay, // twice a day
  readNthWeekdayOfMonth, // first monday of every month, 2nd tuesday of the month (before the 15th: "2nd" is a day there)
  readLastWeekdayOfMonth, // last friday of the month
  readLastDayOfMonth, // last day of every month
  readFirstDay, // first day of every month
  readDayGroup, // weekdays, weekends
  readDayOfWeek, // monday, mon-fri
  readMonth, // january, january 1st
  readOrdinalDay, // the 15th
  readMinuteOfHour, // at :15
  readDayBeforeMonth, // 1 january
  readTimeOfDay, // 9am, 9:30 pm, noon, at 9
];

/** Reads the text (time zone already taken out) phrase by phrase; throws if any part of it is not understood. */
export function readSchedule(text: string, original: string): Schedule {
  const tokens = tokenise(text);
  const schedule = emptySchedule();
  let understood = false;
  let afterTime = false;
  for (let i = 0; i < tokens.length; ) {
    const reading = readPhrase(cursorAt(tokens, i, original, afterTime), schedule);
    understood ||= reading.meaningful;
    afterTime = reading.endsWithTime;
    i += reading.used;
  }
  if (!understood) throw unreadable(original);
  return schedule;
}

function cursorAt(tokens: readonly string[], index: number, original: string, afterTime: boolean): Cursor {
  return { word: (offset) => tokens[index + offset] ?? '', original, afterTime };
}

function readPhrase(at: Cursor, schedule: Schedule): Reading {
  for (const reader of PHRASE_READERS) {
    const reading = reader(at, schedule);
    if (reading !== undefined) return reading;
  }
  throw unreadable(at.original);
}
