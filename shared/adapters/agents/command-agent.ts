// The command agent (local server only): runs a program without a shell, the task on stdin, its stdout as the output.
import { spawn, type ChildProcess } from 'node:child_process';
import { AgentError, type AgentRequest, type AgentResult } from '../../ports/agent-runner.ts';
import { guardRun, type AgentSettings } from './common.ts';

/** Output beyond this is dropped (the run keeps 64 KiB anyway); the process keeps running to completion. */
export const MAX_COMMAND_OUTPUT_BYTES = 1024 * 1024;
const STDERR_TAIL_BYTES = 4096;
const STDERR_IN_MESSAGE = 500;

export interface CommandAgentOptions {
  /** Commands run programs on the host: only the local server allows them. */
  allowCommands?: boolean;
  /**
   * The environment of the command; defaults to a minimal one (minimalCommandEnv), never this process's, which holds
   * the server's keys. Run details are added as AGENT_SCHEDULES_* variables.
   */
  env?: NodeJS.ProcessEnv;
}

/** Variables a program needs to start and find its tools; nothing that names a key or a credential. */
const BASE_ENV_NAMES = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'TERM', 'SYSTEMROOT', 'WINDIR'] as const;

/** The environment command agents get: the base variables of `from`, plus the operator's allow-listed names. */
export function minimalCommandEnv(from: NodeJS.ProcessEnv = process.env, allowListed: readonly string[] = []): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of [...BASE_ENV_NAMES, ...allowListed]) {
    const value = from[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** Kills the process and everything it started (its process group on POSIX, /T on Windows). */
export function killTree(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  if (process.platform === 'win32') {
    spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on('error', () => child.kill('SIGKILL'));
    return;
  }
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

export class CommandAgentRunner {
  readonly #options: CommandAgentOptions;

  constructor(options: CommandAgentOptions = {}) {
    this.#options = options;
  }

  run(agent: AgentSettings<'command'>, request: AgentRequest, signal: AbortSignal): Promise<AgentResult> {
    return guardRun(signal, async () => {
      if (this.#options.allowCommands !== true) {
        throw new AgentError('forbidden_target', 'command agents run only on the local server.');
      }
      return new Promise<AgentResult>((resolve, reject) => {
        const child = spawn(agent.command, agent.args ?? [], {
          shell: false,
          stdio: ['pipe', 'pipe', 'pipe'],
          // Its own process group, so an abort kills whatever the command started too.
          detached: process.platform !== 'win32',
          windowsHide: true,
          env: {
            ...(this.#options.env ?? minimalCommandEnv()),
            AGENT_SCHEDULES_RUN_ID: request.runId,
            AGENT_SCHEDULES_SCHEDULE_ID: request.scheduleId ?? '',
            AGENT_SCHEDULES_SCHEDULED_TIME: request.scheduledTime ?? '',
            AGENT_SCHEDULES_ENVIRONMENT_ID: request.environmentId ?? '',
          },
        });
        const onAbort = (): void => killTree(child);
        signal.addEventListener('abort', onAbort, { once: true });
        if (signal.aborted) killTree(child);

        const stdout: Buffer[] = [];
        let stdoutBytes = 0;
        let stderr = Buffer.alloc(0);
        child.stdout.on('data', (chunk: Buffer) => {
          if (stdoutBytes >= MAX_COMMAND_OUTPUT_BYTES) return;
          const kept = chunk.subarray(0, MAX_COMMAND_OUTPUT_BYTES - stdoutBytes);
          stdout.push(kept);
          stdoutBytes += kept.length;
        });
        child.stderr.on('data', (chunk: Buffer) => {
          stderr = Buffer.concat([stderr, chunk]);
          if (stderr.length > STDERR_TAIL_BYTES) stderr = stderr.subarray(stderr.length - STDERR_TAIL_BYTES);
        });
        // A command that does not read its stdin closes the pipe: that is not an error.
        child.stdin.on('error', () => {});
        child.stdin.end(request.task, 'utf8');

        child.on('error', (error) => {
          signal.removeEventListener('abort', onAbort);
          reject(new AgentError('agent_error', `Could not start the command "${agent.command}": ${error.message}`, { cause: error }));
        });
        child.on('close', (code, killedBy) => {
          signal.removeEventListener('abort', onAbort);
          if (code === 0) {
            resolve({ output: Buffer.concat(stdout).toString('utf8') });
            return;
          }
          const tail = stderr.toString('utf8').trim().slice(-STDERR_IN_MESSAGE);
          const how = code === null ? `was killed by ${killedBy ?? 'a signal'}` : `exited with code ${code}`;
          reject(new AgentError('agent_error', `The command ${how}${tail === '' ? '.' : `: ${tail}`}`));
        });
      });
    });
  }
}
