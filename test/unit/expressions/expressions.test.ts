import { describe, expect, it } from 'vitest';
import vectors from '../../fixtures/cron-vectors.json' with { type: 'json' };
import beyond from '../../fixtures/calendar-and-rate-vectors.json' with { type: 'json' };
import {
  ExpressionError,
  minimumIntervalMinutes,
  nextRunsOfFields,
  nextRunsOfRate,
  nextRunsOfSchedulerExpression,
  parseCron,
  parseRate,
  parseSchedulerExpression,
  parseScheduledTime,
  parseTimezone,
  rateAnchor,
  resolveText,
  resolveTiming,
  toSchedulerAt,
  toSchedulerCron,
} from '#shared/expressions/index.ts';
import { thrownBy } from '../../support/rejections.ts';

const iso = (dates: Date[]): string[] => dates.map((date) => date.toISOString().replace('.000Z', 'Z'));
const runs = (cron: string, timezone: string, after: string, count = 5): string[] =>
  iso(nextRunsOfFields(parseCron(cron).fields, timezone, new Date(after), count));

const rejection = (action: () => unknown): ExpressionError => thrownBy(action, ExpressionError);

describe('conformance vectors', () => {
  it.each(vectors.valid)('fires "$cronExpression" in $timezone after $after at the reference instants', (vector) => {
    expect(runs(vector.cronExpression, vector.timezone, vector.after)).toEqual(vector.nextRuns);
  });

  it.each(vectors.valid)('the EventBridge expression of "$cronExpression" fires at the same instants', (vector) => {
    const timing = resolveTiming(vector, { now: new Date(vector.after) });
    const fromScheduler = nextRunsOfSchedulerExpression(timing.schedulerExpression, timing.schedulerTimezone, new Date(vector.after), 5);
    expect(iso(fromScheduler)).toEqual(vector.nextRuns);
  });

  it.each(vectors.invalid)('rejects "$cronExpression" with a reason', ({ cronExpression }) => {
    const error = rejection(() => parseCron(cronExpression));
    expect(error.field).toBe('cronExpression');
    expect(error.message.length).toBeGreaterThan(20);
  });

  it.each(vectors.text)('reads "$text" as $meaning and fires at the reference instants', (vector) => {
    const timing = resolveText(vector.text, { now: new Date(vector.after), after: new Date(vector.after) });
    expect(timing.cronExpression).toBe(vector.meaning);
    expect(timing.timezone).toBe(vector.timezone);
    expect(iso(timing.nextRuns)).toEqual(vector.nextRuns);
  });
});

describe('daylight saving time, as EventBridge Scheduler fires', () => {
  it.each([
    [
      'an hourly schedule skips the hour New York springs over',
      '0 * * * *',
      'America/New_York',
      '2026-03-08T05:30:00Z',
      ['2026-03-08T06:00:00Z', '2026-03-08T07:00:00Z', '2026-03-08T08:00:00Z'],
    ],
    [
      '03:00 in New York still fires on the spring-forward day',
      '0 3 * * *',
      'America/New_York',
      '2026-03-07T12:00:00Z',
      ['2026-03-08T07:00:00Z', '2026-03-09T07:00:00Z'],
    ],
    [
      '01:00 in New York fires once on the fall-back day, in daylight time',
      '0 1 * * *',
      'America/New_York',
      '2026-11-01T00:00:00Z',
      ['2026-11-01T05:00:00Z', '2026-11-02T06:00:00Z'],
    ],
    [
      'an hourly schedule fires the repeated New York hour once',
      '15 * * * *',
      'America/New_York',
      '2026-11-01T04:00:00Z',
      ['2026-11-01T04:15:00Z', '2026-11-01T05:15:00Z', '2026-11-01T07:15:00Z', '2026-11-01T08:15:00Z', '2026-11-01T09:15:00Z'],
    ],
    [
      '01:30 in London does not exist on 29 March 2026',
      '30 1 * * *',
      'Europe/London',
      '2026-03-28T12:00:00Z',
      ['2026-03-30T00:30:00Z', '2026-03-31T00:30:00Z'],
    ],
    [
      '01:30 in London fires at its first occurrence on 25 October 2026',
      '30 1 * * *',
      'Europe/London',
      '2026-10-24T12:00:00Z',
      ['2026-10-25T00:30:00Z', '2026-10-26T01:30:00Z'],
    ],
    [
      '02:30 in Sydney fires once when daylight time ends in April',
      '30 2 * * *',
      'Australia/Sydney',
      '2026-04-04T00:00:00Z',
      ['2026-04-04T15:30:00Z', '2026-04-05T16:30:00Z'],
    ],
    [
      '02:30 in Sydney does not exist when daylight time starts in October',
      '30 2 * * *',
      'Australia/Sydney',
      '2026-10-03T00:00:00Z',
      ['2026-10-04T15:30:00Z', '2026-10-05T15:30:00Z'],
    ],
    [
      'a 45-minute offset (Kathmandu, +05:45) shifts the UTC minute',
      '0 9 * * *',
      'Asia/Kathmandu',
      '2026-11-20T00:00:00Z',
      ['2026-11-20T03:15:00Z', '2026-11-21T03:15:00Z'],
    ],
    [
      'a 45-minute offset with daylight time (Chatham) skips 03:00 in September',
      '0 3 * * *',
      'Pacific/Chatham',
      '2026-09-26T00:00:00Z',
      ['2026-09-27T13:15:00Z', '2026-09-28T13:15:00Z'],
    ],
    [
      'a 45-minute offset with daylight time (Chatham) fires the repeated 03:00 once in April',
      '0 3 * * *',
      'Pacific/Chatham',
      '2026-04-04T00:00:00Z',
      ['2026-04-04T13:15:00Z', '2026-04-05T14:15:00Z', '2026-04-06T14:15:00Z'],
    ],
    ['a half-hour offset with daylight time (St Johns) skips 02:30', '30 2 * * *', 'America/St_Johns', '2026-03-07T12:00:00Z', ['2026-03-09T05:00:00Z']],
    [
      'half-hourly in Adelaide skips the repeated half hours in April',
      '0,30 2,3 * * *',
      'Australia/Adelaide',
      '2026-04-04T14:00:00Z',
      ['2026-04-04T15:30:00Z', '2026-04-04T16:00:00Z', '2026-04-04T17:30:00Z', '2026-04-04T18:00:00Z', '2026-04-05T16:30:00Z', '2026-04-05T17:00:00Z'],
    ],
  ])('%s', (_title, cron, timezone, after, expected) => {
    expect(runs(cron, timezone, after, expected.length)).toEqual(expected);
    const timing = resolveTiming({ cronExpression: cron, timezone }, { now: new Date(after), count: expected.length });
    expect(iso(nextRunsOfSchedulerExpression(timing.schedulerExpression, timezone, new Date(after), expected.length))).toEqual(expected);
  });
});

