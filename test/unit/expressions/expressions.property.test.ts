// Property tests: the EventBridge expression sent to AWS and nextRuns agree, checked against a brute-force reference.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextRunsOfFields, nextRunsOfSchedulerExpression, parseCron, parseRate, resolveTiming, toSchedulerCron } from '#shared/expressions/index.ts';
import { NAMES, referenceRuns } from './eventbridge-reference.ts';

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
/** Every zone the expression tests cover: the property zones, and those of the DST table and the vectors. */
const ALL_ZONES = [...ZONES, 'Australia/Adelaide', 'Europe/Berlin'];
const DAY_MS = 86_400_000;

/** Minute-by-minute reference: fires at each instant whose wall time matches and has not been seen before. */
function bruteForce(schedulerExpression: string, zone: string, from: number, to: number): string[] {
  return referenceRuns(schedulerExpression, zone, from, to);
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

// ---------------------------------------------------------------------------
// Calendar forms: L, nW (day-of-month), nL, n#k (day-of-week)
// ---------------------------------------------------------------------------

/** A weekday as standard cron input writes it: 1–7 (7 = Sunday) or a name, any case. */
const weekdayToken = fc.oneof(
  fc.integer({ min: 1, max: 7 }).map(String),
  fc.constantFrom(...NAMES),
  fc.constantFrom(...NAMES).map((name) => name.toLowerCase()),
);
const dayRule: fc.Arbitrary<[string, string]> = fc.oneof(
  fc.constant<[string, string]>(['L', '*']),
  fc.integer({ min: 1, max: 28 }).map((day): [string, string] => [`${day}W`, '*']),
  weekdayToken.map((day): [string, string] => ['*', `${day}L`]),
  fc.tuple(weekdayToken, fc.integer({ min: 1, max: 5 })).map(([day, nth]): [string, string] => ['*', `${day}#${nth}`]),
);
const calendarExpression = fc
  .tuple(
    fc.oneof(fc.integer({ min: 0, max: 59 }).map(String), fc.constantFrom('0,30', '15,45', '*/20')),
    fc.oneof(fc.integer({ min: 0, max: 23 }).map(String), fc.constantFrom('1,2,3', '0-4', '*/6', '*')),
    dayRule,
    fc.oneof(
      fc.constant('*'),
      fc.constant('*'),
      fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { minLength: 3, maxLength: 8 }).map((months) => months.join(',')),
    ),
  )
  .map(([minute, hour, [dom, dow], month]) => `${minute} ${hour} ${dom} ${month} ${dow}`);

/** Starts of two-month windows that hold the DST changes of every zone above (March–April, September–November). */
const CALENDAR_WINDOWS = ['2026-02-20', '2026-03-01', '2026-03-25', '2026-08-25', '2026-09-20', '2026-10-15', '2027-01-25'].map((day) =>
  Date.parse(`${day}T00:00:00Z`),
);

