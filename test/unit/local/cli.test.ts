import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import vectors from '../../fixtures/cron-vectors.json' with { type: 'json' };
import beyond from '../../fixtures/calendar-and-rate-vectors.json' with { type: 'json' };
import { runCli } from '#local/cli.ts';

const json = (output: string): Record<string, unknown> => JSON.parse(output) as Record<string, unknown>;

describe('cli preview', () => {
  it.each(vectors.valid)('previews "$cronExpression" in $timezone with the reference fire times', (vector) => {
    const { exitCode, output } = runCli(['preview', '--cron', vector.cronExpression, '--timezone', vector.timezone, '--after', vector.after]);
    expect(exitCode).toBe(0);
    const result = json(output);
    expect(result).toMatchObject({ timezone: vector.timezone, nextRuns: vector.nextRuns });
    expect(result.schedulerExpression).toMatch(/^cron\(.+ \*\)$/);
    expect(typeof result.description).toBe('string');
  });

  it.each(vectors.invalid)('rejects "$cronExpression" with exit 1 and a JSON error', ({ cronExpression }) => {
    const { exitCode, output } = runCli(['preview', '--cron', cronExpression]);
    expect(exitCode).toBe(1);
    expect(json(output)).toMatchObject({ error: { code: 'invalid_expression', field: 'cronExpression' } });
  });

  it('previews a one-time instant as at() in the timezone', () => {
    const { exitCode, output } = runCli(['preview', '--at', '2026-12-01T14:00:00Z', '--timezone', 'America/New_York', '--after', '2026-11-20T00:00:00Z']);
    expect(exitCode).toBe(0);
    expect(json(output)).toEqual({
      scheduledTime: '2026-12-01T14:00:00Z',
      timezone: 'America/New_York',
      schedulerExpression: 'at(2026-12-01T09:00:00)',
      description: 'Once, at 2026-12-01 09:00:00 (America/New_York)',
      nextRuns: ['2026-12-01T14:00:00Z'],
    });
  });

  it('applies --count and --min-interval', () => {
    expect(json(runCli(['preview', '--cron', '*/5 * * * *', '--count', '2', '--after', '2026-11-20T00:00:00Z']).output).nextRuns).toEqual([
      '2026-11-20T00:05:00Z',
      '2026-11-20T00:10:00Z',
    ]);
    expect(runCli(['preview', '--cron', '*/5 * * * *', '--min-interval', '10']).exitCode).toBe(1);
  });

  it.each([
    [['preview'], 'exactly one of --cron'],
    [['preview', '--cron', '* * * * *', '--count', 'many'], '--count'],
    [['preview', '--cron', '* * * * *', '--after', 'yesterday'], '--after'],
    [['frobnicate'], 'Unknown command'],
    [['preview', '--bogus'], 'bogus'],
  ])('answers bad usage %j with exit 2 and says what to do', (args, text) => {
    const { exitCode, output } = runCli(args);
    expect(exitCode).toBe(2);
    expect((json(output).error as { message: string }).message).toContain(text);
  });

  it('prints help with --help', () => {
    const { exitCode, output } = runCli(['--help']);
    expect(exitCode).toBe(0);
    expect(output).toContain('text-to-cron');
  });
});

