// `agent-schedules batches …` (one task over many inputs) and `agent-schedules keys …` (admin: API keys).
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { take, type Batch, type BatchInput, type BatchItem } from '../client/index.ts';
import type { Cli, RunAction } from './context.ts';
import { details, table, type Column } from './render.ts';
import { usage } from './schedules.ts';

const BATCH_COLUMNS: Column<Batch>[] = [
  { header: 'ID', value: (b) => b.id },
  { header: 'NAME', value: (b) => b.name },
  { header: 'STATUS', value: (b) => b.status },
  { header: 'PROGRESS', value: (b) => `${b.progressPct}%` },
  { header: 'OK/FAILED/TOTAL', value: (b) => `${b.counts.succeeded}/${b.counts.failed}/${b.counts.total}` },
  { header: 'ETA (UTC)', value: (b) => b.etaAt },
  { header: 'COST USD', value: (b) => b.cost.estimatedUsd },
];

const ITEM_COLUMNS: Column<BatchItem>[] = [
  { header: 'INDEX', value: (i) => i.index },
  { header: 'STATUS', value: (i) => i.status },
  { header: 'RUN', value: (i) => i.runId },
  { header: 'INPUT', value: (i) => (typeof i.input === 'string' ? i.input : JSON.stringify(i.input)) },
];

const showBatch = (batch: Batch) =>
  details(batch as unknown as Record<string, unknown>, [
    'id',
    'name',
    'status',
    'agentId',
    'task',
    'counts',
    'progressPct',
    'successPct',
    'itemsPerMinute',
    'etaAt',
    'cost',
    'maxConcurrency',
    'createdAt',
    'finishedAt',
  ]);

/** Items from a JSON array file or a JSON Lines file ("-" reads stdin). */
function readItems(path: string): unknown[] {
  const text = readFileSync(path === '-' ? 0 : path, 'utf8').trim();
  if (text.startsWith('[')) return JSON.parse(text) as unknown[];
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown);
}

export function registerBatches(program: Command, cli: Cli, run: RunAction): void {
  const batches = program.command('batches').alias('batch').description('one agent task over many inputs: create, follow, cancel, retry');

  batches
    .command('ls')
    .alias('list')
    .description('batches, newest first')
    .option('--status <status>', 'only batches in this state')
    .option('--schedule <id>', 'only this schedule’s batches')
    .option('--limit <n>', 'at most this many', '50')
    .action((flags: { status?: Batch['status']; schedule?: string; limit: string }) =>
      run(async () => {
        const query = { ...(flags.status ? { status: flags.status } : {}), ...(flags.schedule ? { scheduleId: flags.schedule } : {}) };
        const found = await take(cli.client().batches.list(query), Number(flags.limit));
        cli.print(found, (rows) => (rows.length === 0 ? 'No batches.' : table(rows, BATCH_COLUMNS)));
      }),
    );

  batches
    .command('get <id>')
    .description('one batch: counts, progress, ETA and cost')
    .action((id: string) => run(async () => cli.print(await cli.client().batches.get(id), showBatch)));

  batches
    .command('items <id>')
    .description('a batch’s items and their runs')
    .option('--status <status>', 'only items in this state')
    .action((id: string, flags: { status?: BatchItem['status'] }) =>
      run(async () => {
        const found: BatchItem[] = [];
        for await (const item of cli.client().batches.items(id, flags.status ? { status: flags.status } : {})) found.push(item);
        cli.print(found, (rows) => table(rows, ITEM_COLUMNS));
      }),
    );

  batches
    .command('create')
    .description('start a batch: --task with {{item}} (or {{item.field}}) run once per item of --items')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--task <template>', 'the task, with {{item}} where each input goes')
    .requiredOption('--items <path>', 'a JSON array or JSON Lines file of inputs ("-" for stdin)')
    .option('--agent <id>', 'the agent to run')
    .option('--concurrency <n>', 'items running at once')
    .option('--idempotency-key <key>', 'a retry with the same key creates nothing more')
    .action((flags: { name: string; task: string; items: string; agent?: string; concurrency?: string; idempotencyKey?: string }) =>
      run(async () => {
        const items = readItems(flags.items);
        if (items.length === 0) throw usage(`${flags.items} holds no items.`);
        const body = {
          name: flags.name,
          task: flags.task,
          items,
          ...(flags.agent ? { agentId: flags.agent } : {}),
          ...(flags.concurrency ? { maxConcurrency: Number(flags.concurrency) } : {}),
        };
        const created = await cli.client().batches.create(body as BatchInput, flags.idempotencyKey ? { idempotencyKey: flags.idempotencyKey } : {});
        cli.print(created, showBatch);
      }),
    );

  for (const [name, what] of [
    ['cancel', 'stop it: pending items are cancelled, running ones stopped'],
    ['retry', 'run its failed and timed-out items again'],
  ] as const) {
    batches
      .command(`${name} <id>`)
      .description(what)
      .action((id: string) => run(async () => cli.print(await cli.client().batches[name](id), showBatch)));
  }

  const keys = program.command('keys').description('API keys (admin: needs the deployment admin key, see configure --admin)');
  keys
    .command('create')
    .description('issue a tenant API key; it is printed once and stored only as a hash')
    .requiredOption('--tenant <id>', 'the tenant the key acts for')
    .requiredOption('--user <id>', 'the user the key acts as')
    .option('--team <id>', 'the team, for team-scoped schedules')
    .requiredOption('--name <name>', 'a label for the key, e.g. "ci-pipeline"')
    .action((flags: { tenant: string; user: string; team?: string; name: string }) =>
      run(async () => {
        const created = await cli
          .adminClient()
          .apiKeys.create({ tenantId: flags.tenant, userId: flags.user, ...(flags.team ? { teamId: flags.team } : {}), name: flags.name });
        cli.print(created, (key) => `${details(key, ['keyId', 'tenantId', 'userId', 'teamId'])}\napiKey: ${key.apiKey}\n(shown once: store it now)`);
      }),
    );
  keys
    .command('revoke <keyId>')
    .description('revoke a key at once')
    .action((keyId: string) =>
      run(async () => {
        await cli.adminClient().apiKeys.revoke(keyId);
        cli.print({ revoked: keyId }, () => `Revoked key ${keyId}.`);
      }),
    );
}
