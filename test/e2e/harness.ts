// Shared by the end-to-end tests: one local server per test file (DynamoDB Local + the real handlers), a clock the
// test controls, and a small fetch wrapper that keeps every response body so a test can check what was ever sent back.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalServer, type LocalServer, type LocalServerOptions } from '#local/server.ts';

/** The instant every e2e test starts at, so nextRunAt values are exact. */
export const START = new Date('2026-11-20T00:00:00Z');

export interface TestClock {
  now(): Date;
  set(instant: Date | string): void;
}

export function fixedClock(start: Date = START): TestClock {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set: (instant) => {
      current = new Date(instant);
    },
  };
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body; undefined when the body is empty or not JSON. */
  json: any;
}

export interface RequestOptions {
  /** The bearer token; null sends no Authorization header at all. */
  key?: string | null;
  /** A value to send as JSON (serialised with JSON.stringify). */
  body?: unknown;
  /** A body sent exactly as given (for malformed JSON and oversized bodies). */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface E2eServer {
  server: LocalServer;
  clock: TestClock;
  url: string;
  /** Every response this file received, in order: bodies are checked for stack traces and leaked keys. */
  responses: Array<{ method: string; path: string; status: number; text: string }>;
  request(method: string, path: string, options?: RequestOptions): Promise<ApiResponse>;
  /** Issues a tenant API key with the admin key; returns the key and its id. */
  createKey(input: { tenantId: string; userId: string; teamId?: string; name?: string }): Promise<{ apiKey: string; keyId: string }>;
  stop(): Promise<void>;
}

export async function startE2eServer(extra: Pick<LocalServerOptions, 'demoAgent' | 'console'> = {}): Promise<E2eServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'agent-schedules-e2e-'));
  const clock = fixedClock();
  // No periodic sweep: its real-time loop would find runs and fires "late" on a clock the tests move by hand.
  // The console is built only by the files that use it (several files building it at once would race).
  const server = await startLocalServer({ inMemory: true, tickIntervalMs: 0, sweepIntervalMs: 0, port: 0, dataDir, clock, ...extra });
  const responses: E2eServer['responses'] = [];

  async function request(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    const key = options.key === undefined ? server.apiKey : options.key;
    if (key !== null) headers.Authorization = `Bearer ${key}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['Content-Type'] ??= 'application/json';
    }
    const response = await fetch(`${server.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    responses.push({ method, path, status: response.status, text });
    return { status: response.status, headers: response.headers, text, json };
  }

  async function createKey(input: { tenantId: string; userId: string; teamId?: string; name?: string }) {
    const response = await request('POST', '/v1/admin/api-keys', {
      key: server.adminKey,
      body: {
        tenantId: input.tenantId,
        userId: input.userId,
        ...(input.teamId ? { teamId: input.teamId } : {}),
        name: input.name ?? `${input.userId} e2e key`,
      },
    });
    if (response.status !== 201) throw new Error(`Could not issue an API key: ${response.status} ${response.text}`);
    return { apiKey: response.json.apiKey as string, keyId: response.json.keyId as string };
  }

  return {
    server,
    clock,
    url: server.url,
    responses,
    request,
    createKey,
    async stop() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** An agent the service can name by id; its URL is never called by these tests (nothing is triggered). */
export function httpAgent(id: string, name = `Agent ${id}`) {
  return { id, name, kind: 'http', url: 'http://127.0.0.1:9/agent' };
}
