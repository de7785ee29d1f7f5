// The http agent and long-running agents: the callback it offers in the payload, and a 202 Accepted answer.
import { afterEach, describe, expect, it } from 'vitest';
import { AgentRunnerRegistry } from '#shared/adapters/agents/index.ts';
import { agentPayload } from '#shared/adapters/agents/common.ts';
import { type AgentServer, agentOf, agentRequest, failure, generous, json, startAgentServer } from './support.ts';

const callback = { url: 'https://api.example.com/v1/callbacks/YWNtZQ', token: 'a1'.repeat(32) };
const registry = () => new AgentRunnerRegistry({ signingSecret: 'whsec_test', allowLoopback: true });

const servers: AgentServer[] = [];
async function server(...args: Parameters<typeof startAgentServer>): Promise<AgentServer> {
  const started = await startAgentServer(...args);
  servers.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('the http agent with a callback', () => {
  it('sends callbackUrl and callbackToken in the payload, and takes 202 Accepted as accepted, whatever the body', async () => {
    const agent = await server((_request, res) => json(res, 202, { status: 'working', output: 'not this' }));

    const result = await registry().run(agentOf({ kind: 'http', name: 'Slow', url: agent.url() }), agentRequest({ callback }), generous());

    expect(result).toEqual({ output: '', accepted: true });
    expect(JSON.parse(agent.requests[0]!.body)).toMatchObject({
      runId: 'run_20260115T090000Z_0123456789ab',
      callbackUrl: callback.url,
      callbackToken: callback.token,
    });
  });

  it('still takes a synchronous 200 answer as the result when a callback was offered', async () => {
    const agent = await server((_request, res) => json(res, 200, { output: 'done now' }));
    const result = await registry().run(agentOf({ kind: 'http', name: 'Quick', url: agent.url() }), agentRequest({ callback }), generous());
    expect(result).toEqual({ output: 'done now' });
  });

  it('fails a 202 with invalid_response naming PUBLIC_BASE_URL when the run offered no callback, and sends no callback fields', async () => {
    const agent = await server((_request, res) => json(res, 202, {}));

    const error = await failure(registry().run(agentOf({ kind: 'http', name: 'Slow', url: agent.url() }), agentRequest(), generous()));

    expect(error.kind).toBe('invalid_response');
    expect(error.message).toContain('PUBLIC_BASE_URL');
    const payload = JSON.parse(agent.requests[0]!.body);
    expect(payload).not.toHaveProperty('callbackUrl');
    expect(payload).not.toHaveProperty('callbackToken');
  });

  it('never puts the callback token into an error message, even when the agent echoes the request', async () => {
    const agent = await server((request, res) => json(res, 500, `bad token ${JSON.parse(request.body).callbackToken}`, 'text/plain'));
    const error = await failure(registry().run(agentOf({ kind: 'http', name: 'Echo', url: agent.url() }), agentRequest({ callback }), generous()));
    expect(error.kind).toBe('http_status');
    expect(error.message).toContain('[redacted]');
    expect(error.message).not.toContain(callback.token);
  });

  it('gives the callback only to agent kinds that can answer 202 (the lambda payload has none)', () => {
    expect(agentPayload(agentRequest({ callback }))).not.toHaveProperty('callbackToken');
    expect(agentPayload(agentRequest({ callback }), { withCallback: true })).toMatchObject({ callbackUrl: callback.url, callbackToken: callback.token });
  });
});