describe('calendar forms: nextRuns, the EventBridge expression and the reference agree', () => {
  it('on random L, nW, nL and n#k expressions, in every zone, over two-month windows with DST changes', () => {
    fc.assert(
      fc.property(calendarExpression, fc.constantFrom(...ALL_ZONES), fc.constantFrom(...CALENDAR_WINDOWS), (cron, zone, from) => {
        const { fields } = parseCron(cron);
        const to = from + 62 * DAY_MS;
        const schedulerExpression = toSchedulerCron(fields);
        const reference = referenceRuns(schedulerExpression, zone, from, to);
        const within = (dates: Date[]): string[] => dates.map((date) => date.toISOString()).filter((run) => Date.parse(run) <= to);
        expect(within(nextRunsOfFields(fields, zone, new Date(from), reference.length + 1))).toEqual(reference);
        expect(within(nextRunsOfSchedulerExpression(schedulerExpression, zone, new Date(from), reference.length + 1))).toEqual(reference);
      }),
      { numRuns: 80 },
    );
  });

  // Times inside the DST changes: 01:00–03:00 holds the skipped and repeated hours of every zone here, and the two
  // seasons hold every change of 2026 (March–April: US, EU, Australia, Chatham; September–November: the reverse).
  const FORMS = ['30 2 L * *', '0 1 15W * *', '30 1 * * 7L', '0 3 * * SUN#1', '45 2 * * 7#2', '15 0,1,2,3 * * 6#5'];
  const SEASONS = [
    ['2026-03-01T00:00:00Z', '2026-04-15T00:00:00Z'],
    ['2026-09-15T00:00:00Z', '2026-11-10T00:00:00Z'],
  ].map(([from, to]) => [Date.parse(from!), Date.parse(to!)] as const);
  it.each(ALL_ZONES.flatMap((zone) => FORMS.map((cron) => [cron, zone])))(
    'fires "%s" in %s through the DST seasons of 2026 as the reference does',
    (cron, zone) => {
      const { fields } = parseCron(cron);
      let fired = 0;
      for (const [from, to] of SEASONS) {
        const reference = referenceRuns(toSchedulerCron(fields), zone, from, to);
        fired += reference.length;
        const computed = nextRunsOfFields(fields, zone, new Date(from), reference.length + 1).map((date) => date.toISOString());
        expect(computed.filter((run) => Date.parse(run) <= to)).toEqual(reference);
      }
      expect(fired).toBeGreaterThan(0);
    },
  );

  it('writes calendar forms as EventBridge documents them: one rule, "?" in the other day field, days numbered 1–7', () => {
    fc.assert(
      fc.property(calendarExpression, (cron) => {
        const [, , dom, , dow] = /^cron\((.+)\)$/.exec(toSchedulerCron(parseCron(cron).fields))![1]!.split(' ');
        if (dom === '?') expect(dow).toMatch(/^[1-7](L|#[1-5])$/);
        else expect([dom, dow]).toEqual([expect.stringMatching(/^(L|([1-9]|1\d|2[0-8])W)$/), '?']);
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------------------
// Rates: StartDate + k × interval
// ---------------------------------------------------------------------------

const rate = fc.oneof(
  fc.integer({ min: 1, max: 180 }).map((value) => `${value} minute${value === 1 ? '' : 's'}`),
  fc.integer({ min: 1, max: 48 }).map((value) => `${value} hour${value === 1 ? '' : 's'}`),
  fc.integer({ min: 1, max: 20 }).map((value) => `${value} day${value === 1 ? '' : 's'}`),
  fc.integer({ min: 1, max: 3 }).map((value) => `${value} week${value === 1 ? '' : 's'}`),
);

describe('rates: nextRuns and rate(…) with the StartDate sent agree with the reference', () => {
  it('on random intervals, anchors before and after now, timezones and DST weekends', () => {
    fc.assert(
      fc.property(
        rate,
        fc.integer({ min: -30 * 1440, max: 2 * 1440 }),
        fc.constantFrom(...ZONES),
        fc.constantFrom(...DST_DAYS),
        (interval, offset, zone, now) => {
          const startAt = new Date(now + offset * 60_000).toISOString();
          const timing = resolveTiming({ rate: interval, startAt, timezone: zone }, { now: new Date(now), count: 0 });
          const to = now + 3 * DAY_MS;
          // What EventBridge does with the expression and the StartDate it is sent.
          const reference = referenceRuns(timing.schedulerExpression, zone, now, to, timing.startDate!.getTime());
          const count = reference.length + 1;
          const within = (dates: Date[]): string[] => dates.map((date) => date.toISOString()).filter((run) => Date.parse(run) <= to);
          expect(within(resolveTiming({ rate: interval, startAt, timezone: zone }, { now: new Date(now), count }).nextRuns)).toEqual(reference);
          expect(within(nextRunsOfSchedulerExpression(timing.schedulerExpression, zone, new Date(now), count, { startDate: timing.startDate! }))).toEqual(
            reference,
          );
          // The StartDate sent keeps the anchor's phase and is never in the past.
          expect((timing.startDate!.getTime() - timing.anchor!.getTime()) % (parseRate(interval).minutes * 60_000)).toBe(0);
          expect(timing.startDate!.getTime()).toBeGreaterThanOrEqual(now);
        },
      ),
      { numRuns: 120 },
    );
  });
});