describe('parsing standard cron', () => {
  it.each([
    ['@hourly', '0 * * * *'],
    ['@daily', '0 0 * * *'],
    ['@weekly', '0 0 * * 0'],
    ['@monthly', '0 0 1 * *'],
    ['@yearly', '0 0 1 1 *'],
  ])('expands %s to "%s"', (macro, expression) => {
    expect(parseCron(macro).expression).toBe(expression);
  });

  it('reads 0 and 7 both as Sunday', () => {
    expect(parseCron('0 9 * * 0').fields.dayOfWeek).toEqual([0]);
    expect(parseCron('0 9 * * 7').fields.dayOfWeek).toEqual([0]);
    expect(parseCron('0 9 * * 5-7').fields.dayOfWeek).toEqual([0, 5, 6]);
  });

  it('reads month and day names in any case', () => {
    const { fields } = parseCron('0 9 * jan,Jul mon-FRI');
    expect(fields.month).toEqual([1, 7]);
    expect(fields.dayOfWeek).toEqual([1, 2, 3, 4, 5]);
  });

  it('names the field and its allowed values when a value is out of range', () => {
    const error = rejection(() => parseCron('0 24 * * *'));
    expect(error.message).toContain('hour field');
    expect(error.message).toContain('0–23');
  });

  it('explains why both day fields cannot be restricted and suggests two schedules', () => {
    const error = rejection(() => parseCron('0 9 1 * 1'));
    expect(error.message).toContain('EventBridge Scheduler cannot express that');
    expect(error.hint).toContain('two schedules');
  });

  it('treats a day field written out in full as restricted, as standard cron does', () => {
    expect(() => parseCron('0 9 1-31 * 1')).toThrow(ExpressionError);
  });

  it.each(['0 9 30 2 *', '0 9 31 4,6,9,11 *'])('rejects "%s" because it never fires', (expression) => {
    expect(rejection(() => parseCron(expression)).message).toContain('never fires');
  });

  it('accepts 29 February, which fires once in four years', () => {
    expect(runs('0 0 29 2 *', 'UTC', '2026-01-01T00:00:00Z', 1)).toEqual(['2028-02-29T00:00:00Z']);
  });

  it('rejects an unknown macro and an empty expression', () => {
    expect(rejection(() => parseCron('@reboot')).message).toContain('@reboot');
    expect(rejection(() => parseCron('  ')).message).toContain('empty');
  });
});

