#!/usr/bin/env node
// `agent-schedules` (the package's bin; `npm run cli` here): the deployed API from a terminal or a script.
import { readFileSync, realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Command, CommanderError, Option } from 'commander';
import { runCli as runExpressionTool } from '../local/cli.ts';
import { registerBatches } from './batches.ts';
import { Cli, EXIT, processIo, type GlobalOptions, type Io, type RunAction } from './context.ts';
import { configPath, saveProfile } from './profiles.ts';
import { registerRuns } from './runs.ts';
import { registerSchedules, UsageError } from './schedules.ts';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const EPILOG = `
Configuration (first found wins):
  --url, then AGENT_SCHEDULES_URL / AGENT_SCHEDULES_API_KEY / AGENT_SCHEDULES_ADMIN_KEY, then the profile
  (--profile or AGENT_SCHEDULES_PROFILE, default "default") in ${'$'}XDG_CONFIG_HOME/agent-schedules/config.json
  (mode 0600; AGENT_SCHEDULES_CONFIG names another file). Save one with:
    echo "$API_KEY" | agent-schedules configure --url https://abc123.execute-api.eu-west-1.amazonaws.com
    echo "$API_KEY" | agent-schedules configure --stage prod       (the URL from the deployed stacks' outputs)
    agent-schedules configure --stage prod --admin --profile admin (the admin key from its secret, with your AWS credentials)

Output: a table at a terminal, JSON when piped or with --json; errors on stderr.
Exit codes: 0 ok · 1 the API refused or failed (its code, message, hint and request id on stderr) ·
  2 bad usage · 3 not configured · 4 the API could not be reached.

Examples:
  agent-schedules schedules create --name "Daily report" --task "Summarise yesterday" \\
    --cron "0 9 * * 1-5" --timezone America/New_York
  agent-schedules schedules ls
  agent-schedules schedules trigger SCHEDULE_ID --wait
  agent-schedules runs tail SCHEDULE_ID --follow
  agent-schedules preview --cron "0 17 L * *" --timezone Europe/Berlin      (offline, no API needed)`;

/** The program, wired to `io`; `run` maps each failure to its exit code. */
export function buildProgram(io: Io, setExitCode: (code: number) => void): Command {
  const program = new Command('agent-schedules');
  const cli = new Cli(io, () => program.opts<GlobalOptions>());
  const run: RunAction = async (action) => {
    try {
      const code = await action();
      if (typeof code === 'number') setExitCode(code);
    } catch (error) {
      if (error instanceof UsageError || error instanceof SyntaxError) {
        io.err(`error: ${error.message}`);
        setExitCode(EXIT.usage);
        return;
      }
      setExitCode(cli.fail(error));
    }
  };

  program
    .description('Run AI agents on a schedule: manage the schedules, runs and batches of a deployed agent-schedules API.')
    .version(VERSION, '-v, --version', 'print the version')
    .option('-p, --profile <name>', 'the saved profile to use (default "default")')
    .option('--url <url>', 'the API URL, overriding the profile')
    .option('--json', 'print JSON (the default when stdout is not a terminal)')
    .addOption(new Option('-o, --output <format>', 'table or json').choices(['table', 'json']))
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EPILOG)
    .configureOutput({ writeOut: (text) => io.out(text.trimEnd()), writeErr: (text) => io.err(text.trimEnd()) })
    .exitOverride();

  program
    .command('configure')
    .description('save the API URL and a key in a profile; the key is read from stdin (never a flag your shell history keeps)')
    .option('--admin', 'the key is the deployment admin key (for keys create|revoke)')
    .option('--stack <names...>', 'read the URL from these deployed stacks (output ApiUrl) with your AWS credentials; with --admin, the admin key too')
    .option('--stage <stage>', 'the stacks `cdk deploy --all` made for this stage: AgentSchedules-<stage>-Service and -Data')
    .option('--region <region>', 'the stacks’ region (default: your AWS configuration’s)')
    .addHelpText(
      'after',
      '\nThe URL: --url (the stack output ApiUrl, or http://localhost:3000 for npm start), or --stack/--stage.\nThe key: stdin; with --admin and --stack/--stage, read from the admin key secret instead.',
    )
    .action((flags: { admin?: boolean; stack?: string[]; stage?: string; region?: string }) =>
      run(async () => {
        // Loaded only here: the AWS SDK clients stay out of every other command's start-up.
        const { readFromStacks, stageStacks } = await import('./stack.ts');
        const stacks = flags.stack ?? (flags.stage ? stageStacks(flags.stage) : undefined);
        const fromStack = stacks
          ? await readFromStacks(stacks, { ...(flags.admin ? { admin: true } : {}), ...(flags.region ? { region: flags.region } : {}) })
          : undefined;
        const url = program.opts<GlobalOptions>().url ?? fromStack?.url;
        if (url === undefined)
          throw new UsageError('configure needs --url (the stack output ApiUrl, or http://localhost:3000 for npm start), or --stack/--stage.');
        try {
          new URL(url);
        } catch {
          throw new UsageError(`--url must be a URL such as https://abc123.execute-api.eu-west-1.amazonaws.com, not "${url}".`);
        }
        const key = fromStack?.adminKey ?? (await io.readStdin()).trim();
        if (key === '') throw new UsageError('configure reads the key from stdin: echo "$API_KEY" | agent-schedules configure --url URL');
        const name = program.opts<GlobalOptions>().profile ?? io.env.AGENT_SCHEDULES_PROFILE ?? 'default';
        const path = saveProfile(name, { url, ...(flags.admin ? { adminKey: key } : { apiKey: key }) }, io.env);
        io.err(`Saved profile "${name}" in ${path} (mode 0600): ${url}${flags.admin ? ', admin key' : ', API key'}.`);
      }),
    );

  registerSchedules(program, cli, run);
  registerRuns(program, cli, run);
  registerBatches(program, cli, run);

  // Offline: the expression tool needs no API, so a schedule can be checked before anything is deployed.
  for (const [name, what] of [
    ['preview', 'offline: the EventBridge expression, a description and the next fire times of --cron, --rate or --at'],
    ['text-to-cron', 'offline: plain English ("weekdays at 9:30") to cron, then the same as preview'],
  ] as const) {
    program
      .command(name)
      .description(what)
      .allowUnknownOption()
      .helpOption(false)
      .argument('[args...]')
      .action((args: string[]) => {
        const result = runExpressionTool([name, ...args]);
        (result.exitCode === 0 ? io.out : io.err)(result.output);
        setExitCode(result.exitCode);
      });
  }
  return program;
}

/** Runs the CLI on `argv` (without node and the script) and answers the exit code. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end the same way; anything else commander refuses is bad usage.
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' ? EXIT.ok : EXIT.usage;
    }
    throw error;
  }
  return exitCode;
}

export { configPath };

// Run as a program (also through the npm bin symlink, hence the real path), not when imported.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  process.exitCode = await main(process.argv.slice(2));
}
