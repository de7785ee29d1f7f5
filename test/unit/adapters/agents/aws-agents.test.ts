import { BedrockAgentRuntimeClient, InvokeAgentCommand, type ResponseStream } from '@aws-sdk/client-bedrock-agent-runtime';
import { BedrockRuntimeClient, ConverseCommand, ThrottlingException } from '@aws-sdk/client-bedrock-runtime';
import { InvokeCommand, LambdaClient, ResourceNotFoundException, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { bedrockSessionId } from '#shared/adapters/agents/bedrock-agent.ts';
import { AgentRunnerRegistry } from '#shared/adapters/agents/index.ts';
import { agentOf, agentRequest, failure, generous } from './support.ts';

const clientConfig = { region: 'eu-west-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' } };
const bedrock = new BedrockRuntimeClient(clientConfig);
const bedrockAgent = new BedrockAgentRuntimeClient(clientConfig);
const lambda = new LambdaClient(clientConfig);
const bedrockMock = mockClient(bedrock);
const bedrockAgentMock = mockClient(bedrockAgent);
const lambdaMock = mockClient(lambda);

const registry = new AgentRunnerRegistry({ signingSecret: 'whsec_aws_tests', clients: { bedrock, bedrockAgent, lambda } });

const FUNCTION_ARN = 'arn:aws:lambda:eu-west-1:123456789012:function:ticket-agent';
const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const lambdaPayload = (text: string): InvokeCommandOutput['Payload'] => encode(text) as InvokeCommandOutput['Payload'];

async function* completion(...events: ResponseStream[]): AsyncIterable<ResponseStream> {
  for (const event of events) yield event;
}

beforeEach(() => {
  bedrockMock.reset();
  bedrockAgentMock.reset();
  lambdaMock.reset();
});