describe('minimum interval', () => {
  it('accepts every minute by default', () => {
    expect(() => resolveTiming({ cronExpression: '* * * * *' }, { now: new Date() })).not.toThrow();
  });

  it.each([
    ['*/5 * * * *', 5],
    ['0,5 * * * *', 5],
    ['55 9,10 * * *', 60],
    ['50 23 * * *', 1440],
  ])('measures the shortest gap of "%s" as %i minutes', (cronExpression, gap) => {
    expect(() => resolveTiming({ cronExpression }, { now: new Date(), minIntervalMinutes: gap })).not.toThrow();
    const error = rejection(() => resolveTiming({ cronExpression }, { now: new Date(), minIntervalMinutes: gap + 1 }));
    expect(error.message).toContain(`minimum interval is ${gap + 1} minutes`);
  });

  it('counts the gap across midnight when consecutive days fire', () => {
    expect(() => resolveTiming({ cronExpression: '55 23,0 * * *' }, { now: new Date(), minIntervalMinutes: 10 })).not.toThrow();
    expect(() => resolveTiming({ cronExpression: '55 0,23 * * *' }, { now: new Date(), minIntervalMinutes: 61 })).toThrow(ExpressionError);
    expect(() => resolveTiming({ cronExpression: '55 0,23 * * 1' }, { now: new Date(), minIntervalMinutes: 61 })).not.toThrow();
  });

  it('suggests a cadence that meets the minimum', () => {
    const error = rejection(() => resolveTiming({ cronExpression: '*/5 * * * *' }, { now: new Date(), minIntervalMinutes: 10 }));
    expect(error.hint).toContain('*/10 * * * *');
  });
});

describe('EventBridge Scheduler expressions', () => {
  it.each([
    ['0 9 * * *', 'cron(0 9 * * ? *)'],
    ['0 9 * * 1-5', 'cron(0 9 ? * MON-FRI *)'],
    ['30 14 * * 0', 'cron(30 14 ? * SUN *)'],
    ['0 9 * * 7', 'cron(0 9 ? * SUN *)'],
    ['0 9 * * 0,6', 'cron(0 9 ? * SUN,SAT *)'],
    ['0 9 * * 1,3,5', 'cron(0 9 ? * MON,WED,FRI *)'],
    ['0 9 * * */2', 'cron(0 9 ? * SUN,TUE,THU,SAT *)'],
    ['*/15 * * * *', 'cron(0/15 * * * ? *)'],
    ['5-59/15 * * * *', 'cron(5/15 * * * ? *)'],
    ['0 */2 * * *', 'cron(0 0/2 * * ? *)'],
    ['0 0 1 * *', 'cron(0 0 1 * ? *)'],
    ['0 0 1,15 * *', 'cron(0 0 1,15 * ? *)'],
    ['0 9 * JAN,JUL MON', 'cron(0 9 ? 1,7 MON *)'],
    ['0 9-17 * * *', 'cron(0 9-17 * * ? *)'],
    ['0 9,10 * * *', 'cron(0 9,10 * * ? *)'],
    ['0 0 1 */3 *', 'cron(0 0 1 1/3 ? *)'],
  ])('translates "%s" to %s', (cron, expected) => {
    expect(toSchedulerCron(parseCron(cron).fields)).toBe(expected);
  });

  it('never writes a numeric day of week', () => {
    for (let day = 0; day <= 7; day += 1) {
      const dow = /cron\(\S+ \S+ \S+ \S+ (\S+) \*\)/.exec(toSchedulerCron(parseCron(`0 9 * * ${day}`).fields))![1];
      expect(dow).toMatch(/^[A-Z]{3}$/);
    }
  });

  it('writes a one-time schedule as at() on the schedule timezone wall clock', () => {
    expect(toSchedulerAt(new Date('2026-12-01T14:00:00Z'), 'America/New_York')).toEqual({
      schedulerExpression: 'at(2026-12-01T09:00:00)',
      schedulerTimezone: 'America/New_York',
    });
  });

  it('writes the second 01:30 of a fall-back night in UTC, because the wall time would fire at the first', () => {
    expect(toSchedulerAt(new Date('2026-11-01T06:30:00Z'), 'America/New_York')).toEqual({
      schedulerExpression: 'at(2026-11-01T06:30:00)',
      schedulerTimezone: 'UTC',
    });
  });
});

