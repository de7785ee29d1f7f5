// `agent-schedules runs …`: a schedule's run history, one run with its output, following new runs, and cancelling.
import type { Command } from 'commander';
import { isFinalRun, take, type AgentSchedulesClient, type Run } from '../client/index.ts';
import type { Cli, RunAction } from './context.ts';
import { details, duration, table, type Column } from './render.ts';

export const RUN_COLUMNS: Column<Run>[] = [
  { header: 'ID', value: (r) => r.id },
  { header: 'STATUS', value: (r) => r.status },
  { header: 'TRIGGER', value: (r) => r.trigger },
  { header: 'SCHEDULED (UTC)', value: (r) => r.scheduledTime },
  { header: 'STARTED (UTC)', value: (r) => r.startedAt },
  { header: 'DURATION', value: (r) => duration(r.durationMs) },
  { header: 'ERROR', value: (r) => (r.error ? `${r.error.kind}: ${r.error.message}` : r.reason) },
];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A run by id: under its schedule when it has one (GET /v1/runs/{id} holds only runs without a schedule). */
export const readRun = (client: AgentSchedulesClient, runId: string, scheduleId?: string | null): Promise<Run> =>
  scheduleId ? client.schedules.run(scheduleId, runId) : client.runs.get(runId);

/** Polls a run until it ends (or `timeoutMs` passes), and answers its last state. */
export async function followRun(
  client: AgentSchedulesClient,
  started: Pick<Run, 'id' | 'scheduleId'>,
  intervalMs = 500,
  timeoutMs = 15 * 60_000,
): Promise<Run> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const run = await readRun(client, started.id, started.scheduleId);
    if (isFinalRun(run.status) || Date.now() > until) return run;
    await sleep(intervalMs);
  }
}

const showRun = (run: Run) =>
  details(run as unknown as Record<string, unknown>, [
    'id',
    'scheduleId',
    'status',
    'reason',
    'trigger',
    'scheduledTime',
    'queuedAt',
    'startedAt',
    'finishedAt',
    'durationMs',
    'agentId',
    'attempt',
    'error',
    'usage',
    'truncated',
    'output',
  ]);

export function registerRuns(program: Command, cli: Cli, run: RunAction): void {
  const runs = program.command('runs').alias('run').description('run history, one run with its output, following runs, cancelling');

  runs
    .command('ls <scheduleId>')
    .alias('list')
    .description('a schedule’s runs, newest first')
    .option('--status <status>', 'only runs in this state (succeeded, failed, timed_out, skipped, cancelled, queued, running)')
    .option('--limit <n>', 'at most this many', '20')
    .action((scheduleId: string, flags: { status?: Run['status']; limit: string }) =>
      run(async () => {
        const found = await take(cli.client().schedules.runs(scheduleId, flags.status ? { status: flags.status } : {}), Number(flags.limit));
        cli.print(found, (rows) => (rows.length === 0 ? 'No runs yet.' : table(rows, RUN_COLUMNS)));
      }),
    );

  runs
    .command('get <runId>')
    .description('one run: status, times, error and the agent’s output')
    .option('-s, --schedule <id>', 'the run’s schedule (needed for a scheduled or triggered run)')
    .action((runId: string, flags: { schedule?: string }) => run(async () => cli.print(await readRun(cli.client(), runId, flags.schedule), showRun)));

  runs
    .command('tail <scheduleId>')
    .description('the latest runs of a schedule; with --follow, keep printing runs as they start and end (Ctrl-C stops)')
    .option('-f, --follow', 'keep polling for new and changed runs')
    .option('--interval <seconds>', 'how often to poll with --follow', '2')
    .option('-n, --lines <n>', 'how many of the latest runs to print first', '10')
    .action((scheduleId: string, flags: { follow?: boolean; interval: string; lines: string }) =>
      run(async () => {
        const client = cli.client();
        const seen = new Map<string, string>();
        const latest = async (count: number) => {
          return (await take(client.schedules.runs(scheduleId, { limit: Math.min(count, 100) }), count)).reverse();
        };
        const emit = (items: Run[]) => {
          for (const item of items) {
            const state = `${item.status}:${item.finishedAt ?? ''}`;
            if (seen.get(item.id) === state) continue;
            seen.set(item.id, state);
            // One JSON line per run in JSON mode (a stream a script can read line by line), a table row otherwise.
            cli.io.out(cli.mode === 'json' ? JSON.stringify(item) : table([item], RUN_COLUMNS).split('\n')[1]!);
          }
        };
        if (cli.mode !== 'json') cli.io.out(table([], RUN_COLUMNS));
        emit(await latest(Number(flags.lines)));
        while (flags.follow) {
          await sleep(Number(flags.interval) * 1000);
          emit(await latest(20));
        }
      }),
    );

  runs
    .command('cancel <runId>')
    .description('stop a queued or running run (a finished one answers run_finished)')
    .option('-s, --schedule <id>', 'the run’s schedule (needed for a scheduled or triggered run)')
    .action((runId: string, flags: { schedule?: string }) =>
      run(async () => {
        const client = cli.client();
        cli.print(flags.schedule ? await client.schedules.cancelRun(flags.schedule, runId) : await client.runs.cancel(runId), showRun);
      }),
    );
}
