import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import vectors from '../../fixtures/cron-vectors.json' with { type: 'json' };
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

describe('cli text-to-cron', () => {
  it.each(vectors.text)('turns "$text" into $meaning with the reference fire times', (vector) => {
    const { exitCode, output } = runCli(['text-to-cron', vector.text, '--after', vector.after]);
    expect(exitCode).toBe(0);
    expect(json(output)).toMatchObject({ cronExpression: vector.meaning, timezone: vector.timezone, nextRuns: vector.nextRuns });
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

  it('exits non-zero with a JSON error on a rejected input', async () => {
    const failure = await promisify(execFile)('npm', ['run', '--silent', 'cli', '--', 'preview', '--cron', '0 9 1 * 1']).catch(
      (error: { code: number; stdout: string }) => error,
    );
    expect('code' in failure && failure.code).toBe(1);
    expect(JSON.parse(failure.stdout)).toMatchObject({ error: { code: 'invalid_expression' } });
  });
});
