// A brute-force reference for EventBridge Scheduler expressions, written from AWS's documentation alone (no croner, no
// module code): it walks time minute by minute and fires where the expression matches the wall clock.
//   cron(m h dom mon dow year): day-of-week 1–7 with 1 = Sunday (or names); "L" in day-of-month is the month's last day,
//   "nW" the weekday (Mon–Fri) nearest day n without leaving the month, "nL" in day-of-week the month's last such
//   weekday, "n#k" its k-th. A wall time the clocks skip never fires; one that happens twice fires once, at the first.
//   rate(value unit): StartDate + k × interval, in absolute time (a day is 24 hours).

export const NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Expands one EventBridge cron field to its values, the way the EventBridge documentation defines them. */
export function expand(field: string, low: number, high: number, names: string[] = []): Set<number> | undefined {
  if (field === '*' || field === '?') return undefined;
  const value = (token: string): number => (names.includes(token) ? names.indexOf(token) + 1 : Number(token));
  const values = new Set<number>();
  for (const part of field.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    const [startText, endText] = range!.split('-');
    const start = startText === '*' ? low : value(startText!);
    const end = endText !== undefined ? value(endText) : stepText !== undefined ? high : start;
    for (let current = start; current <= end; current += step) values.add(current);
  }
  return values;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** [minute, hour, day, month, weekday (1 = Sunday), year] of an instant on the zone's wall clock. */
export function wallClock(instant: number, zone: string): number[] {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(zone, formatter);
  }
  const parts = Object.fromEntries(formatter.formatToParts(new Date(instant)).map((part) => [part.type, part.value]));
  return [
    Number(parts.minute),
    Number(parts.hour),
    Number(parts.day),
    Number(parts.month),
    NAMES.indexOf(parts.weekday!.toUpperCase()) + 1,
    Number(parts.year),
  ];
}

const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();
/** 1 = Sunday … 7 = Saturday. */
const weekdayOf = (year: number, month: number, day: number): number => new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;

/** The day "nW" falls on in a month, or undefined when the month has no day n. */
function nearestWeekday(year: number, month: number, n: number): number | undefined {
  const last = daysIn(year, month);
  if (n > last) return undefined;
  const weekday = weekdayOf(year, month, n);
  if (weekday === 7) return n === 1 ? 3 : n - 1; // Saturday: the Friday before, or Monday the 3rd for the 1st
  if (weekday === 1) return n === last ? n - 2 : n + 1; // Sunday: the Monday after, or the Friday before on the last day
  return n;
}

type DayTest = (year: number, month: number, day: number, weekday: number) => boolean;

function dayOfMonthTest(field: string): DayTest | undefined {
  if (field === 'L') return (year, month, day) => day === daysIn(year, month);
  const nearest = /^(\d+)W$/.exec(field);
  if (nearest) return (year, month, day) => day === nearestWeekday(year, month, Number(nearest[1]));
  const values = expand(field, 1, 31);
  return values && ((_year, _month, day) => values.has(day));
}

function weekdayNumber(token: string): number {
  return NAMES.includes(token) ? NAMES.indexOf(token) + 1 : Number(token);
}

function dayOfWeekTest(field: string): DayTest | undefined {
  const last = /^(\w+)L$/.exec(field);
  if (last) return (year, month, day, weekday) => weekday === weekdayNumber(last[1]!) && day + 7 > daysIn(year, month);
  const nth = /^(\w+)#(\d)$/.exec(field);
  if (nth) return (_year, _month, day, weekday) => weekday === weekdayNumber(nth[1]!) && Math.ceil(day / 7) === Number(nth[2]);
  const values = expand(field, 1, 7, NAMES);
  return values && ((_year, _month, _day, weekday) => values.has(weekday));
}

/** Minute-by-minute fire times of cron(…) after `from` up to `to` (ISO strings); days that cannot match are skipped an hour at a time. */
function cronRuns(expression: string, zone: string, from: number, to: number): string[] {
  const [minute, hour, dom, month, dow, year] = /^cron\((.+)\)$/.exec(expression)![1]!.split(' ');
  if (year !== '*') throw new Error(`the reference reads "*" years only: ${expression}`);
  const minutes = expand(minute!, 0, 59);
  const hours = expand(hour!, 0, 23);
  const months = expand(month!, 1, 12);
  const dayTests = [dayOfMonthTest(dom!), dayOfWeekTest(dow!)].filter((test) => test !== undefined);
  const dateMatches = (wall: number[]): boolean => (!months || months.has(wall[3]!)) && dayTests.every((test) => test(wall[5]!, wall[3]!, wall[2]!, wall[4]!));
  // Any wall clock within UTC day D shows D-1, D or D+1 (offsets stay within a day), so a UTC day none of whose
  // neighbouring dates can match is skipped by calendar arithmetic alone.
  const calendarMatches = (utcDay: number): boolean =>
    [-1, 0, 1].some((shift) => {
      const date = new Date((utcDay + shift) * DAY_MS);
      const [year, month, day] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
      return dateMatches([0, 0, day, month, date.getUTCDay() + 1, year]);
    });
  const fired: string[] = [];
  const seen = new Set<string>();
  // Start three hours early so a wall time repeated after a fall-back is recognised as already seen. A wall time
  // repeated on a day that does not match is skipped at both occurrences, so skipping whole hours is safe.
  for (let hourStart = from - 3 * HOUR_MS; hourStart <= to; hourStart += HOUR_MS) {
    if (!calendarMatches(Math.floor(hourStart / DAY_MS))) continue;
    if (!dateMatches(wallClock(hourStart, zone)) && !dateMatches(wallClock(hourStart + HOUR_MS - MINUTE_MS, zone))) continue;
    for (let instant = hourStart; instant < hourStart + HOUR_MS && instant <= to; instant += MINUTE_MS) {
      const wall = wallClock(instant, zone);
      const key = wall.join(' ');
      const matches = (!minutes || minutes.has(wall[0]!)) && (!hours || hours.has(wall[1]!)) && dateMatches(wall);
      if (matches && !seen.has(key) && instant > from) fired.push(new Date(instant).toISOString());
      seen.add(key);
    }
  }
  return fired;
}

/** Minute-by-minute fire times of rate(…) with a StartDate: every minute that is a whole number of intervals after it. */
function rateRuns(expression: string, startDate: number, from: number, to: number): string[] {
  const [, valueText, unit] = /^rate\((\d+) (minute|hour|day)s?\)$/.exec(expression)!;
  const intervalMs = Number(valueText) * { minute: 1, hour: 60, day: 1440 }[unit as 'minute' | 'hour' | 'day'] * MINUTE_MS;
  const fired: string[] = [];
  const first = from < startDate ? startDate : startDate + Math.ceil((from - startDate) / MINUTE_MS) * MINUTE_MS;
  for (let instant = first; instant <= to; instant += MINUTE_MS) {
    if (instant > from && (instant - startDate) % intervalMs === 0) fired.push(new Date(instant).toISOString());
  }
  return fired;
}

/** Fire times (ISO, with milliseconds) of an EventBridge expression strictly after `from`, up to `to`. */
export function referenceRuns(expression: string, zone: string, from: number, to: number, startDate?: number): string[] {
  if (expression.startsWith('rate(')) {
    if (startDate === undefined) throw new Error('a rate needs its StartDate');
    return rateRuns(expression, startDate, from, to);
  }
  return cronRuns(expression, zone, startDate !== undefined ? Math.max(from, startDate - 1) : from, to);
}