describe('one-time schedules', () => {
  const now = new Date('2026-11-20T00:00:00Z');

  it.each([
    ['2026-12-01T09:00:00Z', '2026-12-01T09:00:00.000Z'],
    ['2026-12-01T09:00:00-05:00', '2026-12-01T14:00:00.000Z'],
    ['2026-12-01T09:00:00+0530', '2026-12-01T03:30:00.000Z'],
    ['2026-12-01T09:00Z', '2026-12-01T09:00:00.000Z'],
  ])('reads %s as %s', (input, expected) => {
    expect(parseScheduledTime(input, 'UTC', now).toISOString()).toBe(expected);
  });

  it('reads a time without an offset on the schedule timezone wall clock', () => {
    expect(parseScheduledTime('2026-12-01T09:00:00', 'America/New_York', now).toISOString()).toBe('2026-12-01T14:00:00.000Z');
  });

  it('rejects a wall time the clocks skip', () => {
    expect(rejection(() => parseScheduledTime('2027-03-14T02:30:00', 'America/New_York', now)).message).toContain('does not exist');
  });

  it.each(['2026-11-19T23:59:59Z', '2026-11-20T00:00:00Z'])('rejects %s as not in the future', (input) => {
    expect(rejection(() => parseScheduledTime(input, 'UTC', now)).message).toContain('in the past');
  });

  it('rejects an instant whose wall clock in the schedule timezone passes 9999-12-31T23:59:59, and accepts the last one', () => {
    expect(rejection(() => parseScheduledTime('9999-12-31T23:59:59Z', 'Asia/Kathmandu', now)).message).toContain('after the last time');
    expect(parseScheduledTime('9999-12-31T23:59:59Z', 'UTC', now).toISOString()).toBe('9999-12-31T23:59:59.000Z');
    expect(parseScheduledTime('9999-12-31T23:59:59', 'Asia/Kathmandu', now).toISOString()).toBe('9999-12-31T18:14:59.000Z');
  });

  it.each(['tomorrow', '2026-02-30T09:00:00Z', '2026-12-01T25:00:00Z', '1733043600'])('rejects %s as not a date and time', (input) => {
    expect(rejection(() => parseScheduledTime(input, 'UTC', now)).field).toBe('scheduledTime');
  });

  it('resolves a one-time schedule with its single fire time and description', () => {
    const timing = resolveTiming({ scheduledTime: '2026-12-01T14:00:00Z', timezone: 'America/New_York' }, { now });
    expect(timing).toEqual({
      scheduleType: 'one-time',
      scheduledTime: '2026-12-01T14:00:00Z',
      timezone: 'America/New_York',
      schedulerExpression: 'at(2026-12-01T09:00:00)',
      schedulerTimezone: 'America/New_York',
      description: 'Once, at 2026-12-01 09:00:00 (America/New_York)',
      nextRuns: [new Date('2026-12-01T14:00:00Z')],
    });
  });
});

describe('timezones and descriptions', () => {
  it('defaults to UTC and keeps canonical spelling', () => {
    expect(parseTimezone(undefined)).toBe('UTC');
    expect(parseTimezone('america/new_york')).toBe('America/New_York');
  });

  it.each(['Mars/Olympus_Mons', 'EST5EDT; DROP', 'New York'])('rejects the unknown timezone %s', (timezone) => {
    const error = rejection(() => parseTimezone(timezone));
    expect(error.field).toBe('timezone');
    expect(error.hint).toContain('America/New_York');
  });

  it('describes a recurring schedule in words with its timezone', () => {
    const timing = resolveTiming({ cronExpression: '0 9 * * 1-5', timezone: 'America/New_York' }, { now: new Date('2026-11-20T00:00:00Z') });
    expect(timing.description).toBe('At 09:00, Monday through Friday (America/New_York)');
  });

  it('refuses a schedule with both or neither of cronExpression and scheduledTime', () => {
    const now = new Date();
    expect(rejection(() => resolveTiming({ cronExpression: '0 9 * * *', scheduledTime: '2099-01-01T00:00:00Z' }, { now })).message).toContain('not both');
    expect(rejection(() => resolveTiming({}, { now })).message).toContain('needs a cronExpression');
  });
});