describe('cli preview of calendar forms and intervals', () => {
  it.each(beyond.calendar)('previews "$cronExpression" in $timezone as $schedulerExpression', (vector) => {
    const { exitCode, output } = runCli(['preview', '--cron', vector.cronExpression, '--timezone', vector.timezone, '--after', vector.after]);
    expect(exitCode).toBe(0);
    expect(json(output)).toEqual({
      cronExpression: vector.cronExpression,
      timezone: vector.timezone,
      schedulerExpression: vector.schedulerExpression,
      description: vector.description,
      nextRuns: vector.nextRuns,
    });
  });

  it.each(beyond.rate)('previews $schedulerExpression anchored at $anchor', (vector) => {
    const { input } = vector;
    const args = ['preview', '--timezone', input.timezone, '--after', vector.now];
    if (input.rate !== undefined) args.push('--rate', input.rate);
    if (input.cronExpression !== undefined) args.push('--cron', input.cronExpression);
    if (input.startAt !== undefined) args.push('--start-at', input.startAt);
    const { exitCode, output } = runCli(args);
    expect(exitCode).toBe(0);
    expect(json(output)).toEqual({
      rate: vector.rate,
      anchor: vector.anchor,
      timezone: input.timezone,
      schedulerExpression: vector.schedulerExpression,
      startDate: vector.startDate,
      description: vector.description,
      nextRuns: vector.nextRuns,
    });
  });

  it('previews --rate "90 minutes" --start-at ISO, and --cron "rate(90 minutes)" the same way', () => {
    const common = ['--start-at', '2026-11-20T10:00:00Z', '--after', '2026-11-20T09:00:00Z', '--count', '2'];
    const byRate = json(runCli(['preview', '--rate', '90 minutes', ...common]).output);
    const byCron = json(runCli(['preview', '--cron', 'rate(90 minutes)', ...common]).output);
    expect(byRate).toEqual(byCron);
    expect(byRate).toMatchObject({
      schedulerExpression: 'rate(90 minutes)',
      startDate: '2026-11-20T10:00:00Z',
      nextRuns: ['2026-11-20T10:00:00Z', '2026-11-20T11:30:00Z'],
    });
  });

  it('sends a cron with a future --start-at from that StartDate on', () => {
    const result = json(
      runCli(['preview', '--cron', '0 17 L * *', '--start-at', '2027-01-01T00:00:00Z', '--after', '2026-11-20T00:00:00Z', '--count', '1']).output,
    );
    expect(result).toMatchObject({ schedulerExpression: 'cron(0 17 L * ? *)', startDate: '2027-01-01T00:00:00Z', nextRuns: ['2027-01-31T17:00:00Z'] });
  });

  it.each([
    [['preview', '--rate', '0 minutes'], 'rate', /never run/],
    [['preview', '--rate', '1.5 hours'], 'rate', /whole number/],
    [['preview', '--cron', 'rate(0 minutes)'], 'cronExpression', /never run/],
    [['preview', '--rate', '90 minutes', '--start-at', 'tomorrow'], 'startAt', /ISO 8601/],
    [['preview', '--rate', '5 minutes', '--min-interval', '10'], 'rate', /minimum interval is 10 minutes/],
    [['preview', '--cron', '0 9 * * 5L,1'], 'cronExpression', /day-of-week field/],
    [['preview', '--cron', '0 9 LW * *'], 'cronExpression', /not LW/],
  ])('rejects %j with exit 1, naming the field', (args, field, why) => {
    const { exitCode, output } = runCli(args);
    expect(exitCode).toBe(1);
    const { error } = json(output) as { error: { code: string; field: string; message: string } };
    expect(error).toMatchObject({ code: 'invalid_expression', field });
    expect(error.message).toMatch(why);
  });

  it.each([
    [['preview', '--cron', '0 9 * * *', '--rate', '90 minutes'], 'exactly one of --cron'],
    [['preview', '--rate', '90 minutes', '--at', '2026-12-01T09:00:00Z'], 'exactly one of --cron'],
    [['preview', '--at', '2026-12-01T09:00:00Z', '--start-at', '2026-11-30T00:00:00Z'], '--start-at applies to --cron and --rate'],
  ])('answers bad usage %j with exit 2 and says what to do', (args, text) => {
    const { exitCode, output } = runCli(args);
    expect(exitCode).toBe(2);
    expect((json(output).error as { message: string }).message).toContain(text);
  });

  it('documents intervals, --start-at and the calendar forms in --help', () => {
    const { output } = runCli(['--help']);
    for (const text of ['--rate INTERVAL', '--start-at ISO', 'rate(90 minutes)', '15W', '5L', '1#2', 'daylight saving time']) expect(output).toContain(text);
  });
});

