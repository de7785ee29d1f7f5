import { createHmac } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentRunnerRegistry, type AgentRunnerOptions } from '#shared/adapters/agents/index.ts';
import { SIGNATURE_HEADER, verifySignature } from '#shared/adapters/agents/http-agent.ts';
import type { AgentError } from '#shared/ports/agent-runner.ts';
import { AgentSecretReader } from '#shared/adapters/secrets/agent-secret-reader.ts';
import { FileVault } from '#shared/adapters/secrets/file-vault.ts';
import { type AgentServer, agentOf, agentRequest, closedPort, failure, generous, json, startAgentServer } from './support.ts';

const SIGNING_SECRET = 'whsec_test_signing_secret';
const TOKEN = 'tok_live_4f9a8b7c6d5e';
const TOKEN_ENV = 'AGENT_SCHEDULES_TEST_HTTP_TOKEN';

// The runner's secret reader, with the test's variables allow-listed as an operator would (AGENT_SECRET_ENV_NAMES).
const secrets = new AgentSecretReader({
  vault: new FileVault(),
  policy: { secretsPrefix: 'agent-schedules/test/agents/', envNames: [TOKEN_ENV, 'AGENT_SCHEDULES_TEST_UNSET'] },
});
const registry = (options: Partial<AgentRunnerOptions> = {}): AgentRunnerRegistry =>
  new AgentRunnerRegistry({
    signingSecret: SIGNING_SECRET,
    allowLoopback: true,
    readSecret: (reference, tenantId) => secrets.read(tenantId, reference),
    ...options,
  });

const servers: AgentServer[] = [];
async function server(...args: Parameters<typeof startAgentServer>): Promise<AgentServer> {
  const started = await startAgentServer(...args);
  servers.push(started);
  return started;
}

