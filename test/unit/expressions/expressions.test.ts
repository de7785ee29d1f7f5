import { describe, expect, it } from 'vitest';
import vectors from '../../fixtures/cron-vectors.json' with { type: 'json' };
import {
  ExpressionError,
  nextRunsOfFields,
  nextRunsOfSchedulerExpression,
  parseCron,
  parseScheduledTime,
  parseTimezone,
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
