import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { AgentRunnerRegistry } from '#shared/adapters/agents/index.ts';
import { agentOf, agentRequest, failure, generous } from './support.ts';

const node = process.execPath;
const local = new AgentRunnerRegistry({ signingSecret: 'whsec_command_tests', allowCommands: true });
const dir = mkdtempSync(join(tmpdir(), 'agent-schedules-command-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const script = (source: string, ...args: string[]) => agentOf({ kind: 'command', name: 'Script', command: node, args: ['-e', source, ...args] });

/** False once the process is gone (or a zombie waiting to be reaped). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

describe('the command agent', () => {
  it('passes the task on stdin and returns stdout', async () => {
    const result = await local.run(
      script("let s='';process.stdin.setEncoding('utf8');process.stdin.on('data',c=>s+=c);process.stdin.on('end',()=>process.stdout.write(s.toUpperCase()))"),
      agentRequest({ task: 'shout this, please' }),
      generous(),
    );
    expect(result).toEqual({ output: 'SHOUT THIS, PLEASE' });
  });

  it('passes arguments verbatim, without a shell', async () => {
    const result = await local.run(script("process.stdout.write(process.argv.slice(1).join('|'))", '$HOME', '; echo hi', '*'), agentRequest(), generous());
    expect(result.output).toBe('$HOME|; echo hi|*');
  });

  it('gives the command the run id in AGENT_SCHEDULES_RUN_ID', async () => {
    const result = await local.run(script('process.stdout.write(process.env.AGENT_SCHEDULES_RUN_ID)'), agentRequest(), generous());
    expect(result.output).toBe('run_20260115T090000Z_0123456789ab');
  });

  it('fails with agent_error and the stderr tail when the command exits non-zero', async () => {
    const error = await failure(
      local.run(script("process.stderr.write('starting\\nboom: OPENAI_API_KEY is not set\\n');process.exit(3)"), agentRequest(), generous()),
    );
    expect(error.kind).toBe('agent_error');
    expect(error.message).toBe('The command exited with code 3: starting\nboom: OPENAI_API_KEY is not set');
  });

  it('fails with agent_error when the program does not exist', async () => {
    const error = await failure(local.run(agentOf({ kind: 'command', name: 'Missing', command: join(dir, 'no-such-program') }), agentRequest(), generous()));
    expect(error.kind).toBe('agent_error');
    expect(error.message).toContain('Could not start the command');
  });

  it('keeps at most 1 MiB of stdout', async () => {
    const result = await local.run(script("process.stdout.write('x'.repeat(1536*1024))"), agentRequest(), generous());
    expect(result.output).toHaveLength(1024 * 1024);
  });

  it('kills a command that sleeps at the deadline and fails with timeout', async () => {
    const started = Date.now();
    const error = await failure(local.run(script('setTimeout(() => {}, 60000)'), agentRequest(), AbortSignal.timeout(200)));
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe('The agent did not answer within the run deadline.');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('kills the whole process tree (the command and what it started) on abort', async () => {
    const pidFile = join(dir, 'pids.json');
    const controller = new AbortController();
    const run = local.run(
      script(
        "const { spawn } = require('node:child_process'); const g = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' }); require('node:fs').writeFileSync(process.argv[1], JSON.stringify([process.pid, g.pid])); setTimeout(() => {}, 60000);",
        pidFile,
      ),
      agentRequest(),
      controller.signal,
    );
    const outcome = failure(run);
    // Read once the file holds both pids: it can exist before its content is written.
    const pids = await vi.waitFor(
      () => {
        expect(existsSync(pidFile)).toBe(true);
        return JSON.parse(readFileSync(pidFile, 'utf8')) as number[];
      },
      { timeout: 5_000, interval: 20 },
    );
    expect(pids.every(alive)).toBe(true);

    controller.abort();

    expect((await outcome).kind).toBe('timeout');
    await vi.waitFor(() => expect(pids.filter(alive)).toEqual([]), { timeout: 5_000, interval: 20 });
  });

  it('refuses to run when commands are not allowed (anywhere but the local server)', async () => {
    const marker = join(dir, 'ran.txt');
    const onAws = new AgentRunnerRegistry({ signingSecret: 'whsec_command_tests' });
    const error = await failure(onAws.run(script("require('node:fs').writeFileSync(process.argv[1], 'ran')", marker), agentRequest(), generous()));
    expect(error.kind).toBe('forbidden_target');
    expect(error.message).toBe('command agents run only on the local server.');
    expect(existsSync(marker)).toBe(false);
  });
});
