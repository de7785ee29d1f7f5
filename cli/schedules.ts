// `agent-schedules schedules …`: list, read, create, change, pause, resume, trigger and delete schedules.
import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { take, type Schedule, type ScheduleInput } from '../client/index.ts';
import type { Cli, RunAction } from './context.ts';
import { details, table, type Column } from './render.ts';
import { followRun, RUN_COLUMNS } from './runs.ts';

export const SCHEDULE_COLUMNS: Column<Schedule>[] = [
  { header: 'ID', value: (s) => s.id },
  { header: 'NAME', value: (s) => s.name },
  { header: 'CADENCE', value: (s) => s.cronDescription },
  { header: 'TIMEZONE', value: (s) => s.timezone },
  { header: 'NEXT RUN (UTC)', value: (s) => s.nextRunAt },
  { header: 'STATUS', value: (s) => s.status },
  { header: 'LAST RUN', value: (s) => s.lastRunStatus },
  { header: 'OK/FAILED', value: (s) => `${s.successCount}/${s.failureCount}` },
];

const SCHEDULE_FIELDS = [
  'id',
  'name',
  'status',
  'cronExpression',
  'rate',
  'scheduledTime',
  'timezone',
  'cronDescription',
  'schedulerExpression',
  'nextRunAt',
  'agentId',
  'task',
  'overlapPolicy',
  'timeoutSeconds',
  'lastRunAt',
  'lastRunStatus',
  'lastError',
  'runCount',
  'successCount',
  'failureCount',
  'createdAt',
  'updatedAt',
];

const showSchedule = (schedule: Schedule) => details(schedule as unknown as Record<string, unknown>, SCHEDULE_FIELDS);

interface ScheduleFlags {
  file?: string;
  name?: string;
  task?: string;
  cron?: string;
  rate?: string;
  at?: string;
  timezone?: string;
  agent?: string;
  overlap?: 'skip' | 'allow';
  timeout?: string;
  startAt?: string;
  endAt?: string;
  enabled?: boolean;
}

function withScheduleFlags(command: Command): Command {
  return command
    .option('-f, --file <path>', 'the request body as JSON (the flags below override its fields)')
    .option('--name <name>', 'display name')
    .option('--task <text>', 'what the agent is asked each run')
    .option('--cron <expr>', 'a 5-field cron expression, e.g. "30 9 * * 1-5" (L, W and # as EventBridge has them)')
    .option('--rate <interval>', 'an interval instead of a cron, e.g. "90 minutes"')
    .option('--at <iso>', 'one run at this instant (a one-time schedule)')
    .option('--timezone <iana>', 'the timezone the expression is read in, e.g. Europe/Berlin (default UTC)')
    .option('--agent <id>', 'the agent to run (default: the deployment default agent)')
    .addOption(new Option('--overlap <policy>', 'what a fire does while the previous run still runs').choices(['skip', 'allow']))
    .option('--timeout <seconds>', 'how long a run may take')
    .option('--start-at <iso>', 'fire only from this instant on')
    .option('--end-at <iso>', 'fire only until this instant');
}

/** The request body: the file's JSON (if any) with each flag given laid over it. */
export function scheduleBody(flags: ScheduleFlags): Partial<ScheduleInput> {
  const base = flags.file ? (JSON.parse(readFileSync(flags.file === '-' ? 0 : flags.file, 'utf8')) as Partial<ScheduleInput>) : {};
  const set: Record<string, unknown> = {
    name: flags.name,
    task: flags.task,
    cronExpression: flags.cron,
    rate: flags.rate,
    timezone: flags.timezone,
    agentId: flags.agent,
    overlapPolicy: flags.overlap,
    timeoutSeconds: flags.timeout === undefined ? undefined : Number(flags.timeout),
    startAt: flags.startAt,
    endAt: flags.endAt,
    enabled: flags.enabled,
    ...(flags.at === undefined ? {} : { scheduleType: 'one-time', scheduledTime: flags.at }),
  };
  return { ...base, ...Object.fromEntries(Object.entries(set).filter(([, value]) => value !== undefined)) } as Partial<ScheduleInput>;
}