describe('cli text-to-cron', () => {
  it.each(vectors.text)('turns "$text" into $meaning with the reference fire times', (vector) => {
    const { exitCode, output } = runCli(['text-to-cron', vector.text, '--after', vector.after]);
    expect(exitCode).toBe(0);
    expect(json(output)).toMatchObject({ cronExpression: vector.meaning, timezone: vector.timezone, nextRuns: vector.nextRuns });
  });

  it.each(beyond.text)('turns "$text" into $schedulerExpression with the reference fire times', (vector) => {
    const args = ['text-to-cron', vector.text, '--after', vector.now, ...(vector.timezoneOption ? ['--timezone', vector.timezoneOption] : [])];
    const { exitCode, output } = runCli(args);
    expect(exitCode).toBe(0);
    const result = json(output);
    expect(result).toMatchObject({ timezone: vector.timezone, description: vector.description, nextRuns: vector.nextRuns });
    if (vector.rate) expect(result).toMatchObject({ rate: vector.rate, schedulerExpression: vector.schedulerExpression, startDate: vector.nextRuns[0] });
    else
      expect(result).toEqual({ cronExpression: vector.cronExpression, timezone: vector.timezone, description: vector.description, nextRuns: vector.nextRuns });
  });

  it('anchors "every 2 weeks on monday at 9:00" on the first such Monday at or after --start-at', () => {
    const { output } = runCli([
      'text-to-cron',
      'every 2 weeks on monday at 9:00',
      '--timezone',
      'Europe/Berlin',
      '--start-at',
      '2026-12-01T00:00:00Z',
      '--after',
      '2026-11-20T00:00:00Z',
      '--count',
      '2',
    ]);
    expect(json(output)).toMatchObject({ rate: '14 days', anchor: '2026-12-07T08:00:00Z', nextRuns: ['2026-12-07T08:00:00Z', '2026-12-21T08:00:00Z'] });
  });

  it('rejects text it cannot read, with an example that works', () => {
    const { exitCode, output } = runCli(['text-to-cron', 'whenever you like']);
    expect(exitCode).toBe(1);
    expect(json(output)).toMatchObject({ error: { field: 'text', hint: expect.stringContaining('every 15 minutes') } });
  });
});

describe('npm run --silent cli', () => {
  it('prints only the JSON on stdout', async () => {
    const { stdout } = await promisify(execFile)('npm', [
      'run',
      '--silent',
      'cli',
      '--',
      'preview',
      '--cron',
      '0 9 * * 1-5',
      '--after',
      '2026-11-20T00:00:00Z',
      '--count',
      '1',
    ]);
    expect(JSON.parse(stdout)).toEqual({
      cronExpression: '0 9 * * 1-5',
      timezone: 'UTC',
      schedulerExpression: 'cron(0 9 ? * MON-FRI *)',
      description: 'At 09:00, Monday through Friday (UTC)',
      nextRuns: ['2026-11-20T09:00:00Z'],
    });
  });

  it('previews an interval from the command line', async () => {
    const { stdout } = await promisify(execFile)('npm', [
      'run',
      '--silent',
      'cli',
      '--',
      'preview',
      '--rate',
      '90 minutes',
      '--start-at',
      '2026-11-20T10:00:00Z',
      '--after',
      '2026-11-20T09:00:00Z',
      '--count',
      '2',
    ]);
    expect(JSON.parse(stdout)).toEqual({
      rate: '90 minutes',
      anchor: '2026-11-20T10:00:00Z',
      timezone: 'UTC',
      schedulerExpression: 'rate(90 minutes)',
      startDate: '2026-11-20T10:00:00Z',
      description: 'Every 90 minutes, starting Friday 2026-11-20 10:00 (UTC)',
      nextRuns: ['2026-11-20T10:00:00Z', '2026-11-20T11:30:00Z'],
    });
  });

  it('exits non-zero with a JSON error on stderr (nothing on stdout) on a rejected input', async () => {
    const failure = await promisify(execFile)('npm', ['run', '--silent', 'cli', '--', 'preview', '--cron', '0 9 1 * 1']).catch(
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect('code' in failure && failure.code).toBe(1);
    expect(failure.stdout).toBe('');
    expect(JSON.parse(failure.stderr)).toMatchObject({ error: { code: 'invalid_expression' } });
  });
});
