// The offline expression tool behind `agent-schedules preview|text-to-cron` (cli/main.ts): schedule expressions in, JSON out.
import { parseArgs } from 'node:util';
import { ExpressionError, formatInstant, resolveText, resolveTiming, type Timing } from '../shared/expressions/index.ts';

const HELP = `agent-schedules cli — check schedule expressions before you create a schedule

Usage:
  npm run --silent cli -- preview --cron "0 9 * * 1-5" [--timezone America/New_York] [--after ISO] [--count N]
  npm run --silent cli -- preview --cron "0 17 L * *"               (last day of the month; also 15W, 5L, 1#2)
  npm run --silent cli -- preview --rate "90 minutes" [--start-at 2026-12-01T09:00:00Z]
  npm run --silent cli -- preview --cron "rate(90 minutes)" [--start-at ISO]
  npm run --silent cli -- preview --at 2026-12-01T09:00:00Z [--timezone Europe/London]
  npm run --silent cli -- text-to-cron "weekdays at 9:30" [--timezone TZ] [--start-at ISO] [--after ISO] [--count N]

Commands:
  preview        the EventBridge Scheduler expression, a description and the next fire times (UTC)
  text-to-cron   plain English ("sundays at 5pm UTC", "last friday of the month at 4pm", "every other monday at 9am")
                 to a 5-field cron or an interval, then the same as preview

Options:
  --cron EXPR      standard 5-field cron (minute hour day-of-month month day-of-week) or @daily, @hourly, …, with the
                   calendar forms EventBridge has: L (last day of the month) and 15W (weekday nearest the 15th) in
                   day-of-month; 5L (last Friday) and 1#2 (second Monday) in day-of-week (0 or 7 = Sunday, 1 = Monday).
                   "rate(90 minutes)" is read as --rate.
  --rate INTERVAL  an interval: "90 minutes", "2 hours", "14 days" or "2 weeks" (sent as rate(14 days)). Runs at exact
                   gaps from the anchor (--start-at), so its local time moves when daylight saving time starts or ends.
  --start-at ISO   with --cron or --rate: when the schedule starts. For a rate, its first run and the phase of every later
                   one (default: the first whole minute after now); a cron fires only at or after it. The output's
                   startDate is the StartDate to send EventBridge Scheduler.
  --at ISO         a one-time instant, e.g. 2026-12-01T09:00:00Z (an offset-less time is read in --timezone)
  --timezone TZ    IANA timezone the expression is read in (default UTC)
  --after ISO      list fire times strictly after this instant (default now; it is also "now" for the default anchor)
  --count N        how many fire times to list (default 5, at most 1000)
  --min-interval M reject cadences shorter than M minutes (default 1)
  -h, --help       this text

Output is JSON on stdout. Exit 0 on success; 1 with {"error":{...}} on stderr when the input is rejected; 2 on bad usage.`;

interface CliResult {
  exitCode: number;
  output: string;
}

function usageError(message: string): CliResult {
  return { exitCode: 2, output: JSON.stringify({ error: { code: 'usage', message, hint: 'Run with --help for usage.' } }) };
}

function given(timing: Timing): Record<string, unknown> {
  if (timing.cronExpression !== undefined) return { cronExpression: timing.cronExpression };
  if (timing.rate !== undefined) return { rate: timing.rate, ...(timing.anchor ? { anchor: formatInstant(timing.anchor) } : {}) };
  return { scheduledTime: timing.scheduledTime };
}

function toJson(timing: Timing): Record<string, unknown> {
  return {
    ...given(timing),
    timezone: timing.timezone,
    schedulerExpression: timing.schedulerExpression,
    ...(timing.schedulerTimezone !== timing.timezone ? { schedulerTimezone: timing.schedulerTimezone } : {}),
    ...(timing.startDate ? { startDate: formatInstant(timing.startDate) } : {}),
    description: timing.description,
    nextRuns: timing.nextRuns.map(formatInstant),
  };
}

/** Runs the CLI on its arguments; pure apart from reading the clock, so tests can call it directly. */
export function runCli(argv: string[], now: Date = new Date()): CliResult {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        cron: { type: 'string' },
        rate: { type: 'string' },
        'start-at': { type: 'string' },
        at: { type: 'string' },
        timezone: { type: 'string' },
        after: { type: 'string' },
        count: { type: 'string' },
        'min-interval': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return usageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === 'help' || command === undefined) return { exitCode: command === undefined && !values.help ? 2 : 0, output: HELP };

  const count = values.count === undefined ? 5 : Number(values.count);
  if (!Number.isInteger(count) || count < 0 || count > 1000) return usageError(`--count must be a whole number from 0 to 1000, not "${values.count}".`);
  const minIntervalMinutes = values['min-interval'] === undefined ? 1 : Number(values['min-interval']);
  if (!Number.isInteger(minIntervalMinutes) || minIntervalMinutes < 1) return usageError(`--min-interval must be a whole number of minutes, 1 or more.`);
  const after = values.after === undefined ? now : new Date(values.after);
  if (Number.isNaN(after.getTime())) return usageError(`--after must be an ISO 8601 instant such as 2026-11-20T00:00:00Z, not "${values.after}".`);
  const options = { now: values.after === undefined ? now : after, after, count, minIntervalMinutes };

  try {
    const startAt = values['start-at'];
    if (command === 'preview') {
      if (rest.length > 0) return usageError(`preview takes no positional arguments (got "${rest.join(' ')}"); use --cron, --rate or --at.`);
      const forms = [values.cron, values.rate, values.at].filter((value) => value !== undefined).length;
      if (forms !== 1) return usageError('preview needs exactly one of --cron EXPR, --rate INTERVAL or --at ISO.');
      if (startAt !== undefined && values.at !== undefined) {
        return usageError('--start-at applies to --cron and --rate; a one-time --at schedule fires at its own time.');
      }
      const timing = resolveTiming({ cronExpression: values.cron, rate: values.rate, scheduledTime: values.at, timezone: values.timezone, startAt }, options);
      return { exitCode: 0, output: JSON.stringify(toJson(timing)) };
    }
    if (command === 'text-to-cron') {
      if (rest.length === 0) return usageError('text-to-cron needs the text, e.g. text-to-cron "weekdays at 9:30".');
      const timing = resolveText(rest.join(' '), {
        ...options,
        ...(values.timezone ? { timezone: values.timezone } : {}),
        ...(startAt !== undefined ? { startAt } : {}),
      });
      const { cronExpression, rate, anchor, schedulerExpression, startDate, timezone, description, nextRuns } = toJson(timing);
      const output =
        rate === undefined
          ? { cronExpression, timezone, description, nextRuns }
          : { rate, anchor, schedulerExpression, startDate, timezone, description, nextRuns };
      return { exitCode: 0, output: JSON.stringify(output) };
    }
  } catch (error) {
    if (error instanceof ExpressionError) {
      const { field, message, hint } = error;
      return { exitCode: 1, output: JSON.stringify({ error: { code: 'invalid_expression', field, message, ...(hint ? { hint } : {}) } }) };
    }
    throw error;
  }
  return usageError(`Unknown command "${command}": use preview or text-to-cron.`);
}