export function registerSchedules(program: Command, cli: Cli, run: RunAction): void {
  const schedules = program.command('schedules').alias('schedule').description('list, create, change and run schedules');

  schedules
    .command('ls')
    .alias('list')
    .description('list schedules, sorted by name (every page)')
    .option('--agent <id>', 'only this agent’s schedules')
    .addOption(new Option('--status <status>', 'only enabled or paused ones').choices(['enabled', 'paused']))
    .option('--limit <n>', 'stop after this many', '1000')
    .action((flags: { agent?: string; status?: string; limit: string }) =>
      run(async () => {
        const query = { ...(flags.agent ? { agentId: flags.agent } : {}), ...(flags.status ? { enabled: flags.status === 'enabled' ? 'true' : 'false' } : {}) };
        const found = await take(cli.client().schedules.list(query as never), Number(flags.limit));
        cli.print(found, (rows) => (rows.length === 0 ? 'No schedules.' : table(rows, SCHEDULE_COLUMNS)));
      }),
    );

  schedules
    .command('get <id>')
    .description('one schedule, with its next run and counters')
    .action((id: string) => run(async () => cli.print(await cli.client().schedules.get(id), showSchedule)));

  withScheduleFlags(schedules.command('create'))
    .description('create a schedule, e.g. create --name "Daily report" --task "Summarise yesterday" --cron "0 9 * * 1-5" --timezone America/New_York')
    .option('--disabled', 'create it paused')
    .option('--idempotency-key <key>', 'a retry with the same key creates nothing more')
    .action((flags: ScheduleFlags & { disabled?: boolean; idempotencyKey?: string }) =>
      run(async () => {
        const body = scheduleBody({ ...flags, ...(flags.disabled ? { enabled: false } : {}) });
        const created = await cli.client().schedules.create(body as ScheduleInput, flags.idempotencyKey ? { idempotencyKey: flags.idempotencyKey } : {});
        cli.print(created, showSchedule);
      }),
    );

  withScheduleFlags(schedules.command('update <id>'))
    .description('change only the fields given, e.g. update ID --cron "30 9 * * *"')
    .action((id: string, flags: ScheduleFlags) =>
      run(async () => {
        const patch = scheduleBody(flags);
        if (Object.keys(patch).length === 0) throw usage('update needs at least one field: a flag such as --task or --cron, or --file.');
        cli.print(await cli.client().schedules.update(id, patch), showSchedule);
      }),
    );

  for (const [name, what] of [
    ['pause', 'stop firing until resumed'],
    ['resume', 'fire again from the next time on'],
  ] as const) {
    schedules
      .command(`${name} <id>`)
      .description(what)
      .action((id: string) => run(async () => cli.print(await cli.client().schedules[name](id), showSchedule)));
  }

  schedules
    .command('trigger <id>')
    .description('run it now, the way a scheduled run goes')
    .option('-w, --wait', 'wait for the run to end and print it (exit 1 unless it succeeded)')
    .option('--idempotency-key <key>', 'a retry with the same key starts nothing more')
    .action((id: string, flags: { wait?: boolean; idempotencyKey?: string }) =>
      run(async () => {
        const client = cli.client();
        const started = await client.schedules.trigger(id, flags.idempotencyKey ? { idempotencyKey: flags.idempotencyKey } : {});
        if (!flags.wait) {
          cli.print(started, (answer) => `${answer.message}\n${table([answer.run], RUN_COLUMNS)}`);
          return;
        }
        const ended = await followRun(client, started.run);
        cli.print(ended, (finished) => details(finished as unknown as Record<string, unknown>, ['id', 'status', 'reason', 'durationMs', 'output', 'error']));
        // A run that did not succeed exits 1, so `trigger --wait` can gate a script.
        return ended.status === 'succeeded' ? 0 : 1;
      }),
    );

  schedules
    .command('rm <id>')
    .alias('delete')
    .description('delete a schedule (its EventBridge schedule goes too; its runs stay readable until they expire)')
    .action((id: string) =>
      run(async () => {
        await cli.client().schedules.delete(id);
        cli.print({ deleted: id }, () => `Deleted schedule ${id}.`);
      }),
    );
}

/** A usage mistake found after parsing (exit 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const usage = (message: string) => new UsageError(message);