describe('calendar forms: L, nW, nL and n#k', () => {
  it.each(beyond.calendar)('fires "$cronExpression" in $timezone after $after at the reference instants', (vector) => {
    expect(runs(vector.cronExpression, vector.timezone, vector.after)).toEqual(vector.nextRuns);
  });

  it.each(beyond.calendar)('translates "$cronExpression" to $schedulerExpression, which fires at the same instants', (vector) => {
    const timing = resolveTiming(vector, { now: new Date(vector.after) });
    expect(timing.schedulerExpression).toBe(vector.schedulerExpression);
    expect(timing.description).toBe(vector.description);
    const fromScheduler = nextRunsOfSchedulerExpression(timing.schedulerExpression, timing.schedulerTimezone, new Date(vector.after), 5);
    expect(iso(fromScheduler)).toEqual(vector.nextRuns);
  });

  it.each([
    ['0 17 L * *', 'cron(0 17 L * ? *)'],
    ['0 17 l * *', 'cron(0 17 L * ? *)'],
    ['0 9 L 2 *', 'cron(0 9 L 2 ? *)'],
    ['*/15 9-17 L * *', 'cron(0/15 9-17 L * ? *)'],
    ['0 9 15W * *', 'cron(0 9 15W * ? *)'],
    ['0 9 1w * *', 'cron(0 9 1W * ? *)'],
    ['0 9 28W 1,7 *', 'cron(0 9 28W 1,7 ? *)'],
    ['0 16 * * 5L', 'cron(0 16 ? * 6L *)'],
    ['0 16 * * FRIL', 'cron(0 16 ? * 6L *)'],
    ['0 16 * * fril', 'cron(0 16 ? * 6L *)'],
    ['0 16 * * 7L', 'cron(0 16 ? * 1L *)'],
    ['0 16 * * SUNL', 'cron(0 16 ? * 1L *)'],
    ['0 16 * * 6L', 'cron(0 16 ? * 7L *)'],
    ['0 9 * * 1#2', 'cron(0 9 ? * 2#2 *)'],
    ['0 9 * * MON#2', 'cron(0 9 ? * 2#2 *)'],
    ['0 9 * * 7#1', 'cron(0 9 ? * 1#1 *)'],
    ['0 9 * * sun#1', 'cron(0 9 ? * 1#1 *)'],
    ['0 9 * * 6#5', 'cron(0 9 ? * 7#5 *)'],
    ['30 10 * JAN,JUL 2#2', 'cron(30 10 ? 1,7 3#2 *)'],
  ])('translates "%s" to %s (EventBridge numbers Sunday 1)', (cron, expected) => {
    expect(toSchedulerCron(parseCron(cron).fields)).toBe(expected);
  });

  it('no longer reads "0 9 * * 5L" as every Friday: it is the last Friday of each month', () => {
    const timing = resolveTiming({ cronExpression: '0 9 * * 5L' }, { now: new Date('2026-11-01T00:00:00Z'), count: 3 });
    expect(timing.schedulerExpression).toBe('cron(0 9 ? * 6L *)');
    expect(iso(timing.nextRuns)).toEqual(['2026-11-27T09:00:00Z', '2026-12-25T09:00:00Z', '2027-01-29T09:00:00Z']);
  });

  it('no longer reads "0 9 * * 1#2" as every Monday: it is the second Monday of each month', () => {
    expect(runs('0 9 * * 1#2', 'UTC', '2026-11-01T00:00:00Z', 3)).toEqual(['2026-11-09T09:00:00Z', '2026-12-14T09:00:00Z', '2027-01-11T09:00:00Z']);
  });

  it('keeps within the month for 1W (a Saturday 1st moves to Monday the 3rd) and for a Sunday on the last day', () => {
    // 1 August 2026 is a Saturday; 28 February 2027 is a Sunday, so 28W then is Friday the 26th.
    expect(runs('0 9 1W 8 *', 'UTC', '2026-07-01T00:00:00Z', 1)).toEqual(['2026-08-03T09:00:00Z']);
    expect(runs('0 9 28W 2 *', 'UTC', '2027-01-01T00:00:00Z', 1)).toEqual(['2027-02-26T09:00:00Z']);
  });

  it('skips a month without a fifth such weekday: a fifth Monday in February needs a leap year starting on a Monday', () => {
    const { fields } = parseCron('0 9 * 2 1#5');
    expect(nextRunsOfFields(fields, 'UTC', new Date('2026-01-01T00:00:00Z'), 1)).toEqual([]);
    expect(iso(nextRunsOfFields(fields, 'UTC', new Date('2026-01-01T00:00:00Z'), 1, { horizonYears: 30 }))).toEqual(['2044-02-29T09:00:00Z']);
  });

  it.each(beyond.invalid)('refuses "$cronExpression", naming the $mentions, with a working example', ({ cronExpression, mentions, example }) => {
    const error = rejection(() => parseCron(cronExpression));
    expect(error.field).toBe('cronExpression');
    expect(error.message).toContain(mentions);
    expect(error.hint).toContain(example);
    expect(() => parseCron(example)).not.toThrow();
  });

  it('refuses every example in the refusal hints that is not a working cron: each quoted cron in a hint parses', () => {
    for (const { cronExpression } of beyond.invalid) {
      const hint = rejection(() => parseCron(cronExpression)).hint ?? '';
      for (const [, quoted] of hint.matchAll(/"([^"]+)"/g)) {
        if (quoted!.split(' ').length === 5) expect(() => parseCron(quoted!), `${quoted} in the hint for ${cronExpression}`).not.toThrow();
      }
    }
  });

  it.each(['0 9 * * 5X', '0 9 * * 5#L', '0 9 * * FRI#L', '0 9 L/2 * *', '0 9 1-5W * *', '0 9 15W,L * *', '0 9 * * L5', '0 9 * * #2', '0 9 * * 1#'])(
    'refuses "%s": a form EventBridge does not document is never read as another',
    (cron) => {
      expect(rejection(() => parseCron(cron)).field).toBe('cronExpression');
    },
  );

  it('counts a calendar form as firing at most once a day for the minimum interval', () => {
    expect(minimumIntervalMinutes(parseCron('0 9 L * *').fields)).toBe(1440);
    expect(minimumIntervalMinutes(parseCron('0 9,21 * * 5L').fields)).toBe(720);
    expect(minimumIntervalMinutes(parseCron('*/5 * 15W * *').fields)).toBe(5);
    expect(() => resolveTiming({ cronExpression: '*/5 * L * *' }, { now: new Date(), minIntervalMinutes: 10 })).toThrow(/minimum interval is 10/);
  });

  it.each([
    ['0 9 L * *', 'At 09:00, on the last day of the month (UTC)'],
    ['0 9 15W * *', 'At 09:00, on the weekday nearest day 15 of the month (UTC)'],
    ['0 16 * * fril', 'At 16:00, on the last Friday of the month (UTC)'],
    ['0 9 * * mon#2', 'At 09:00, on the second Monday of the month (UTC)'],
    ['0 9 * * 7#1', 'At 09:00, on the first Sunday of the month (UTC)'],
  ])('describes "%s" as "%s"', (cronExpression, description) => {
    expect(resolveTiming({ cronExpression }, { now: new Date('2026-11-20T00:00:00Z') }).description).toBe(description);
  });

  it('reads back every calendar form it writes, for the local scheduler', () => {
    expect(parseSchedulerExpression('cron(0 16 ? * 6L *)')).toEqual({ kind: 'cron', pattern: '0 16 * * 5#L' });
    expect(parseSchedulerExpression('cron(0 9 ? * 2#2 *)')).toEqual({ kind: 'cron', pattern: '0 9 * * 1#2' });
    expect(parseSchedulerExpression('cron(0 9 15W * ? *)')).toEqual({ kind: 'cron', pattern: '0 9 15W * *' });
    expect(parseSchedulerExpression('cron(0 9 ? * MON-FRI *)')).toEqual({ kind: 'cron', pattern: '0 9 * * MON-FRI' });
    expect(() => parseSchedulerExpression('cron(0 9 ? * L *)')).toThrow(ExpressionError);
  });
});