describe('the bedrock agent (Converse)', () => {
  const agent = agentOf({ kind: 'bedrock', name: 'Claude', modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0', systemPrompt: 'You triage support tickets.' });

  it('sends the model, the system prompt and the task, and concatenates the text blocks with usage', async () => {
    bedrockMock.on(ConverseCommand).resolves({
      output: { message: { role: 'assistant', content: [{ text: 'Three tickets ' }, { text: 'need a reply.' }] } },
      stopReason: 'end_turn',
      usage: { inputTokens: 25, outputTokens: 6, totalTokens: 31 },
      metrics: { latencyMs: 120 },
      $metadata: {},
    });

    const result = await registry.run(agent, agentRequest(), generous());

    expect(result).toEqual({ output: 'Three tickets need a reply.', usage: { inputTokens: 25, outputTokens: 6, totalTokens: 31 } });
    const calls = bedrockMock.commandCalls(ConverseCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toStrictEqual({
      modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0',
      system: [{ text: 'You triage support tickets.' }],
      messages: [{ role: 'user', content: [{ text: 'Summarise yesterday’s support tickets' }] }],
    });
  });

  it('sends no system block when the agent has no system prompt', async () => {
    bedrockMock.on(ConverseCommand).resolves({
      output: { message: { role: 'assistant', content: [{ text: 'ok' }] } },
      stopReason: 'end_turn',
      usage: undefined,
      metrics: undefined,
      $metadata: {},
    });
    await registry.run(agentOf({ kind: 'bedrock', name: 'Nova', modelId: 'amazon.nova-micro-v1:0' }), agentRequest({ task: 'ping' }), generous());
    expect(bedrockMock.commandCalls(ConverseCommand)[0]?.args[0].input.system).toBeUndefined();
  });

  it('fails with agent_error named after the AWS error (ThrottlingException)', async () => {
    bedrockMock
      .on(ConverseCommand)
      .rejects(new ThrottlingException({ message: 'Too many requests, please wait.', Message: 'Too many requests, please wait.', $metadata: {} } as never));
    const error = await failure(registry.run(agent, agentRequest(), generous()));
    expect(error.kind).toBe('agent_error');
    expect(error.message).toBe('Bedrock answered ThrottlingException: Too many requests, please wait.');
  });

  it('times out at the deadline when the model does not answer', async () => {
    bedrockMock.on(ConverseCommand).callsFake(() => new Promise(() => {}));
    const error = await failure(registry.run(agent, agentRequest(), AbortSignal.timeout(200)));
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe('The agent did not answer within the run deadline.');
  });
});

describe('the bedrock-agent agent (InvokeAgent)', () => {
  const agent = agentOf({ kind: 'bedrock-agent', name: 'Support bot', bedrockAgentId: 'AGENT12345', aliasId: 'TSTALIASID' });

  it('invokes the agent in a session per schedule and joins the streamed chunks (multi-byte characters split across chunks)', async () => {
    const euro = encode('€');
    bedrockAgentMock.on(InvokeAgentCommand).resolves({
      completion: completion(
        { chunk: { bytes: encode('Total: 12 ') } },
        { trace: { sessionId: 'sched_3xK9mQ2vLp8RtY6w' } } as ResponseStream,
        { chunk: { bytes: euro.subarray(0, 1) } },
        { chunk: { bytes: euro.subarray(1) } },
        { chunk: { bytes: encode(' refunded.') } },
      ),
      contentType: 'application/json',
      sessionId: 'sched_3xK9mQ2vLp8RtY6w',
      $metadata: {},
    });

    const result = await registry.run(agent, agentRequest(), generous());

    expect(result).toEqual({ output: 'Total: 12 € refunded.' });
    expect(bedrockAgentMock.commandCalls(InvokeAgentCommand)[0]?.args[0].input).toStrictEqual({
      agentId: 'AGENT12345',
      agentAliasId: 'TSTALIASID',
      sessionId: 'sched_3xK9mQ2vLp8RtY6w',
      inputText: 'Summarise yesterday’s support tickets',
    });
  });

  it('uses the run id as the session for one-off runs, sanitised to the allowed characters', () => {
    expect(bedrockSessionId({ scheduleId: null, runId: 'run_20260115T090000Z_0123456789ab' })).toBe('run_20260115T090000Z_0123456789ab');
    expect(bedrockSessionId({ scheduleId: 'sched_3xK9mQ2vLp8RtY6w', runId: 'run_x' })).toBe('sched_3xK9mQ2vLp8RtY6w');
    expect(bedrockSessionId({ scheduleId: 'a b/c+d', runId: 'run_x' })).toBe('a-b-c-d');
    expect(bedrockSessionId({ scheduleId: 'x', runId: 'run_x' })).toMatch(/^[0-9a-zA-Z._:-]{2,100}$/);
    expect(bedrockSessionId({ scheduleId: 'y'.repeat(300), runId: 'run_x' })).toHaveLength(100);
  });

  it('fails with agent_error when the stream carries an exception event', async () => {
    bedrockAgentMock.on(InvokeAgentCommand).resolves({
      completion: completion({ chunk: { bytes: encode('partial') } }, {
        throttlingException: { name: 'ThrottlingException', message: 'Rate exceeded' },
      } as unknown as ResponseStream),
      contentType: 'application/json',
      sessionId: 's1',
      $metadata: {},
    });
    const error = await failure(registry.run(agent, agentRequest(), generous()));
    expect(error.kind).toBe('agent_error');
    expect(error.message).toBe('Bedrock Agent answered ThrottlingException: Rate exceeded');
  });

  it('fails with agent_error when reading the stream throws an AWS error', async () => {
    async function* failing(): AsyncIterable<ResponseStream> {
      yield { chunk: { bytes: encode('partial') } };
      throw new ThrottlingException({ message: 'Rate exceeded', Message: 'Rate exceeded', $metadata: {} } as never);
    }
    bedrockAgentMock.on(InvokeAgentCommand).resolves({ completion: failing(), contentType: 'application/json', sessionId: 's1', $metadata: {} });
    const error = await failure(registry.run(agent, agentRequest(), generous()));
    expect(error.kind).toBe('agent_error');
    expect(error.message).toBe('Bedrock Agent answered ThrottlingException: Rate exceeded');
  });

  it('times out at the deadline when the stream stalls', async () => {
    async function* stalls(): AsyncIterable<ResponseStream> {
      yield { chunk: { bytes: encode('thinking…') } };
      await new Promise(() => {});
    }
    bedrockAgentMock.on(InvokeAgentCommand).resolves({ completion: stalls(), contentType: 'application/json', sessionId: 's1', $metadata: {} });
    const error = await failure(registry.run(agent, agentRequest(), AbortSignal.timeout(200)));
    expect(error.kind).toBe('timeout');
  });
});

describe('the lambda agent', () => {
  const agent = agentOf({ kind: 'lambda', name: 'Ticket fn', functionArn: FUNCTION_ARN });

  it('invokes the function synchronously with the run payload and returns its {output} with usage', async () => {
    lambdaMock
      .on(InvokeCommand)
      .resolves({ StatusCode: 200, Payload: lambdaPayload(JSON.stringify({ output: 'done', usage: { inputTokens: 10, outputTokens: 2 } })), $metadata: {} });

    const result = await registry.run(agent, agentRequest(), generous());

    expect(result).toEqual({ output: 'done', usage: { inputTokens: 10, outputTokens: 2, totalTokens: 12 } });
    const input = lambdaMock.commandCalls(InvokeCommand)[0]?.args[0].input;
    expect(input).toStrictEqual({ FunctionName: FUNCTION_ARN, InvocationType: 'RequestResponse', Payload: expect.any(Uint8Array) });
    expect(JSON.parse(new TextDecoder().decode(input?.Payload as Uint8Array))).toStrictEqual({
      task: 'Summarise yesterday’s support tickets',
      scheduleId: 'sched_3xK9mQ2vLp8RtY6w',
      runId: 'run_20260115T090000Z_0123456789ab',
      scheduledTime: '2026-01-15T09:00:00.000Z',
      metadata: { team: 'support', priority: 2 },
      environmentId: 'env_production',
    });
  });

  it('takes a JSON string payload as the output', async () => {
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 200, Payload: lambdaPayload('"just text"'), $metadata: {} });
    await expect(registry.run(agent, agentRequest(), generous())).resolves.toEqual({ output: 'just text' });
  });

  it('fails with agent_error carrying the errorMessage when the function fails', async () => {
    lambdaMock.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: lambdaPayload(
        JSON.stringify({ errorType: 'TypeError', errorMessage: "Cannot read properties of undefined (reading 'id')", trace: ['at handler'] }),
      ),
      $metadata: {},
    });
    const error = await failure(registry.run(agent, agentRequest(), generous()));
    expect(error.kind).toBe('agent_error');
    expect(error.message).toBe("The Lambda agent failed (TypeError): Cannot read properties of undefined (reading 'id')");
  });

  it('fails with invalid_response when the payload is neither {output} nor a JSON string', async () => {
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 200, Payload: lambdaPayload(JSON.stringify({ statusCode: 200, body: 'x' })), $metadata: {} });
    const error = await failure(registry.run(agent, agentRequest(), generous()));
    expect(error.kind).toBe('invalid_response');
  });

  it('fails with agent_error named after the AWS error when the function does not exist', async () => {
    lambdaMock
      .on(InvokeCommand)
      .rejects(
        new ResourceNotFoundException({ message: 'Function not found: ticket-agent', Message: 'Function not found: ticket-agent', $metadata: {} } as never),
      );
    const error = await failure(registry.run(agent, agentRequest(), generous()));
    expect(error.kind).toBe('agent_error');
    expect(error.message).toBe('Lambda answered ResourceNotFoundException: Function not found: ticket-agent');
  });

  it('converts an unexpected exception into agent_error', async () => {
    lambdaMock.on(InvokeCommand).rejects('socket exploded');
    const error = await failure(registry.run(agent, agentRequest(), generous()));
    expect(error.kind).toBe('agent_error');
  });
});
