// What every CLI command shares: the global options, the SDK client they build, printing, and exit codes.
import { AgentSchedulesError, createClient, type AgentSchedulesClient } from '../client/index.ts';
import { ConfigError, credentials, resolveProfile } from './profiles.ts';
import { outputMode, type OutputMode } from './render.ts';

/** The exit codes, as documented in `agent-schedules --help` and the README. */
export const EXIT = {
  ok: 0,
  /** The API refused the request or failed (its error is on stderr). */
  apiError: 1,
  /** Bad usage: an unknown command or option, a missing argument. */
  usage: 2,
  /** No URL or key configured, or an unreadable profile file. */
  config: 3,
  /** The API could not be reached. */
  network: 4,
} as const;

/** Runs a command's action and turns what it throws (or a number it answers) into the exit code. */
export type RunAction = (action: () => Promise<unknown>) => Promise<void>;

export interface GlobalOptions {
  profile?: string;
  url?: string;
  json?: boolean;
  output?: string;
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  isTty: boolean;
  /** All of stdin (for `configure`, which reads the key from there rather than from a flag that shell history keeps). */
  readStdin(): Promise<string>;
}

export const processIo = (): Io => ({
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
  isTty: process.stdout.isTTY === true,
  readStdin: async () => {
    if (process.stdin.isTTY) return '';
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
});

export class Cli {
  constructor(
    readonly io: Io,
    private readonly globals: () => GlobalOptions,
  ) {}

  get mode(): OutputMode {
    return outputMode(this.globals(), this.io.isTty);
  }

  private clientWith(key: 'apiKey' | 'adminKey'): AgentSchedulesClient {
    const options = this.globals();
    const profile = resolveProfile(options.profile, this.io.env, this.io.err);
    const { url, key: secret } = credentials({ ...profile, ...(options.url ? { url: options.url } : {}) }, key);
    return createClient({ baseUrl: url, apiKey: secret });
  }

  /** The client for tenant routes (the profile's API key). */
  client(): AgentSchedulesClient {
    return this.clientWith('apiKey');
  }

  /** The client for admin routes (the profile's admin key). */
  adminClient(): AgentSchedulesClient {
    return this.clientWith('adminKey');
  }

  /** Prints a result: JSON as the API sent it, or `human(data)` at a terminal. */
  print<T>(data: T, human: (data: T) => string): void {
    this.io.out(this.mode === 'json' ? JSON.stringify(data, null, this.io.isTty ? 2 : undefined) : human(data));
  }

  /** Prints an error on stderr (JSON in JSON mode) and returns the exit code it means. */
  fail(error: unknown): number {
    if (error instanceof AgentSchedulesError) {
      const { code, message, details, requestId, status } = error;
      if (this.mode === 'json') {
        this.io.err(JSON.stringify({ error: { status, code, message, ...(details ? { details } : {}), ...(requestId ? { requestId } : {}) } }));
      } else {
        const lines = [`error: ${message} (${code}${status ? `, HTTP ${status}` : ''})`];
        if (details?.field) lines.push(`  field: ${details.field}`);
        if (details?.hint) lines.push(`  hint: ${details.hint}`);
        if (requestId) lines.push(`  request id: ${requestId}`);
        this.io.err(lines.join('\n'));
      }
      return status === 0 ? EXIT.network : EXIT.apiError;
    }
    if (error instanceof ConfigError) {
      this.io.err(
        this.mode === 'json'
          ? JSON.stringify({ error: { code: 'not_configured', message: error.message, details: { hint: error.hint } } })
          : `error: ${error.message}\n  hint: ${error.hint}`,
      );
      return EXIT.config;
    }
    throw error;
  }
}