describe('interval (rate) schedules', () => {
  it.each(beyond.rate)('resolves $schedulerExpression anchored at $anchor, sent with StartDate $startDate', (vector) => {
    const { input, now, schedulerExpression, rate, anchor, startDate, description, nextRuns } = vector;
    const timing = resolveTiming(input, { now: new Date(now) });
    expect(timing).toMatchObject({ scheduleType: 'recurring', schedulerExpression, schedulerTimezone: input.timezone, rate, description });
    expect(timing.cronExpression).toBeUndefined();
    expect(timing.anchor?.toISOString()).toBe(new Date(anchor).toISOString());
    expect(timing.startDate?.toISOString()).toBe(new Date(startDate).toISOString());
    expect(iso(timing.nextRuns)).toEqual(nextRuns);
  });

  it.each(beyond.rate)('the EventBridge expression $schedulerExpression with StartDate $startDate fires at the same instants', (vector) => {
    const fromScheduler = nextRunsOfSchedulerExpression(vector.schedulerExpression, vector.input.timezone, new Date(vector.now), 5, {
      startDate: new Date(vector.startDate),
    });
    expect(iso(fromScheduler)).toEqual(vector.nextRuns);
  });

  it.each([
    ['90 minutes', 'rate(90 minutes)', 90],
    ['1 minute', 'rate(1 minute)', 1],
    ['1 minutes', 'rate(1 minute)', 1],
    ['2 hours', 'rate(2 hours)', 120],
    ['1 hour', 'rate(1 hour)', 60],
    ['14 days', 'rate(14 days)', 20160],
    ['1 week', 'rate(7 days)', 10080],
    ['2 weeks', 'rate(14 days)', 20160],
    ['rate(90 minutes)', 'rate(90 minutes)', 90],
    ['  RATE( 3  Days ) ', 'rate(3 days)', 4320],
  ])('reads "%s" as %s', (text, expression, minutes) => {
    expect(parseRate(text)).toMatchObject({ expression, minutes });
  });

  it.each([
    ['rate(0 minutes)', /never run/],
    ['0 hours', /never run/],
    ['-5 minutes', /never run/],
    ['1.5 hours', /not a whole number/],
    ['rate(2.5 days)', /not a whole number/],
    ['90', /number and a unit/],
    ['rate(90 minutes', /number and a unit/],
    ['30 seconds', /at most once a minute/],
    ['1 month', /months and years differ/],
    ['3 fortnights', /minutes, hours, days or weeks/],
  ])('refuses the interval "%s", naming the field', (text, why) => {
    const error = rejection(() => resolveTiming({ rate: text }, { now: new Date() }));
    expect(error.field).toBe('rate');
    expect(error.message).toMatch(why);
    expect(error.hint).toMatch(/"90 minutes"|"\d+ minutes"/);
    const asCron = text.startsWith('rate(') ? text : `rate(${text})`;
    expect(rejection(() => resolveTiming({ cronExpression: asCron }, { now: new Date() })).field).toBe('cronExpression');
  });

  it('suggests the whole number of minutes for a fractional interval', () => {
    expect(rejection(() => parseRate('1.5 hours')).hint).toContain('"90 minutes"');
  });

  it('applies the minimum interval, naming the field', () => {
    expect(() => resolveTiming({ rate: '10 minutes' }, { now: new Date(), minIntervalMinutes: 10 })).not.toThrow();
    const error = rejection(() => resolveTiming({ rate: '9 minutes' }, { now: new Date(), minIntervalMinutes: 10 }));
    expect(error.field).toBe('rate');
    expect(error.message).toContain('minimum interval is 10 minutes');
    expect(error.hint).toContain('"10 minutes"');
    expect(rejection(() => resolveTiming({ cronExpression: 'rate(5 minutes)' }, { now: new Date(), minIntervalMinutes: 10 })).field).toBe('cronExpression');
  });

  it('anchors on the first whole minute after now, or on startAt rounded up to a whole minute', () => {
    expect(rateAnchor(undefined, new Date('2026-11-20T10:07:23.456Z')).toISOString()).toBe('2026-11-20T10:08:00.000Z');
    expect(rateAnchor(undefined, new Date('2026-11-20T10:07:00.000Z')).toISOString()).toBe('2026-11-20T10:08:00.000Z');
    expect(rateAnchor(new Date('2026-11-20T10:07:00Z'), new Date()).toISOString()).toBe('2026-11-20T10:07:00.000Z');
    expect(rateAnchor(new Date('2026-11-20T10:07:01Z'), new Date()).toISOString()).toBe('2026-11-20T10:08:00.000Z');
  });

  it('keeps the phase of a past anchor and sends its next run as the StartDate (EventBridge refuses one over 5 minutes old)', () => {
    const timing = resolveTiming({ rate: '14 days', startAt: '2026-01-05T09:00:00', timezone: 'Europe/Berlin' }, { now: new Date('2026-11-20T10:00:00Z') });
    expect(timing.anchor?.toISOString()).toBe('2026-01-05T08:00:00.000Z');
    expect(timing.startDate?.toISOString()).toBe('2026-11-23T08:00:00.000Z');
    expect(timing.nextRuns[0]?.toISOString()).toBe('2026-11-23T08:00:00.000Z');
  });

  it('sends now itself as the StartDate when now falls on a run of a past anchor', () => {
    const timing = resolveTiming({ rate: '1 hour', startAt: '2026-11-20T07:00:00Z' }, { now: new Date('2026-11-20T10:00:00Z'), count: 1 });
    expect(timing.startDate?.toISOString()).toBe('2026-11-20T10:00:00.000Z');
    expect(iso(timing.nextRuns)).toEqual(['2026-11-20T11:00:00Z']);
  });

  it('runs in absolute time: a daily rate in New York moves from 09:00 to 10:00 local when daylight saving time starts', () => {
    const timing = resolveTiming(
      { rate: '1 day', startAt: '2026-03-07T09:00:00', timezone: 'America/New_York' },
      { now: new Date('2026-03-01T00:00:00Z'), count: 2 },
    );
    expect(iso(timing.nextRuns)).toEqual(['2026-03-07T14:00:00Z', '2026-03-08T14:00:00Z']);
    expect(timing.description).toContain('their local time moves when daylight saving time starts or ends');
  });

  it('fires a repeated fall-back hour twice, unlike a cron, since the rate counts real hours', () => {
    const timing = resolveTiming(
      { rate: '1 hour', startAt: '2026-11-01T00:30:00', timezone: 'America/New_York' },
      { now: new Date('2026-11-01T00:00:00Z'), count: 4 },
    );
    // 00:30 EDT, 01:30 EDT, 01:30 EST, 02:30 EST.
    expect(iso(timing.nextRuns)).toEqual(['2026-11-01T04:30:00Z', '2026-11-01T05:30:00Z', '2026-11-01T06:30:00Z', '2026-11-01T07:30:00Z']);
  });

  it('describes an interval in words, adding the daylight saving note only where it applies', () => {
    const now = new Date('2026-11-20T10:07:23Z');
    expect(resolveTiming({ rate: '90 minutes' }, { now }).description).toBe('Every 90 minutes, starting Friday 2026-11-20 10:08 (UTC)');
    expect(resolveTiming({ rate: '1 hour', timezone: 'Asia/Kolkata' }, { now }).description).toBe(
      'Every hour, starting Friday 2026-11-20 15:38 (Asia/Kolkata)',
    );
    expect(resolveTiming({ rate: '7 minutes', timezone: 'Europe/London' }, { now }).description).toBe(
      'Every 7 minutes, starting Friday 2026-11-20 10:08 (Europe/London)',
    );
    expect(resolveTiming({ rate: '1 week', timezone: 'Europe/London' }, { now }).description).toBe(
      'Every week, starting Friday 2026-11-20 10:08 (Europe/London); runs are exactly 7 days apart, so their local time moves when daylight saving time starts or ends',
    );
  });

  it('lists runs strictly after `after`, within the horizon', () => {
    const rate = parseRate('90 minutes');
    const anchor = new Date('2026-11-20T10:00:00Z');
    expect(iso(nextRunsOfRate(rate, anchor, new Date('2026-11-20T11:30:00Z'), 2))).toEqual(['2026-11-20T13:00:00Z', '2026-11-20T14:30:00Z']);
    expect(iso(nextRunsOfRate(rate, anchor, new Date('2026-11-20T09:00:00Z'), 1))).toEqual(['2026-11-20T10:00:00Z']);
    expect(nextRunsOfRate(parseRate('3000 days'), anchor, new Date('2026-11-21T00:00:00Z'), 1)).toEqual([]);
  });

  it('needs the StartDate to list the fire times of a bare rate(…) expression, and reads only what it writes', () => {
    const error = rejection(() => nextRunsOfSchedulerExpression('rate(90 minutes)', 'UTC', new Date(), 1));
    expect(error.field).toBe('schedulerExpression');
    expect(error.message).toContain('StartDate');
    expect(parseSchedulerExpression('rate(1 day)')).toMatchObject({ kind: 'rate', rate: { value: 1, unit: 'day' } });
    for (const unwritten of ['rate(1 days)', 'rate(2 weeks)', 'rate(0 minutes)', 'rate(90 Minutes)']) {
      expect(() => parseSchedulerExpression(unwritten), unwritten).toThrow(ExpressionError);
    }
  });

  it('refuses a rate together with a cron or a one-time instant', () => {
    const now = new Date();
    expect(rejection(() => resolveTiming({ rate: '90 minutes', cronExpression: '0 9 * * *' }, { now })).field).toBe('rate');
    expect(rejection(() => resolveTiming({ rate: '90 minutes', scheduledTime: '2099-01-01T00:00:00Z' }, { now })).field).toBe('rate');
  });

  it('refuses a startAt that is not a date, naming the field', () => {
    expect(rejection(() => resolveTiming({ rate: '90 minutes', startAt: 'soon' }, { now: new Date() })).field).toBe('startAt');
    expect(
      rejection(() => resolveTiming({ cronExpression: '0 9 * * *', startAt: '2027-03-14T02:30:00', timezone: 'America/New_York' }, { now: new Date() })).field,
    ).toBe('startAt');
  });
});

