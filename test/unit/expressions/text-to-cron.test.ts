import { describe, expect, it } from 'vitest';
import { ExpressionError } from '../../../shared/expressions/errors.ts';
import { readScheduleText, textToCron } from '../../../shared/expressions/text-to-cron/index.ts';
import { thrownBy } from '../../support/rejections.ts';

/** Runs textToCron expecting a failure and returns the ExpressionError it threw. */
const rejectionOf = (text: string): ExpressionError => thrownBy(() => textToCron(text), ExpressionError);

describe('textToCron', () => {
  describe('repeating intervals', () => {
    it.each([
      ['every minute', '* * * * *'],
      ['every 15 minutes', '*/15 * * * *'],
      ['every 5 mins', '*/5 * * * *'],
      ['every hour', '0 * * * *'],
      ['hourly', '0 * * * *'],
      ['every 2 hours', '0 */2 * * *'],
      ['every hour at :15', '15 * * * *'],
      ['every hour at 15 minutes past', '15 * * * *'],
      ['every 120 minutes', '0 */2 * * *'],
      ['every half hour', '*/30 * * * *'],
      ['every other hour', '0 */2 * * *'],
    ])('reads "%s" as %s', (text, cron) => {
      expect(textToCron(text)).toEqual({ cronExpression: cron, timezone: undefined });
    });
  });

  describe('daily times', () => {
    it.each([
      ['daily', '0 0 * * *'],
      ['every day', '0 0 * * *'],
      ['daily at 6pm', '0 18 * * *'],
      ['every day at 8am', '0 8 * * *'],
      ['every day at 8:05 pm', '5 20 * * *'],
      ['at noon every day', '0 12 * * *'],
      ['every night at midnight', '0 0 * * *'],
      ['twice a day', '0 0,12 * * *'],
      ['at 9am and 5pm every day', '0 9,17 * * *'],
      ['9am', '0 9 * * *'],
      ['at 7 a.m.', '0 7 * * *'],
      ["at 9 o'clock", '0 9 * * *'],
      ['at 9am, 12pm and 5pm', '0 9,12,17 * * *'],
    ])('reads "%s" as %s', (text, cron) => {
      expect(textToCron(text)).toEqual({ cronExpression: cron, timezone: undefined });
    });
  });

  describe('days of the week', () => {
    it.each([
      ['weekdays at 9:30', '30 9 * * 1-5'],
      ['weekends at 10am', '0 10 * * 0,6'],
      ['every monday at 9:30 am', '30 9 * * 1'],
      ['mondays at 9', '0 9 * * 1'],
      ['tuesdays and thursdays at 14:15', '15 14 * * 2,4'],
      ['mon, wed and fri at 7am', '0 7 * * 1,3,5'],
      ['every monday', '0 0 * * 1'],
      ['mon-fri at 8am', '0 8 * * 1-5'],
      ['  Every   MONDAY ,  at 9:30 AM ', '30 9 * * 1'],
    ])('reads "%s" as %s', (text, cron) => {
      expect(textToCron(text)).toEqual({ cronExpression: cron, timezone: undefined });
    });
  });

  describe('days of the month and year', () => {
    it.each([
      ['first day of every month at midnight', '0 0 1 * *'],
      ['on the 15th of every month at 10:00', '0 10 15 * *'],
      ['monthly', '0 0 1 * *'],
      ['every month on the 1st at 9am', '0 9 1 * *'],
      ['every year on january 1st at midnight', '0 0 1 1 *'],
      ['yearly', '0 0 1 1 *'],
      ['annually', '0 0 1 1 *'],
      ['on the 1st and 15th at 9am', '0 9 1,15 * *'],
    ])('reads "%s" as %s', (text, cron) => {
      expect(textToCron(text)).toEqual({ cronExpression: cron, timezone: undefined });
    });
  });

  describe('windows of hours', () => {
    it.each([
      ['every 30 minutes between 9am and 5pm on weekdays', '*/30 9-16 * * 1-5'],
      ['every 15 minutes from 9:00 to 17:30', '*/15 9-17 * * *'],
      ['every 2 hours between 9 and 5', '0 9,11,13,15 * * *'],
    ])('reads "%s" as %s, stopping before an end that falls on the hour', (text, cron) => {
      expect(textToCron(text)).toEqual({ cronExpression: cron, timezone: undefined });
    });
  });

  describe('time zones', () => {
    it.each([
      ['every weekday at 8:00 America/New_York', '0 8 * * 1-5', 'America/New_York'],
      ['sundays at 5pm UTC', '0 17 * * 0', 'UTC'],
      ['sundays 5pm UTC', '0 17 * * 0', 'UTC'],
      ['daily at 9am GMT', '0 9 * * *', 'UTC'],
      ['daily at 9am in europe/london', '0 9 * * *', 'Europe/London'],
      ['daily at 9am Asia/Kolkata', '0 9 * * *', 'Asia/Kolkata'],
      ['daily at 9am EST', '0 9 * * *', 'America/New_York'],
      ['daily at 9am pt', '0 9 * * *', 'America/Los_Angeles'],
      ['daily at 9am IST', '0 9 * * *', 'Asia/Kolkata'],
      ['daily at 9am CET', '0 9 * * *', 'Europe/Paris'],
      ['daily at 9am AEST', '0 9 * * *', 'Australia/Sydney'],
    ])('reads "%s" as %s in %s', (text, cron, timezone) => {
      expect(textToCron(text)).toEqual({ cronExpression: cron, timezone });
    });

    it('leaves the time zone undefined when the text names none', () => {
      expect(textToCron('daily at 9am').timezone).toBeUndefined();
    });
  });

  describe('text that is already cron', () => {
    it.each(['*/5 * * * *', '0 9 * * 1-5', '0 9 * * mon-fri', '30 2 1,15 jan *'])('returns "%s" unchanged with no time zone', (cron) => {
      expect(textToCron(cron)).toEqual({ cronExpression: cron, timezone: undefined });
    });
  });

  describe('rejections', () => {
    it.each(['daily constructor', 'every 2 toString', 'every constructor minutes', 'at 9 hasOwnProperty'])(
      'reads "%s" as text, never as a property of the word tables: refused naming the field',
      (text) => {
        const error = rejectionOf(text);
        expect(error.field).toBe('text');
      },
    );

    it.each(['banana', '', 'every', 'at 9am on pluto', 'sometimes maybe'])('rejects "%s" as unreadable and suggests phrases that work', (text) => {
      const error = rejectionOf(text);
      expect(error.field).toBe('text');
      expect(error.message).toBe(`Could not read "${text}" as a schedule.`);
      expect(error.hint).toContain('"every 15 minutes"');
    });

    it.each([
      ['at 25:00', /hours go from 0 to 23/],
      ['at 9:75', /minutes go from 0 to 59/],
      ['at 13pm', /1 to 12/],
      ['every 0 minutes', /never run/],
      ['every 0 hours', /never run/],
    ])('rejects the impossible value in "%s" and says why', (text, why) => {
      const error = rejectionOf(text);
      expect(error.field).toBe('text');
      expect(error.message).toMatch(why);
      expect(error.hint).toMatch(/^Try .*"[^"]+"/);
    });

    it.each(['every 61 minutes'])('rejects "%s" because minute steps restart every hour, suggesting every 2 hours or two schedules', (text) => {
      const error = rejectionOf(text);
      expect(error.field).toBe('text');
      expect(error.message).toMatch(/restart at the top of every hour/);
      expect(error.hint).toContain('"every 2 hours"');
      expect(error.hint).toMatch(/two schedules/);
    });

    it.each([
      ['every 7 minutes', /4 minutes instead of 7/, '"every 6 minutes" or "every 10 minutes"'],
      ['every 45 minutes', /15 minutes instead of 45/, '"every 30 minutes"'],
      ['every 5 hours', /4 hours instead of 5/, '"every 4 hours" or "every 6 hours"'],
      ['every 25 hours', /longer than a day/, '"every 12 hours"'],
    ])('rejects "%s" because the gap would be uneven, suggesting a step that divides evenly', (text, why, example) => {
      const error = rejectionOf(text);
      expect(error.field).toBe('text');
      expect(error.message).toMatch(why);
      expect(error.hint).toContain(example);
    });

    it.each([
      ['at 9:30 and 5pm', /every listed minute in every listed hour/, '"at 9:30"'],
      ['every 15 minutes at 9am', /cannot do both/, '"every 15 minutes between 9am and 5pm"'],
      ['between 9am and 5pm on weekdays', /not how often/, '"every 30 minutes between 9am and 5pm on weekdays"'],
      ['every 30 minutes between 9:30 and 5pm', /whole hours/, '"every 30 minutes between 9am and 5pm"'],
      ['on the 1st and every monday', /EITHER/, '"every monday"'],
      ['on the 32nd of every month', /days go from 1 to 31/, '"on the 1st of every month"'],
      ['every february 30th', /never run/, '"every year on january 1st at midnight"'],
      ['every 2 weeks', /skip weeks/, '"weekly"'],
      ['every 3 days', /restart on the 1st of every month/, '"daily"'],
      ['daily at 9am Mars/Olympus', /not a time zone/, '"America/New_York"'],
      ['daily at 9am UTC America/New_York', /two time zones/, '"sundays at 5pm UTC"'],
    ])('rejects "%s", which one cron expression cannot express, and names a working alternative', (text, why, example) => {
      const error = rejectionOf(text);
      expect(error.field).toBe('text');
      expect(error.message).toMatch(why);
      expect(error.hint).toContain(example);
    });
  });

  describe('calendar days beyond plain cron', () => {
    it.each([
      ['last day of every month at 17:00', '0 17 L * *'],
      ['last day of every month', '0 0 L * *'],
      ['on the last day of the month at 9am', '0 9 L * *'],
      ['last friday of the month at 4pm', '0 16 * * 5L'],
      ['last sunday of every month at 1:30', '30 1 * * 0L'],
      ['first monday of every month at 9', '0 9 * * 1#1'],
      ['second tuesday of each month at 10:30', '30 10 * * 2#2'],
      ['2nd tuesday of the month at 10:30', '30 10 * * 2#2'],
      ['fifth friday of the month at noon', '0 12 * * 5#5'],
      ['first monday of january at 9', '0 9 * 1 1#1'],
      ['last day of the year', '0 0 L 12 *'],
      ['every 15 minutes on the last day of the month', '*/15 * L * *'],
    ])('reads "%s" as %s', (text, cron) => {
      expect(textToCron(text)).toEqual({ cronExpression: cron, timezone: undefined });
    });

    it('reads "second tuesday of each month at 10:30 Europe/Berlin" with its time zone', () => {
      expect(textToCron('second tuesday of each month at 10:30 Europe/Berlin')).toEqual({ cronExpression: '30 10 * * 2#2', timezone: 'Europe/Berlin' });
    });

    it.each(['0 17 L * *', '0 9 15W * *', '0 16 * * 5L', '0 9 * * 1#2', '0 9 * * FRI#3'])('passes the cron "%s" through unchanged', (cron) => {
      expect(textToCron(cron)).toEqual({ cronExpression: cron, timezone: undefined });
    });

    it.each([
      ['6th monday of the month', /at most five/, '"first monday of every month at 9"'],
      ['first monday of the month and last friday of the month', /two weekdays of the month/, '"last friday of the month at 4pm"'],
      ['last day of the month on fridays', /not both/, '"last friday of the month at 4pm"'],
      ['first monday of the month on the 15th', /not both/, '"every monday"'],
      ['last day of the month and the 15th', /only on its own/, '"on the 15th of every month at 17:00"'],
    ])('rejects "%s" and names a working alternative', (text, why, example) => {
      const error = rejectionOf(text);
      expect(error.field).toBe('text');
      expect(error.message).toMatch(why);
      expect(error.hint).toContain(example);
    });

    it.each(['every second monday', 'last friday at 4pm'])('does not guess at "%s" (weekly or monthly?): unreadable', (text) => {
      expect(rejectionOf(text).message).toBe(`Could not read "${text}" as a schedule.`);
    });
  });

  describe('intervals cron cannot keep', () => {
    it.each([
      ['every 90 minutes', '90 minutes', undefined],
      ['every 72 minutes', '72 minutes', undefined],
      ['every 160 minutes', '160 minutes', undefined],
      ['every 2 weeks on monday at 9:00', '14 days', { weekday: 1, hour: 9, minute: 0 }],
      ['every other monday at 9am', '14 days', { weekday: 1, hour: 9, minute: 0 }],
      ['every other week on friday', '14 days', { weekday: 5, hour: 0, minute: 0 }],
      ['every 3 weeks on wednesday at 17:30', '21 days', { weekday: 3, hour: 17, minute: 30 }],
      ['every 3 days at 9am', '3 days', { hour: 9, minute: 0 }],
      ['every other day at 6pm', '2 days', { hour: 18, minute: 0 }],
      ['rate(90 minutes)', '90 minutes', undefined],
    ])('reads "%s" as an interval of %s', (text, rate, firstRun) => {
      expect(readScheduleText(text)).toEqual({ kind: 'rate', rate, schedulerExpression: `rate(${rate})`, firstRun, timezone: undefined });
    });

    it('keeps the time zone of an interval', () => {
      expect(readScheduleText('every other monday at 9am America/New_York')).toMatchObject({ kind: 'rate', rate: '14 days', timezone: 'America/New_York' });
    });

    it('gives "every 90 minutes" to textToCron callers as rate(90 minutes), which resolveTiming reads', () => {
      expect(textToCron('every 90 minutes')).toEqual({ cronExpression: 'rate(90 minutes)', timezone: undefined });
    });

    it('refuses an interval aligned to a weekday in textToCron, as a cron string cannot carry its start', () => {
      const error = rejectionOf('every 2 weeks on monday at 9:00');
      expect(error.field).toBe('text');
      expect(error.message).toContain('rate(14 days)');
      expect(error.message).toContain('Monday 09:00');
      expect(error.hint).toContain('resolveText');
    });

    it.each([
      ['every 100 minutes', /restart at the top of every hour/, '"every 2 hours"'],
      ['every 90 minutes at 9am', /exact gaps/, '"every 90 minutes"'],
      ['every 90 minutes between 9am and 5pm', /window of hours/, '"every 30 minutes between 9am and 5pm"'],
      ['every 90 minutes on weekdays', /weekdays/, '"every 90 minutes"'],
      ['every 2 weeks on monday and friday', /more than one weekday/, '"every 2 weeks on monday at 9:00"'],
      ['every other monday at 9am and 5pm', /more than one time of day/, '"every 2 weeks on monday at 9:00"'],
      ['every 2 weeks on the 1st', /days of the month/, '"every 2 weeks on monday at 9:00"'],
      ['every 3 days at 9am and 5pm', /more than one time of day/, '"every 3 days at 9am"'],
      ['every 3 days on mondays at 9am', /weekdays/, '"every 3 days at 9am"'],
    ])('rejects "%s" and names a working alternative', (text, why, example) => {
      const error = rejectionOf(text);
      expect(error.field).toBe('text');
      expect(error.message).toMatch(why);
      expect(error.hint).toContain(example);
    });

    it('still needs a weekday for "every 2 weeks" and a time for "every 3 days", and says how to give them', () => {
      expect(rejectionOf('every 2 weeks').hint).toContain('"every 2 weeks on monday at 9:00"');
      expect(rejectionOf('every 3 days').hint).toContain('"every 3 days at 9am"');
    });
  });
});
