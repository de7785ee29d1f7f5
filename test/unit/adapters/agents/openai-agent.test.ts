import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentRunnerRegistry } from '#shared/adapters/agents/index.ts';
import { type AgentServer, type ReceivedRequest, agentOf, agentRequest, failure, generous, json, startAgentServer } from './support.ts';
import { AgentSecretReader } from '#shared/adapters/secrets/agent-secret-reader.ts';
import { FileVault } from '#shared/adapters/secrets/file-vault.ts';

const KEY = 'sk-test-9f8e7d6c5b4a';
const KEY_ENV = 'AGENT_SCHEDULES_TEST_OPENAI_KEY';

let server: AgentServer;
let answer: (request: ReceivedRequest) => { status: number; body: unknown };

const completion = (content: unknown, usage?: unknown): unknown => ({
  id: 'chatcmpl-123',
  object: 'chat.completion',
  created: 1_768_000_000,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  ...(usage === undefined ? {} : { usage }),
});

beforeAll(async () => {
  process.env[KEY_ENV] = KEY;
  server = await startAgentServer((request, res) => {
    if (request.method !== 'POST' || request.path !== '/v1/chat/completions') {
      json(res, 404, { error: { message: `no route ${request.method} ${request.path}` } });
      return;
    }
    const { status, body } = answer(request);
    json(res, status, body);
  });
});
afterAll(async () => {
  delete process.env[KEY_ENV];
  await server.close();
});
afterEach(() => {
  server.requests.splice(0);
});

// The runner's secret reader, with the test's variable allow-listed as an operator would (AGENT_SECRET_ENV_NAMES).
const secrets = new AgentSecretReader({ vault: new FileVault(), policy: { secretsPrefix: 'agent-schedules/test/agents/', envNames: [KEY_ENV] } });
const registry = (): AgentRunnerRegistry =>
  new AgentRunnerRegistry({ signingSecret: 'whsec_openai_tests', allowLoopback: true, readSecret: (reference, tenantId) => secrets.read(tenantId, reference) });

describe('the openai agent', () => {
  it('posts the model, the system prompt and the task to /chat/completions with the bearer, and returns the message with usage', async () => {
    answer = () => ({ status: 200, body: completion('Three tickets need a reply today.', { prompt_tokens: 42, completion_tokens: 9, total_tokens: 51 }) });
    const result = await registry().run(
      agentOf({
        kind: 'openai',
        name: 'GPT',
        baseUrl: server.url('/v1'),
        model: 'gpt-4o-mini',
        systemPrompt: 'You triage support tickets.',
        secretRef: `env:${KEY_ENV}`,
      }),
      agentRequest(),
      generous(),
    );

    expect(result).toEqual({ output: 'Three tickets need a reply today.', usage: { inputTokens: 42, outputTokens: 9, totalTokens: 51 } });
    expect(server.requests).toHaveLength(1);
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'You triage support tickets.' },
        { role: 'user', content: 'Summarise yesterday’s support tickets' },
      ],
    });
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(server.requests[0]?.headers['content-type']).toBe('application/json');
  });

  it('sends only the user message and no authorization for a keyless local model (Ollama) with a trailing slash in baseUrl', async () => {
    answer = () => ({ status: 200, body: completion('pong') });
    const result = await registry().run(
      agentOf({ kind: 'openai', name: 'Ollama', baseUrl: server.url('/v1/'), model: 'llama3.2' }),
      agentRequest({ task: 'ping' }),
      generous(),
    );

    expect(result).toEqual({ output: 'pong' });
    expect(JSON.parse(server.requests[0]?.body ?? '')).toEqual({ model: 'llama3.2', messages: [{ role: 'user', content: 'ping' }] });
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('fails with http_status when the API answers 401, without the key in the message', async () => {
    answer = (request) => ({
      status: 401,
      body: { error: { message: `Incorrect API key provided: ${String(request.headers.authorization)}`, type: 'invalid_request_error' } },
    });
    const error = await failure(
      registry().run(
        agentOf({ kind: 'openai', name: 'GPT', baseUrl: server.url('/v1'), model: 'gpt-4o-mini', secretRef: `env:${KEY_ENV}` }),
        agentRequest(),
        generous(),
      ),
    );
    expect(error.kind).toBe('http_status');
    expect(error.message).toMatch(/^Agent answered HTTP 401: \{"error":\{"message":"Incorrect API key provided: Bearer \[redacted\]"/);
    expect(error.message).not.toContain(KEY);
  });

  it('fails with invalid_response when the answer has no message content', async () => {
    answer = () => ({ status: 200, body: { choices: [], usage: { prompt_tokens: 1, completion_tokens: 0, total_tokens: 1 } } });
    const error = await failure(registry().run(agentOf({ kind: 'openai', name: 'Empty', baseUrl: server.url('/v1'), model: 'm' }), agentRequest(), generous()));
    expect(error.kind).toBe('invalid_response');
    expect(error.usage).toEqual({ inputTokens: 1, outputTokens: 0, totalTokens: 1 });
  });

  it('fails with forbidden_target when the base URL is loopback and loopback is not allowed', async () => {
    const error = await failure(
      new AgentRunnerRegistry({ signingSecret: 's' }).run(
        agentOf({ kind: 'openai', name: 'Local', baseUrl: server.url('/v1'), model: 'm' }),
        agentRequest(),
        generous(),
      ),
    );
    expect(error.kind).toBe('forbidden_target');
    expect(server.requests).toHaveLength(0);
  });
});