describe('startAt with a cron or a one-time schedule', () => {
  const now = new Date('2026-11-20T00:00:00Z');

  it('fires a cron only at or after startAt, and sends it as the StartDate while it is ahead', () => {
    const timing = resolveTiming({ cronExpression: '0 9 * * *', startAt: '2026-12-01T09:00:00Z' }, { now, count: 2 });
    expect(iso(timing.nextRuns)).toEqual(['2026-12-01T09:00:00Z', '2026-12-02T09:00:00Z']);
    expect(timing.startDate?.toISOString()).toBe('2026-12-01T09:00:00.000Z');
    const past = resolveTiming({ cronExpression: '0 9 * * *', startAt: '2026-01-01T00:00:00Z' }, { now, count: 1 });
    expect(past.startDate).toBeUndefined();
    expect(iso(past.nextRuns)).toEqual(['2026-11-20T09:00:00Z']);
  });

  it('leaves a one-time schedule as it was: EventBridge ignores StartDate there', () => {
    const input = { scheduledTime: '2026-12-01T14:00:00Z', timezone: 'America/New_York' };
    expect(resolveTiming({ ...input, startAt: '2026-12-05T00:00:00Z' }, { now })).toEqual(resolveTiming(input, { now }));
  });
});

describe('text with calendar days and intervals', () => {
  it.each(beyond.text)('reads "$text" and fires at the reference instants', (vector) => {
    const timing = resolveText(vector.text, { now: new Date(vector.now), ...(vector.timezoneOption ? { timezone: vector.timezoneOption } : {}) });
    expect(timing.cronExpression).toBe(vector.cronExpression);
    expect(timing.rate).toBe(vector.rate);
    expect(timing.timezone).toBe(vector.timezone);
    expect(timing.schedulerExpression).toBe(vector.schedulerExpression);
    expect(timing.description).toBe(vector.description);
    expect(iso(timing.nextRuns)).toEqual(vector.nextRuns);
  });

  it('anchors "every 2 weeks on monday at 9:00" on the first Monday 09:00 at or after startAt', () => {
    const options = { now: new Date('2026-11-20T10:00:00Z'), timezone: 'Europe/Berlin', count: 2 };
    expect(iso(resolveText('every 2 weeks on monday at 9:00', { ...options, startAt: '2026-11-30T09:00:00' }).nextRuns)).toEqual([
      '2026-11-30T08:00:00Z',
      '2026-12-14T08:00:00Z',
    ]);
    expect(iso(resolveText('every 2 weeks on monday at 9:00', { ...options, startAt: '2026-11-30T09:01:00' }).nextRuns)).toEqual([
      '2026-12-07T08:00:00Z',
      '2026-12-21T08:00:00Z',
    ]);
  });

  it('skips a first run the clocks skip: "every 2 weeks on sunday at 2:30" in New York starts after 8 March 2026', () => {
    const timing = resolveText('every 2 weeks on sunday at 2:30', { now: new Date('2026-03-02T00:00:00Z'), timezone: 'America/New_York', count: 1 });
    expect(iso(timing.nextRuns)).toEqual(['2026-03-15T06:30:00Z']);
  });

  it('reads a rate(…) given as text, anchored at now', () => {
    const timing = resolveText('rate(2 hours)', { now: new Date('2026-11-20T10:07:23Z'), count: 1 });
    expect(timing).toMatchObject({ rate: '2 hours', schedulerExpression: 'rate(2 hours)' });
    expect(iso(timing.nextRuns)).toEqual(['2026-11-20T10:08:00Z']);
  });
});
