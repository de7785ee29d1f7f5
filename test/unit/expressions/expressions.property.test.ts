// Property tests: the EventBridge expression sent to AWS and nextRuns agree, checked against a brute-force reference.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextRunsOfFields, parseCron, toSchedulerCron } from '#shared/expressions/index.ts';

const ZONES = [
  'UTC',
  'America/New_York',
  'Europe/London',
  'Australia/Sydney',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'America/St_Johns',
  'Australia/Lord_Howe',
];
const NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** Expands one EventBridge cron field to its values, the way the EventBridge documentation defines them. */
function expand(field: string, low: number, high: number, names: string[] = []): Set<number> | undefined {
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
function wallClock(instant: number, zone: string): number[] {
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

/** Minute-by-minute reference: fires at each instant whose wall time matches and has not been seen before. */
function bruteForce(schedulerExpression: string, zone: string, from: number, to: number): string[] {
  const [minute, hour, dom, month, dow] = /^cron\((.+) \*\)$/.exec(schedulerExpression)![1]!.split(' ');
  const sets = [expand(minute!, 0, 59), expand(hour!, 0, 23), expand(dom!, 1, 31), expand(month!, 1, 12), expand(dow!, 1, 7, NAMES)];
  const fired: string[] = [];
  const seen = new Set<string>();
  // Start three hours early so a wall time repeated after a fall-back is recognised as already seen.
  for (let instant = from - 3 * 3_600_000; instant <= to; instant += 60_000) {
    const wall = wallClock(instant, zone);
    const key = wall.join(' ');
    if (sets.every((set, index) => !set || set.has(wall[index]!)) && !seen.has(key) && instant > from) fired.push(new Date(instant).toISOString());
    seen.add(key);
  }
  return fired;
}

const field = (low: number, high: number): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constant('*'),
    fc.integer({ min: low, max: high }).map(String),
    fc.uniqueArray(fc.integer({ min: low, max: high }), { minLength: 2, maxLength: 4 }).map((values) => values.join(',')),
    fc.tuple(fc.integer({ min: low, max: high }), fc.integer({ min: low, max: high })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
    fc.integer({ min: 2, max: Math.max(2, Math.floor((high - low) / 2)) }).map((step) => `*/${step}`),
  );

// Dense enough that a 4-day window holds fire times: hours and days stay broad, months always "*".
const expression = fc
  .tuple(field(0, 59), field(0, 23), fc.oneof(fc.constant('*'), field(1, 28)), fc.oneof(fc.constant('*'), field(0, 7)))
  .filter(([, , dom, dow]) => dom === '*' || dow === '*')
  .map(([minute, hour, dom, dow]) => `${minute} ${hour} ${dom} * ${dow}`);

const DST_DAYS = [
  Date.parse('2026-03-07T00:00:00Z'),
  Date.parse('2026-03-28T00:00:00Z'),
  Date.parse('2026-04-03T00:00:00Z'),
  Date.parse('2026-09-26T00:00:00Z'),
  Date.parse('2026-10-03T00:00:00Z'),
  Date.parse('2026-10-24T00:00:00Z'),
  Date.parse('2026-10-31T00:00:00Z'),
  Date.parse('2026-11-20T00:00:00Z'),
];

describe('nextRuns and the EventBridge expression agree', () => {
  it('on random expressions, timezones and DST weekends, against a minute-by-minute reference', () => {
    fc.assert(
      fc.property(expression, fc.constantFrom(...ZONES), fc.constantFrom(...DST_DAYS), (cron, zone, from) => {
        const { fields } = parseCron(cron);
        const to = from + 2 * 86_400_000;
        const reference = bruteForce(toSchedulerCron(fields), zone, from, to);
        const computed = nextRunsOfFields(fields, zone, new Date(from), reference.length + 1)
          .map((date) => date.toISOString())
          .filter((run) => Date.parse(run) <= to);
        expect(computed).toEqual(reference);
      }),
      { numRuns: 60 },
    );
  });

  it('never puts a number in the EventBridge day-of-week field, nor restricts both day fields', () => {
    fc.assert(
      fc.property(expression, (cron) => {
        const [, , dom, , dow] = /^cron\((.+)\)$/.exec(toSchedulerCron(parseCron(cron).fields))![1]!.split(' ');
        expect(dow).toMatch(/^(\?|[A-Z]{3}([-,][A-Z]{3})*)$/);
        expect(dom === '?' || dow === '?').toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
