// The vocabulary of schedule phrases: number words, weekday and month names, units, glue words and time zone abbreviations.

/** A word table without a prototype: "constructor" or "toString" in the text finds nothing, not Object's own. */
function lookup<T>(entries: Record<string, T>): Readonly<Record<string, T>> {
  return Object.freeze(Object.assign(Object.create(null) as Record<string, T>, entries));
}

export type Period = 'day' | 'week' | 'month' | 'year';
export type Unit = 'minute' | 'hour' | Period;

const DAY_NAMES: ReadonlyArray<readonly [number, readonly string[]]> = [
  [0, ['sunday', 'sundays', 'sun']],
  [1, ['monday', 'mondays', 'mon']],
  [2, ['tuesday', 'tuesdays', 'tue', 'tues']],
  [3, ['wednesday', 'wednesdays', 'wed', 'weds']],
  [4, ['thursday', 'thursdays', 'thu', 'thur', 'thurs']],
  [5, ['friday', 'fridays', 'fri']],
  [6, ['saturday', 'saturdays', 'sat']],
];

const MONTH_NAMES: ReadonlyArray<readonly [number, readonly string[]]> = [
  [1, ['january', 'jan']],
  [2, ['february', 'feb']],
  [3, ['march', 'mar']],
  [4, ['april', 'apr']],
  [5, ['may']],
  [6, ['june', 'jun']],
  [7, ['july', 'jul']],
  [8, ['august', 'aug']],
  [9, ['september', 'sep', 'sept']],
  [10, ['october', 'oct']],
  [11, ['november', 'nov']],
  [12, ['december', 'dec']],
];

function lookupTable(table: ReadonlyArray<readonly [number, readonly string[]]>): ReadonlyMap<string, number> {
  return new Map(table.flatMap(([value, names]) => names.map((name) => [name, value] as const)));
}

/** Weekday name → cron day of week (Sunday is 0). */
export const DAYS = lookupTable(DAY_NAMES);
/** Month name → cron month (January is 1). */
export const MONTHS = lookupTable(MONTH_NAMES);

/** "weekdays", "weekends" → the days of the week they mean. */
export const DAY_GROUPS: ReadonlyMap<string, readonly number[]> = new Map([
  ['weekday', [1, 2, 3, 4, 5]],
  ['weekdays', [1, 2, 3, 4, 5]],
  ['weekend', [0, 6]],
  ['weekends', [0, 6]],
]);

/** The longest each month can be (February in a leap year). */
export const DAY_IN_MONTH_MAX = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export const NUMBER_WORDS: Readonly<Record<string, number>> = lookup({
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  other: 2, // "every other hour"
});

/** "first monday of the month" → 1: which occurrence of a weekday in its month (a month has at most five). */
export const ORDINAL_WORDS: Readonly<Record<string, number>> = lookup({
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
});

export const UNITS: Readonly<Record<string, Unit>> = lookup({
  minute: 'minute',
  minutes: 'minute',
  min: 'minute',
  mins: 'minute',
  hour: 'hour',
  hours: 'hour',
  hr: 'hour',
  hrs: 'hour',
  day: 'day',
  days: 'day',
  night: 'day',
  nights: 'day',
  week: 'week',
  weeks: 'week',
  month: 'month',
  months: 'month',
  year: 'year',
  years: 'year',
});

/** Adverbs that are "every N <unit>" on their own: hourly, daily, quarterly… */
export const ADVERBS: ReadonlyMap<string, readonly [Unit, number]> = new Map([
  ['hourly', ['hour', 1]],
  ['daily', ['day', 1]],
  ['nightly', ['day', 1]],
  ['weekly', ['week', 1]],
  ['monthly', ['month', 1]],
  ['quarterly', ['month', 3]],
  ['yearly', ['year', 1]],
  ['annually', ['year', 1]],
  ['annual', ['year', 1]],
]);

/** "half an hour", "quarter hour" → the minute step they mean. */
export const FRACTIONS_OF_HOUR: ReadonlyMap<string, number> = new Map([
  ['half', 30],
  ['quarter', 15],
]);

/** "once a day", "twice a day" → the hours they run at (once: the default midnight). */
export const TIMES_A_DAY: ReadonlyMap<string, readonly number[]> = new Map([
  ['once', []],
  ['twice', [0, 12]],
]);

/** Times of day that are words. */
export const NAMED_TIMES: ReadonlyMap<string, number> = new Map([
  ['noon', 12],
  ['midday', 12],
  ['midnight', 0],
]);

/** Words that only glue a phrase together. */
export const FILLER = new Set(['every', 'each', 'on', 'at', 'and', 'the', 'of', 'in', 'a', 'an', 'per', 'from']);
/** Words between the two ends of a range: "mon-fri", "9 to 5". */
export const RANGE_WORDS = new Set(['-', 'to', 'through', 'thru', 'until', 'till']);
/** Words between "twice" and "day": "twice a day", "once per day". */
export const PER_WORDS = new Set(['a', 'per', 'each', 'every']);
/** "15 minutes past", "15 minutes after". */
export const PAST_WORDS = new Set(['past', 'after']);

export const TIMEZONE_ABBREVIATIONS: Readonly<Record<string, string>> = lookup({
  utc: 'UTC',
  gmt: 'UTC',
  et: 'America/New_York',
  est: 'America/New_York',
  edt: 'America/New_York',
  ct: 'America/Chicago',
  cst: 'America/Chicago',
  cdt: 'America/Chicago',
  mt: 'America/Denver',
  mst: 'America/Denver',
  mdt: 'America/Denver',
  pt: 'America/Los_Angeles',
  pst: 'America/Los_Angeles',
  pdt: 'America/Los_Angeles',
  bst: 'Europe/London',
  cet: 'Europe/Paris',
  cest: 'Europe/Paris',
  ist: 'Asia/Kolkata',
  jst: 'Asia/Tokyo',
  aest: 'Australia/Sydney',
  aedt: 'Australia/Sydney',
});
