// Test support for the agent adapters: real local HTTP servers that play agents, and agent/request builders.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Agent } from '#shared/domain/agent.ts';
import type { AnyAgentSettings } from '#shared/adapters/agents/common.ts';
import { expect } from 'vitest';
import { AgentError, type AgentRequest } from '#shared/ports/agent-runner.ts';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Resolves when the client's connection for this request closes. */
  closed: Promise<void>;
}

export interface AgentServer {
  port: number;
  url: (path?: string) => string;
  requests: ReceivedRequest[];
  connections: () => number;
  close: () => Promise<void>;
}

type Handler = (request: ReceivedRequest, res: ServerResponse) => void;

/** A real node:http server on 127.0.0.1 (port 0) that records each request (body included) and answers with `handler`. */
export async function startAgentServer(handler: Handler): Promise<AgentServer> {
  const requests: ReceivedRequest[] = [];
  let connections = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const closed = new Promise<void>((resolve) => req.socket.once('close', () => resolve()));
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const received: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        closed,
      };
      requests.push(received);
      handler(received, res);
    });
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: (path = '/agent') => `http://127.0.0.1:${port}${path}`,
    requests,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function json(res: ServerResponse, status: number, value: unknown, contentType = 'application/json'): void {
  res.writeHead(status, { 'content-type': contentType });
  res.end(typeof value === 'string' ? value : JSON.stringify(value));
}

export const agentRequest = (overrides: Partial<AgentRequest> = {}): AgentRequest => ({
  task: 'Summarise yesterday’s support tickets',
  runId: 'run_20260115T090000Z_0123456789ab',
  scheduleId: 'sched_3xK9mQ2vLp8RtY6w',
  scheduledTime: '2026-01-15T09:00:00.000Z',
  metadata: { team: 'support', priority: 2 },
  environmentId: 'env_production',
  tenantId: 'tenant_1',
  ...overrides,
});

/** A stored agent of one kind (the domain Agent type only names the common fields). */
export function agentOf(settings: AnyAgentSettings): Agent {
  return {
    tenantId: 'tenant_1',
    id: `agent_${settings.kind.replace('-', '_')}`,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    version: 1,
    ...settings,
  } as unknown as Agent;
}

/** Deadline for calls expected to answer quickly; the hang tests use ~200 ms. */
export const generous = (): AbortSignal => AbortSignal.timeout(5_000);

/** The AgentError an agent call fails with; the test fails if the call succeeds or throws anything else. */
export async function failure(promise: Promise<unknown>): Promise<AgentError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AgentError);
    return error as AgentError;
  }
  throw new Error('expected the agent call to fail');
}
