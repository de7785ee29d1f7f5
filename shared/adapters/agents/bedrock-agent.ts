// The bedrock agents: a model through the Bedrock Converse API, and a Bedrock Agent (InvokeAgent, one session per schedule).
import { BedrockAgentRuntimeClient, InvokeAgentCommand } from '@aws-sdk/client-bedrock-agent-runtime';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { AgentError, type AgentRequest, type AgentResult } from '../../ports/agent-runner.ts';
import { awsAgentError, guardRun, isRecord, parseUsage, type AgentSettings } from './common.ts';

/** Bedrock Agent session ids allow [0-9a-zA-Z._:-], 2–100 characters: one session per schedule (per run for one-off runs). */
export function bedrockSessionId(request: Pick<AgentRequest, 'scheduleId' | 'runId'>): string {
  const id = `${request.scheduleId ?? request.runId}`.replace(/[^0-9a-zA-Z._:-]/g, '-').slice(0, 100);
  return id.length >= 2 ? id : `${id}--`.slice(0, 2);
}

export class BedrockModelRunner {
  #client: BedrockRuntimeClient | undefined;

  constructor(client?: BedrockRuntimeClient) {
    this.#client = client;
  }

  run(agent: AgentSettings<'bedrock'>, request: AgentRequest, signal: AbortSignal): Promise<AgentResult> {
    return guardRun(signal, async () => {
      this.#client ??= new BedrockRuntimeClient({});
      let result;
      try {
        result = await this.#client.send(
          new ConverseCommand({
            modelId: agent.modelId,
            system: agent.systemPrompt ? [{ text: agent.systemPrompt }] : undefined,
            messages: [{ role: 'user', content: [{ text: request.task }] }],
          }),
          { abortSignal: signal },
        );
      } catch (error) {
        throw awsAgentError('Bedrock', error);
      }
      const usage = parseUsage(result.usage);
      const content = result.output?.message?.content;
      if (content === undefined) {
        throw new AgentError(
          'invalid_response',
          `Bedrock answered without a message (stopReason ${result.stopReason ?? 'unknown'}).`,
          usage === undefined ? {} : { usage },
        );
      }
      const output = content.flatMap((block) => (typeof block.text === 'string' ? [block.text] : [])).join('');
      return usage === undefined ? { output } : { output, usage };
    });
  }
}

export class BedrockAgentRunner {
  #client: BedrockAgentRuntimeClient | undefined;

  constructor(client?: BedrockAgentRuntimeClient) {
    this.#client = client;
  }

  run(agent: AgentSettings<'bedrock-agent'>, request: AgentRequest, signal: AbortSignal): Promise<AgentResult> {
    return guardRun(signal, async () => {
      this.#client ??= new BedrockAgentRuntimeClient({});
      try {
        const result = await this.#client.send(
          new InvokeAgentCommand({
            agentId: agent.bedrockAgentId,
            agentAliasId: agent.aliasId,
            sessionId: bedrockSessionId(request),
            inputText: request.task,
          }),
          { abortSignal: signal },
        );
        if (result.completion === undefined) throw new AgentError('invalid_response', 'The Bedrock agent answered without a completion stream.');
        const decoder = new TextDecoder('utf-8');
        let output = '';
        for await (const event of result.completion) {
          if (signal.aborted) break;
          if (event.chunk?.bytes !== undefined) {
            output += decoder.decode(event.chunk.bytes, { stream: true });
            continue;
          }
          if (event.returnControl !== undefined) {
            throw new AgentError(
              'agent_error',
              'The Bedrock agent asked to return control to the caller (an action group with RETURN_CONTROL), which a scheduled run cannot answer.',
            );
          }
          for (const [key, value] of Object.entries(event)) {
            if (!key.endsWith('Exception') || value === undefined) continue;
            const name = key.charAt(0).toUpperCase() + key.slice(1);
            const message = isRecord(value) && typeof value.message === 'string' ? `: ${value.message.slice(0, 500)}` : '';
            throw new AgentError('agent_error', `Bedrock Agent answered ${name}${message}`);
          }
        }
        return { output: output + decoder.decode() };
      } catch (error) {
        throw awsAgentError('Bedrock Agent', error);
      }
    });
  }
}