beforeAll(() => {
  process.env[TOKEN_ENV] = TOKEN;
});
afterAll(() => {
  delete process.env[TOKEN_ENV];
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('the http agent', () => {
  it("sends the run's traceparent, which an agent's own headers cannot replace", async () => {
    const agent = await server((_request, res) => json(res, 200, { output: 'ok' }));
    const traceparent = '00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01';
    await registry().run(
      agentOf({ kind: 'http', name: 'Traced', url: agent.url(), headers: { traceparent: '00-forged-forged-00' } }),
      agentRequest({ traceparent }),
      generous(),
    );
    expect(agent.requests[0]!.headers.traceparent).toBe(traceparent);
  });

  it('refuses an env reference the operator did not allow-list, without calling the agent', async () => {
    const agent = await server((_request, res) => json(res, 200, { output: 'ok' }));
    process.env.AGENT_SCHEDULES_TEST_NOT_LISTED = 'leak';
    const error = await failure(
      registry().run(agentOf({ kind: 'http', name: 'Thief', url: agent.url(), secretRef: 'env:AGENT_SCHEDULES_TEST_NOT_LISTED' }), agentRequest(), generous()),
    );
    delete process.env.AGENT_SCHEDULES_TEST_NOT_LISTED;
    expect(error.kind).toBe('agent_error');
    expect(error.message).toContain('refused');
    expect(agent.requests).toHaveLength(0);
  });

  it('posts exactly the run payload with the bearer, the static headers and a verifiable signature, and returns the JSON output', async () => {
    const agent = await server((_request, res) => json(res, 200, { output: 'All 12 tickets summarised.' }));
    const result = await registry().run(
      agentOf({
        kind: 'http',
        name: 'Support',
        url: agent.url('/hooks/agent?x=1'),
        secretRef: `env:${TOKEN_ENV}`,
        headers: { 'X-Team': 'support', 'User-Agent': 'custom-agent' },
      }),
      agentRequest(),
      generous(),
    );

    expect(result).toEqual({ output: 'All 12 tickets summarised.' });
    expect(agent.requests).toHaveLength(1);
    const [received] = agent.requests;
    expect(received?.method).toBe('POST');
    expect(received?.path).toBe('/hooks/agent?x=1');
    expect(JSON.parse(received?.body ?? '')).toEqual({
      task: 'Summarise yesterday’s support tickets',
      scheduleId: 'sched_3xK9mQ2vLp8RtY6w',
      runId: 'run_20260115T090000Z_0123456789ab',
      scheduledTime: '2026-01-15T09:00:00.000Z',
      metadata: { team: 'support', priority: 2 },
      environmentId: 'env_production',
    });
    expect(received?.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'custom-agent',
      authorization: `Bearer ${TOKEN}`,
      'x-team': 'support',
    });
    const signature = received?.headers[SIGNATURE_HEADER.toLowerCase()];
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(signature as string, received?.body ?? '', SIGNING_SECRET)).toBe(true);
    expect(verifySignature(signature as string, received?.body ?? '', 'another_secret')).toBe(false);
  });

  it('sends no authorization header when the agent has no secretRef, and sends user-agent agent-schedules by default', async () => {
    const agent = await server((_request, res) => json(res, 200, { output: 'ok' }));
    await registry().run(agentOf({ kind: 'http', name: 'Open', url: agent.url() }), agentRequest(), generous());
    expect(agent.requests[0]?.headers.authorization).toBeUndefined();
    expect(agent.requests[0]?.headers['user-agent']).toBe('agent-schedules');
  });

  it('does not let static headers replace the content type or the signature', async () => {
    const agent = await server((_request, res) => json(res, 200, { output: 'ok' }));
    await registry().run(
      agentOf({ kind: 'http', name: 'Sneaky', url: agent.url(), headers: { 'Content-Type': 'text/plain', [SIGNATURE_HEADER]: 't=1,v1=forged' } }),
      agentRequest(),
      generous(),
    );
    const received = agent.requests[0];
    expect(received?.headers['content-type']).toBe('application/json');
    expect(verifySignature(received?.headers[SIGNATURE_HEADER.toLowerCase()] as string, received?.body ?? '', SIGNING_SECRET)).toBe(true);
  });

  it('takes the whole text body as the output when the agent answers text', async () => {
    const agent = await server((_request, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Plain answer,\nover two lines ✓');
    });
    const result = await registry().run(agentOf({ kind: 'http', name: 'Text', url: agent.url() }), agentRequest(), generous());
    expect(result).toEqual({ output: 'Plain answer,\nover two lines ✓' });
  });

  it('stringifies an output that is not a string', async () => {
    const agent = await server((_request, res) => json(res, 200, { output: { tickets: 12, urgent: ['T-1'] } }));
    const result = await registry().run(agentOf({ kind: 'http', name: 'Structured', url: agent.url() }), agentRequest(), generous());
    expect(result.output).toBe('{"tickets":12,"urgent":["T-1"]}');
  });

  it('reports usage given as inputTokens/outputTokens/totalTokens', async () => {
    const agent = await server((_request, res) => json(res, 200, { output: 'done', usage: { inputTokens: 120, outputTokens: 30, totalTokens: 150 } }));
    const result = await registry().run(agentOf({ kind: 'http', name: 'Usage', url: agent.url() }), agentRequest(), generous());
    expect(result).toEqual({ output: 'done', usage: { inputTokens: 120, outputTokens: 30, totalTokens: 150 } });
  });

  it('reports OpenAI-style usage (prompt_tokens, completion_tokens, total_tokens)', async () => {
    const agent = await server((_request, res) => json(res, 200, { output: 'done', usage: { prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 } }));
    const result = await registry().run(agentOf({ kind: 'http', name: 'Usage', url: agent.url() }), agentRequest(), generous());
    expect(result.usage).toEqual({ inputTokens: 7, outputTokens: 5, totalTokens: 12 });
  });

  it('times out an agent that hangs at the deadline, and closes the connection', async () => {
    const agent = await server(() => {
      /* never answers */
    });
    const started = Date.now();
    const error = await failure(registry().run(agentOf({ kind: 'http', name: 'Hangs', url: agent.url() }), agentRequest(), AbortSignal.timeout(200)));
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe('The agent did not answer within the run deadline.');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(agent.requests).toHaveLength(1);
    await agent.requests[0]?.closed;
  });

  it('fails with http_status and an excerpt of the body when the agent answers 500', async () => {
    const agent = await server((_request, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`model overloaded ${'x'.repeat(400)}`);
    });
    const error = await failure(registry().run(agentOf({ kind: 'http', name: 'Broken', url: agent.url() }), agentRequest(), generous()));
    expect(error.kind).toBe('http_status');
    expect(error.message).toBe(`Agent answered HTTP 500: model overloaded ${'x'.repeat(200 - 'model overloaded '.length)}`);
  });

  it('never puts the bearer secret in an error message, even when the agent echoes it', async () => {
    const agent = await server((request, res) => {
      res.writeHead(401, { 'content-type': 'text/plain' });
      res.end(`bad token: ${String(request.headers.authorization)}`);
    });
    const error = await failure(
      registry().run(agentOf({ kind: 'http', name: 'Echo', url: agent.url(), secretRef: `env:${TOKEN_ENV}` }), agentRequest(), generous()),
    );
    expect(error.kind).toBe('http_status');
    expect(error.message).toBe('Agent answered HTTP 401: bad token: Bearer [redacted]');
    expect(error.message).not.toContain(TOKEN);
  });

  it('fails with invalid_response when the agent answers garbage labelled application/json', async () => {
    const agent = await server((_request, res) => json(res, 200, '<html>not json</html>'));
    const error = await failure(registry().run(agentOf({ kind: 'http', name: 'Garbage', url: agent.url() }), agentRequest(), generous()));
    expect(error.kind).toBe('invalid_response');
  });

  it('fails with invalid_response when the JSON answer has no output, keeping its usage', async () => {
    const agent = await server((_request, res) => json(res, 200, { result: 'wrong field', usage: { inputTokens: 3, outputTokens: 1 } }));
    const error = await failure(registry().run(agentOf({ kind: 'http', name: 'No output', url: agent.url() }), agentRequest(), generous()));
    expect(error.kind).toBe('invalid_response');
    expect(error.message).toContain('"output"');
    expect(error.usage).toEqual({ inputTokens: 3, outputTokens: 1, totalTokens: 4 });
  });

  it('fails with network when nothing listens on the port', async () => {
    const port = await closedPort();
    const error = await failure(registry().run(agentOf({ kind: 'http', name: 'Gone', url: `http://127.0.0.1:${port}/agent` }), agentRequest(), generous()));
    expect(error.kind).toBe('network');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('fails with network when the host does not resolve', async () => {
    const error = await failure(registry().run(agentOf({ kind: 'http', name: 'Nowhere', url: 'http://agent.invalid/run' }), agentRequest(), generous()));
    expect(error.kind).toBe('network');
  });

  it('fails with agent_error naming the reference when the secret cannot be read', async () => {
    const agent = await server((_request, res) => json(res, 200, { output: 'ok' }));
    const error = await failure(
      registry().run(agentOf({ kind: 'http', name: 'No secret', url: agent.url(), secretRef: 'env:AGENT_SCHEDULES_TEST_UNSET' }), agentRequest(), generous()),
    );
    expect(error.kind).toBe('agent_error');
    expect(error.message).toContain('env:AGENT_SCHEDULES_TEST_UNSET');
    expect(agent.requests).toHaveLength(0);
  });

  it('answers timeout at once when the signal is already aborted', async () => {
    const agent = await server((_request, res) => json(res, 200, { output: 'ok' }));
    const error = await failure(registry().run(agentOf({ kind: 'http', name: 'Late', url: agent.url() }), agentRequest(), AbortSignal.abort()));
    expect(error.kind).toBe('timeout');
    expect(agent.connections()).toBe(0);
  });
});

describe('the SSRF guard of the http agent', () => {
  const refused = async (url: string, options: Partial<AgentRunnerOptions> = {}): Promise<AgentError> => {
    const error = await failure(registry({ allowLoopback: false, ...options }).run(agentOf({ kind: 'http', name: 'Target', url }), agentRequest(), generous()));
    expect(error.kind).toBe('forbidden_target');
    return error;
  };

  it('refuses 127.0.0.1 when loopback is not allowed, without connecting', async () => {
    const agent = await server((_request, res) => json(res, 200, { output: 'should not run' }));
    const error = await refused(agent.url());
    expect(error.message).toContain('loopback');
    expect(error.message).toContain('allowLoopback');
    expect(agent.requests).toHaveLength(0);
    expect(agent.connections()).toBe(0);
  });

  it('refuses a hostname that resolves to loopback ("localhost"), without connecting', async () => {
    const agent = await server((_request, res) => json(res, 200, { output: 'should not run' }));
    const error = await refused(`http://localhost:${agent.port}/agent`);
    expect(error.message).toContain('localhost');
    expect(error.message).toContain('loopback');
    expect(agent.connections()).toBe(0);
  });

  it('refuses the cloud metadata address 169.254.169.254 even with private targets allowed', async () => {
    const error = await refused('http://169.254.169.254/latest/meta-data/', { allowPrivateTargets: true, allowLoopback: true });
    expect(error.message).toContain('link-local');
    expect(error.message).toContain('allowedHosts');
  });

  it('refuses a private network address (10.0.0.1) and says how to allow it', async () => {
    const error = await refused('http://10.0.0.1:8080/agent');
    expect(error.message).toContain('private network address in 10.0.0.0/8');
    expect(error.message).toContain('allowPrivateTargets');
  });

  it('refuses the IPv6 loopback [::1]', async () => {
    const error = await refused('http://[::1]:9/agent');
    expect(error.message).toContain('::1');
  });

  it('refuses an IPv4-mapped IPv6 loopback address', async () => {
    const error = await refused('http://[::ffff:127.0.0.1]:9/agent');
    expect(error.message).toContain('loopback');
  });

  it('refuses URLs that are not http or https', async () => {
    const error = await refused('ftp://example.com/agent');
    expect(error.message).toContain('http: or https:');
  });

  it('lets a host listed in allowedHosts through even when loopback is not allowed', async () => {
    const agent = await server((_request, res) => json(res, 200, { output: 'allowed' }));
    const result = await registry({ allowLoopback: false, allowedHosts: ['127.0.0.1'] }).run(
      agentOf({ kind: 'http', name: 'Listed', url: agent.url() }),
      agentRequest(),
      generous(),
    );
    expect(result.output).toBe('allowed');
  });

  it('lets "localhost" through when loopback is allowed, connecting to the vetted address', async () => {
    const agent = await server((_request, res) => json(res, 200, { output: 'local' }));
    const result = await registry({ allowLoopback: true }).run(
      agentOf({ kind: 'http', name: 'Local', url: `http://localhost:${agent.port}/agent` }),
      agentRequest(),
      generous(),
    );
    expect(result.output).toBe('local');
  });
});

describe('verifySignature', () => {
  const body = '{"task":"t"}';
  const header = (t: number, secret = SIGNING_SECRET, signed = body): string => {
    return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${signed}`).digest('hex')}`;
  };
  const now = 1_768_000_000;

  it('accepts a fresh signature over the exact body', () => {
    expect(verifySignature(header(now), body, SIGNING_SECRET, 300, now + 10)).toBe(true);
  });

  it('rejects a signature older than the tolerance (a replay)', () => {
    expect(verifySignature(header(now), body, SIGNING_SECRET, 300, now + 301)).toBe(false);
  });

  it('rejects a signature over a different body', () => {
    expect(verifySignature(header(now, SIGNING_SECRET, '{"task":"other"}'), body, SIGNING_SECRET, 300, now)).toBe(false);
  });

  it('accepts any matching v1 value, so secrets can be rotated', () => {
    const rotated = `${header(now, 'old_secret')},v1=${header(now).split('v1=')[1]}`;
    expect(verifySignature(rotated, body, SIGNING_SECRET, 300, now)).toBe(true);
  });

  it('rejects a missing or malformed header', () => {
    expect(verifySignature(undefined, body, SIGNING_SECRET)).toBe(false);
    expect(verifySignature('v1=abc', body, SIGNING_SECRET)).toBe(false);
    expect(verifySignature(`t=${now}`, body, SIGNING_SECRET, 300, now)).toBe(false);
  });
});
