// Deterministic English → 5-field cron + timezone, for the phrases people type.

import { ExpressionError } from './errors.ts';

export interface TextCron {
  cronExpression: string;
  timezone: string | undefined;
}

const EXAMPLES =
  'Try a phrase such as "every 15 minutes", "weekdays at 9:30", "sundays at 5pm UTC" or "first day of every month at midnight".';
const TIME_EXAMPLES = 'Try a time such as "9am", "9:30 pm", "14:15", "noon" or "midnight".';

// ---------------------------------------------------------------------------
// Word tables
// ---------------------------------------------------------------------------

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

const DAY_IN_MONTH_MAX = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8,
  nine: 9, ten: 10, eleven: 11, twelve: 12, fifteen: 15, twenty: 20, thirty: 30,
  other: 2, // "every other hour"
};

const UNITS: Readonly<Record<string, 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year'>> = {
  minute: 'minute', minutes: 'minute', min: 'minute', mins: 'minute',
  hour: 'hour', hours: 'hour', hr: 'hour', hrs: 'hour',
  day: 'day', days: 'day', night: 'day', nights: 'day',
  week: 'week', weeks: 'week',
  month: 'month', months: 'month',
  year: 'year', years: 'year',
};

/** Words that only glue a phrase together. */
const FILLER = new Set(['every', 'each', 'on', 'at', 'and', 'the', 'of', 'in', 'a', 'an', 'per', 'from']);
const RANGE_WORDS = new Set(['-', 'to', 'through', 'thru', 'until', 'till']);

const TIMEZONE_ABBREVIATIONS: Readonly<Record<string, string>> = {
  utc: 'UTC', gmt: 'UTC',
  et: 'America/New_York', est: 'America/New_York', edt: 'America/New_York',
  ct: 'America/Chicago', cst: 'America/Chicago', cdt: 'America/Chicago',
  mt: 'America/Denver', mst: 'America/Denver', mdt: 'America/Denver',
  pt: 'America/Los_Angeles', pst: 'America/Los_Angeles', pdt: 'America/Los_Angeles',
  bst: 'Europe/London',
  cet: 'Europe/Paris', cest: 'Europe/Paris',
  ist: 'Asia/Kolkata',
  jst: 'Asia/Tokyo',
  aest: 'Australia/Sydney', aedt: 'Australia/Sydney',
};

function lookupTable(table: ReadonlyArray<readonly [number, readonly string[]]>): ReadonlyMap<string, number> {
  return new Map(table.flatMap(([value, names]) => names.map((name) => [name, value] as const)));
}

const DAYS = lookupTable(DAY_NAMES);
const MONTHS = lookupTable(MONTH_NAMES);

// ---------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------

export function textToCron(text: string): TextCron {
  if (looksLikeCron(text)) return { cronExpression: text.trim(), timezone: undefined };

  const { rest, timezone } = extractTimezone(text);
  if (looksLikeCron(rest)) return { cronExpression: rest.trim(), timezone };

  const schedule = readPhrase(rest, text);
  return { cronExpression: buildCron(schedule, text), timezone };
}

/** Five whitespace-separated fields of digits, `*`, `,`, `-`, `/` and 3-letter names (none in minute/hour). */
function looksLikeCron(text: string): boolean {
  const fields = text.trim().split(/\s+/);
  if (fields.length !== 5) return false;
  const field = /^(?:\*|\d+|[a-z]{3})(?:[-/,](?:\*|\d+|[a-z]{3}))*$/i;
  return fields.every((f, i) => field.test(f) && (i > 1 || !/[a-z]/i.test(f)));
}

function unreadable(text: string): ExpressionError {
  return new ExpressionError('text', `Could not read "${text}" as a schedule.`, { hint: EXAMPLES });
}

function reject(message: string, hint: string): ExpressionError {
  return new ExpressionError('text', message, { hint });
}

// ---------------------------------------------------------------------------
// Time zones
// ---------------------------------------------------------------------------

let knownZones: ReadonlyMap<string, string> | undefined;

function zoneByLowerName(): ReadonlyMap<string, string> {
  knownZones ??= new Map(['UTC', ...Intl.supportedValuesOf('timeZone')].map((zone) => [zone.toLowerCase(), zone]));
  return knownZones;
}

function isValidZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Canonical spelling of an IANA name, or undefined if it is not one. */
function resolveIanaZone(written: string): string | undefined {
  const known = zoneByLowerName().get(written.toLowerCase());
  if (known !== undefined) return known;
  if (!isValidZone(written)) return undefined;
  // A valid alias the runtime does not list (e.g. Asia/Kolkata on older ICU): keep the user's
  // casing, or title-case it if they typed it all in lower case.
  if (written !== written.toLowerCase()) return written;
  return written.replace(/(^|[/_-])([a-z])/g, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
}

function extractTimezone(text: string): { rest: string; timezone: string | undefined } {
  const words = text.trim().split(/\s+/);
  let timezone: string | undefined;
  const kept: string[] = [];
  for (const word of words) {
    const bare = word.replace(/^[(,;]+|[),;.]+$/g, '');
    let zone = TIMEZONE_ABBREVIATIONS[bare.toLowerCase()];
    if (zone === undefined && /^[a-z]+(?:\/[a-z0-9_+-]+)+$/i.test(bare)) {
      zone = resolveIanaZone(bare);
      if (zone === undefined) {
        throw reject(
          `"${bare}" is not a time zone this parser knows.`,
          'Use an IANA name such as "America/New_York", "Europe/London" or "Asia/Kolkata", or "UTC".',
        );
      }
    }
    if (zone === undefined) {
      kept.push(word);
      continue;
    }
    if (timezone !== undefined && timezone !== zone) {
      throw reject(
        `"${text}" names two time zones (${timezone} and ${zone}); a schedule runs in one.`,
        'Keep one time zone, e.g. "sundays at 5pm UTC".',
      );
    }
    timezone = zone;
    if (kept[kept.length - 1]?.toLowerCase() === 'in') kept.pop(); // "at 9am in Europe/London"
  }
  return { rest: kept.join(' '), timezone };
}

// ---------------------------------------------------------------------------
// Tokens and times
// ---------------------------------------------------------------------------

function tokenise(text: string): string[] {
  const normalised = text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/(^|[\s\d])([ap])\.\s?m\.?(?=\s|$|,)/g, '$1$2m') // a.m. / p.m.
    .replace(/\bo'?\s?clock\b/g, 'oclock')
    .replace(/(\d)\.(\d{2})\b/g, '$1:$2') // 9.30 → 9:30
    .replace(/&/g, ' and ')
    .replace(/[,;!?]/g, ' ')
    .replace(/\.(?=\s|$)/g, ' ');
  const token = /\d{1,2}:\d{2}(?:\s*[ap]m\b)?|\d+\s*[ap]m\b|:\d{2}\b|\d+(?:st|nd|rd|th)\b|\d+|[a-z]+|\S/g;
  return normalised.match(token) ?? [];
}

interface Time {
  hour: number;
  minute: number;
  /** A plain number such as "9" (no colon, no am/pm). */
  bare: boolean;
}

/**
 * Reads `9am`, `9:30`, `9:30 pm`, `14:15`, `noon`, `midnight` (and a plain `9` when allowBare).
 * Returns undefined for tokens that are not shaped like a time; throws for impossible times.
 */
function parseTime(token: string, allowBare: boolean): Time | undefined {
  if (token === 'noon' || token === 'midday') return { hour: 12, minute: 0, bare: false };
  if (token === 'midnight') return { hour: 0, minute: 0, bare: false };
  const match = /^(\d+)(?::(\d{2}))?\s*([ap]m)?$/.exec(token);
  if (!match) return undefined;
  const [, hourText = '', minuteText, meridiem] = match;
  const bare = minuteText === undefined && meridiem === undefined;
  if (bare && !allowBare) return undefined;
  let hour = Number(hourText);
  const minute = minuteText === undefined ? 0 : Number(minuteText);
  if (meridiem !== undefined) {
    if (hour < 1 || hour > 12) {
      throw reject(`"${token}" is not a time of day: with am/pm the hour goes from 1 to 12.`, TIME_EXAMPLES);
    }
    hour = (hour % 12) + (meridiem === 'pm' ? 12 : 0);
  } else if (hour > 23) {
    throw reject(`"${token}" is not a time of day: hours go from 0 to 23 (or 1 to 12 with am/pm).`, TIME_EXAMPLES);
  }
  if (minute > 59) {
    throw reject(`"${token}" is not a time of day: minutes go from 0 to 59.`, TIME_EXAMPLES);
  }
  return { hour, minute, bare };
}

function parseCount(token: string): number | undefined {
  if (/^\d+$/.test(token)) return Number(token);
  return NUMBER_WORDS[token];
}

function parseOrdinal(token: string): number | undefined {
  const match = /^(\d+)(?:st|nd|rd|th)$/.exec(token);
  return match ? Number(match[1]) : undefined;
}

// ---------------------------------------------------------------------------
// Phrase → schedule
// ---------------------------------------------------------------------------

type Period = 'day' | 'week' | 'month' | 'year';
const PERIOD_RANK: Readonly<Record<Period, number>> = { day: 0, week: 1, month: 2, year: 3 };

interface Schedule {
  minuteStep: number | undefined;
  hourStep: number | undefined;
  monthStep: number | undefined;
  /** "at :15", "15 minutes past". */
  minuteOfHour: number | undefined;
  times: Time[];
  /** Hours allowed by "between A and B", in order starting at A. */
  window: number[] | undefined;
  daysOfMonth: Set<number>;
  months: Set<number>;
  daysOfWeek: Set<number>;
  period: Period | undefined;
}

function readPhrase(phrase: string, original: string): Schedule {
  const tokens = tokenise(phrase);
  const s: Schedule = {
    minuteStep: undefined,
    hourStep: undefined,
    monthStep: undefined,
    minuteOfHour: undefined,
    times: [],
    window: undefined,
    daysOfMonth: new Set(),
    months: new Set(),
    daysOfWeek: new Set(),
    period: undefined,
  };
  const at = (k: number): string => tokens[k] ?? '';
  const addDayOfMonth = (day: number, written: string): void => {
    if (day < 1 || day > 31) {
      throw reject(`"${written}" is not a day of the month: days go from 1 to 31.`, 'Try "on the 1st of every month" or "on the 15th at 10:00".');
    }
    s.daysOfMonth.add(day);
  };

  let understood = false;
  let lastWasTime: boolean = false;
  let i = 0;
  while (i < tokens.length) {
    const tok = at(i);
    const next = at(i + 1);
    const prev = at(i - 1);
    const wasTime: boolean = lastWasTime;
    lastWasTime = false;

    if (tok === 'between' || (tok === 'from' && !DAYS.has(next))) {
      const start = parseTime(next, true);
      const end = RANGE_WORDS.has(at(i + 2)) || at(i + 2) === 'and' ? parseTime(at(i + 3), true) : undefined;
      if (!start || !end) throw unreadable(original);
      s.window = hourWindow(start, end, original);
      understood = true;
      i += 4;
      continue;
    }

    if (FILLER.has(tok)) {
      if (tok === 'and') lastWasTime = wasTime;
      i += 1;
      continue;
    }

    // "<count> <unit>": every 15 minutes, every 2 hours, 15 minutes past, every half hour.
    if ((tok === 'half' || tok === 'quarter') && (next === 'hour' || (next === 'an' && at(i + 2) === 'hour'))) {
      s.minuteStep = tok === 'half' ? 30 : 15;
      understood = true;
      i += next === 'an' ? 3 : 2;
      continue;
    }
    const count = parseCount(tok);
    const unit = UNITS[next];
    if (count !== undefined && unit !== undefined) {
      understood = true;
      i += 2;
      if (unit === 'minute' && (at(i) === 'past' || at(i) === 'after')) {
        if (count > 59) throw reject(`"${count} minutes past" is not a minute of the hour: minutes go from 0 to 59.`, 'Try "every hour at :15".');
        s.minuteOfHour = count;
        i += 1;
        if (at(i) === 'the' && at(i + 1) === 'hour') i += 2;
        continue;
      }
      applyStep(s, unit, count);
      continue;
    }

    // A unit or adverb on its own: every minute, hourly, every day, nightly, monthly…
    const lone = UNITS[tok];
    if (lone !== undefined) {
      applyStep(s, lone, 1);
      understood = true;
      i += 1;
      continue;
    }
    const adverb = ADVERBS[tok];
    if (adverb !== undefined) {
      adverb(s);
      understood = true;
      i += 1;
      continue;
    }

    if (tok === 'twice' || tok === 'once') {
      let j = i + 1;
      if (['a', 'per', 'each', 'every'].includes(at(j))) j += 1;
      if (at(j) !== 'day' && at(j) !== 'daily') throw unreadable(original);
      if (tok === 'twice') s.times.push({ hour: 0, minute: 0, bare: false }, { hour: 12, minute: 0, bare: false });
      setPeriod(s, 'day');
      understood = true;
      i = j + 1;
      continue;
    }

    if ((tok === 'first' || tok === 'last') && next === 'day') {
      if (tok === 'last') {
        throw reject(
          'Standard cron cannot say "the last day of the month" (months end on different days).',
          'Use "first day of every month at midnight", or a fixed day such as "on the 28th of every month".',
        );
      }
      s.daysOfMonth.add(1);
      understood = true;
      i += 2;
      continue;
    }

    if (tok === 'weekday' || tok === 'weekdays' || tok === 'weekend' || tok === 'weekends') {
      for (const d of tok.startsWith('weekday') ? [1, 2, 3, 4, 5] : [0, 6]) s.daysOfWeek.add(d);
      understood = true;
      i += 1;
      continue;
    }

    const day = DAYS.get(tok);
    if (day !== undefined) {
      const last = RANGE_WORDS.has(next) ? DAYS.get(at(i + 2)) : undefined;
      if (last === undefined) {
        s.daysOfWeek.add(day);
        i += 1;
      } else {
        for (let d = day; ; d = (d + 1) % 7) {
          s.daysOfWeek.add(d);
          if (d === last) break;
        }
        i += 3;
      }
      understood = true;
      continue;
    }

    const month = MONTHS.get(tok);
    if (month !== undefined) {
      s.months.add(month);
      understood = true;
      i += 1;
      const dayAfter = /^\d+$/.test(next) ? Number(next) : parseOrdinal(next);
      if (dayAfter !== undefined) {
        addDayOfMonth(dayAfter, next);
        i += 1;
      }
      continue;
    }

    const ordinal = parseOrdinal(tok);
    if (ordinal !== undefined) {
      addDayOfMonth(ordinal, tok);
      understood = true;
      i += 1;
      continue;
    }

    if (/^:\d{2}$/.test(tok)) {
      const minute = Number(tok.slice(1));
      if (minute > 59) throw reject(`"${tok}" is not a minute of the hour: minutes go from 0 to 59.`, 'Try "every hour at :15".');
      s.minuteOfHour = minute;
      understood = true;
      i += 1;
      continue;
    }

    // A number right before a month name is a day: "1 january".
    if (/^\d+$/.test(tok) && MONTHS.has(next)) {
      addDayOfMonth(Number(tok), tok);
      understood = true;
      i += 1;
      continue;
    }

    // Times: "9am", "9:30 pm", "noon", "9 o'clock", or a plain "9" after "at" (or "and" in a list of times).
    const oclock = next === 'oclock';
    const time = parseTime(tok, oclock || prev === 'at' || (prev === 'and' && wasTime));
    if (time !== undefined) {
      s.times.push(time);
      understood = true;
      lastWasTime = true;
      i += oclock ? 2 : 1;
      continue;
    }

    throw unreadable(original);
  }

  if (!understood) throw unreadable(original);
  return s;
}

const ADVERBS: Readonly<Record<string, (s: Schedule) => void>> = {
  hourly: (s) => applyStep(s, 'hour', 1),
  daily: (s) => applyStep(s, 'day', 1),
  nightly: (s) => applyStep(s, 'day', 1),
  weekly: (s) => applyStep(s, 'week', 1),
  monthly: (s) => applyStep(s, 'month', 1),
  quarterly: (s) => applyStep(s, 'month', 3),
  yearly: (s) => applyStep(s, 'year', 1),
  annually: (s) => applyStep(s, 'year', 1),
  annual: (s) => applyStep(s, 'year', 1),
};

/** Keeps the broadest period mentioned ("every day … every month" is monthly). */
function setPeriod(s: Schedule, p: Period): void {
  if (s.period === undefined || PERIOD_RANK[p] > PERIOD_RANK[s.period]) s.period = p;
}

/** "every N <unit>": checks that cron can repeat it at even gaps. */
function applyStep(s: Schedule, unit: Period | 'minute' | 'hour', n: number): void {
  if (n === 0) {
    throw reject(`"every 0 ${unit}s" would never run: the interval must be at least 1.`, `Try "every ${unit}" or "every 15 minutes".`);
  }
  switch (unit) {
    case 'minute':
      if (n % 60 === 0) return applyStep(s, 'hour', n / 60);
      if (n > 60) {
        throw reject(
          `Every ${n} minutes cannot be one cron expression: cron minute steps restart at the top of every hour, so a ${n}-minute gap cannot be kept.`,
          'Use "every hour" or "every 2 hours" instead, or create two schedules that together give the times you want.',
        );
      }
      if (60 % n !== 0) throw unevenStep(n, 'minute', 60, 'hour');
      s.minuteStep = n;
      return;
    case 'hour':
      if (n > 24 || 24 % n !== 0) throw unevenStep(n, 'hour', 24, 'day');
      s.hourStep = n;
      return;
    case 'day':
      if (n !== 1) {
        throw reject(
          `Every ${n} days cannot be one cron expression: cron day steps restart on the 1st of every month, so the gap breaks at each month end.`,
          'Use "daily", chosen weekdays such as "mondays and thursdays", or days of the month such as "on the 1st and 15th".',
        );
      }
      setPeriod(s, 'day');
      return;
    case 'week':
      if (n !== 1) {
        throw reject(
          `Every ${n} weeks cannot be one cron expression: cron has no way to skip weeks.`,
          'Use "weekly", "every monday", or days of the month such as "on the 1st and 15th".',
        );
      }
      setPeriod(s, 'week');
      return;
    case 'month':
      if (n > 12 || 12 % n !== 0) {
        throw reject(
          `Every ${n} months cannot be one cron expression: cron month steps restart each January, so the gap would be uneven.`,
          'Use "monthly", "every 3 months" or "every 6 months".',
        );
      }
      if (n > 1) s.monthStep = n;
      setPeriod(s, 'month');
      return;
    case 'year':
      if (n !== 1) {
        throw reject(`Every ${n} years cannot be one cron expression: cron has no year field.`, 'Use "yearly" or "every year on january 1st at midnight".');
      }
      setPeriod(s, 'year');
      return;
  }
}

function unevenStep(n: number, unit: 'minute' | 'hour', cycle: number, resetsEach: 'hour' | 'day'): ExpressionError {
  const divisors = [...Array(cycle - 1).keys()].map((k) => k + 2).filter((d) => cycle % d === 0 && d < cycle);
  const below = divisors.filter((d) => d < n).pop();
  const above = divisors.find((d) => d > n);
  const suggestions = [below, above].filter((d) => d !== undefined).map((d) => `"every ${d} ${unit}s"`);
  const why =
    n > cycle
      ? `it is longer than a${unit === 'hour' ? ' day' : 'n hour'}, and cron ${unit} steps restart at the start of every ${resetsEach}`
      : `cron ${unit} steps restart at the start of every ${resetsEach}, so the gap across ${resetsEach === 'hour' ? 'the top of each hour' : 'midnight'} would be ${cycle - Math.floor((cycle - 1) / n) * n} ${unit}s instead of ${n}`;
  return reject(
    `Every ${n} ${unit}s cannot be one cron expression: ${why}.`,
    `Use a step that divides ${cycle} evenly, such as ${suggestions.join(' or ') || `"every ${resetsEach}"`}.`,
  );
}

/** "between 9am and 5pm" → hours 9..16 (the end hour itself is excluded when it is on the hour). */
function hourWindow(start: Time, end: Time, original: string): number[] {
  if (start.minute !== 0) {
    throw reject(
      `"${original}" starts its window at ${start.hour}:${String(start.minute).padStart(2, '0')}, but cron can only limit a schedule to whole hours.`,
      'Start the window on the hour, e.g. "every 30 minutes between 9am and 5pm".',
    );
  }
  let endHour = end.hour;
  // "between 9 and 5" means 9am to 5pm.
  if (start.bare && end.bare && endHour < start.hour && endHour + 12 > start.hour) endHour += 12;
  const last = end.minute === 0 ? (endHour + 23) % 24 : endHour;
  const hours: number[] = [];
  for (let h = start.hour; ; h = (h + 1) % 24) {
    hours.push(h);
    if (h === last) break;
  }
  return hours;
}

// ---------------------------------------------------------------------------
// Schedule → cron
// ---------------------------------------------------------------------------

/** Ascending, de-duplicated list; runs of three or more become ranges ("1-5"); the full range is "*". */
function formatList(values: Iterable<number>, min: number, max: number): string {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  if (sorted.length === max - min + 1) return '*';
  const parts: string[] = [];
  for (let k = 0; k < sorted.length; ) {
    let end = k;
    while (end + 1 < sorted.length && sorted[end + 1] === (sorted[end] ?? 0) + 1) end += 1;
    const first = sorted[k] ?? 0;
    const lastValue = sorted[end] ?? 0;
    if (end - k >= 2) parts.push(`${first}-${lastValue}`);
    else parts.push(...sorted.slice(k, end + 1).map(String));
    k = end + 1;
  }
  return parts.join(',');
}

function describeTime(t: Time): string {
  return `${t.hour}:${String(t.minute).padStart(2, '0')}`;
}

function buildCron(s: Schedule, original: string): string {
  const [minute, hour] = timeFields(s, original);

  if (s.daysOfMonth.size > 0 && s.daysOfWeek.size > 0) {
    throw reject(
      'Cron runs a schedule that names both a day of the month and a weekday when EITHER one matches, so it would run far more often than you meant.',
      'Choose one: "on the 1st of every month" or "every monday".',
    );
  }
  for (const day of s.daysOfMonth) {
    const months = s.months.size > 0 ? [...s.months] : [...Array(12).keys()].map((m) => m + 1);
    if (months.every((m) => day > (DAY_IN_MONTH_MAX[m - 1] ?? 31))) {
      throw reject(`"${original}" would never run: no chosen month has a day ${day}.`, 'Try "every year on january 1st at midnight".');
    }
  }

  const yearly = s.period === 'year';
  const monthly = s.period === 'month' || yearly;
  const dayOfMonth =
    s.daysOfMonth.size > 0 ? formatList(s.daysOfMonth, 1, 31) : monthly && s.daysOfWeek.size === 0 ? '1' : '*';
  const month =
    s.months.size > 0 ? formatList(s.months, 1, 12) : s.monthStep !== undefined ? `*/${s.monthStep}` : yearly ? '1' : '*';
  const dayOfWeek = s.daysOfWeek.size > 0 ? formatList(s.daysOfWeek, 0, 6) : s.period === 'week' ? '0' : '*';
  return [minute, hour, dayOfMonth, month, dayOfWeek].join(' ');
}

function timeFields(s: Schedule, original: string): [string, string] {
  const hoursOf = (step: number): string => {
    if (s.window) return formatList(s.window.filter((_, k) => k % step === 0), 0, 23);
    if (step === 24) return '0';
    return step === 1 ? '*' : `*/${step}`;
  };
  const conflict = (repeat: string): ExpressionError =>
    reject(
      `"${original}" asks for ${repeat} and also at a fixed time of day; one cron expression cannot do both.`,
      'To repeat within part of the day, use a window such as "every 15 minutes between 9am and 5pm".',
    );

  if (s.minuteStep !== undefined) {
    if (s.times.length > 0 || s.minuteOfHour !== undefined) throw conflict(`every ${s.minuteStep} minutes`);
    if (s.hourStep !== undefined && s.hourStep !== 1) throw unreadable(original);
    return [s.minuteStep === 1 ? '*' : `*/${s.minuteStep}`, s.window ? formatList(s.window, 0, 23) : '*'];
  }
  if (s.hourStep !== undefined) {
    if (s.times.length > 0) throw conflict(s.hourStep === 1 ? 'every hour' : `every ${s.hourStep} hours`);
    return [String(s.minuteOfHour ?? 0), hoursOf(s.hourStep)];
  }
  if (s.minuteOfHour !== undefined) {
    if (s.times.length > 0) throw conflict(`:${String(s.minuteOfHour).padStart(2, '0')} past every hour`);
    return [String(s.minuteOfHour), hoursOf(1)];
  }
  if (s.window) {
    throw reject(
      `"${original}" gives a window of hours but not how often to run inside it.`,
      'Say how often, e.g. "every 30 minutes between 9am and 5pm on weekdays".',
    );
  }
  if (s.times.length === 0) return ['0', '0'];

  const minutes = new Set(s.times.map((t) => t.minute));
  const hours = new Set(s.times.map((t) => t.hour));
  const everyPairListed = [...minutes].every((m) => [...hours].every((h) => s.times.some((t) => t.minute === m && t.hour === h)));
  if (!everyPairListed) {
    throw reject(
      `The times ${s.times.map(describeTime).join(', ')} cannot share one cron expression: cron runs every listed minute in every listed hour.`,
      `Create one schedule per time, e.g. "at ${describeTime(s.times[0] ?? { hour: 9, minute: 0, bare: false })}" and "at ${describeTime(s.times[1] ?? { hour: 17, minute: 0, bare: false })}".`,
    );
  }
  return [formatList(minutes, 0, 59), formatList(hours, 0, 23)];
}
