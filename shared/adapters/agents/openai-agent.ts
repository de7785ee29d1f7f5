// The openai agent: one chat completion (OpenAI, Ollama, vLLM… any /chat/completions API) with the task as the user message.
import { AgentError, type AgentRequest, type AgentResult } from '../../ports/agent-runner.ts';
import { guardRun, isRecord, parseUsage, readAgentSecret, type AgentSettings, type SecretReader } from './common.ts';
import { guardedPost, statusError } from './http-client.ts';
import { USER_AGENT } from './http-agent.ts';
import type { TargetGuardOptions } from './target-guard.ts';

export interface OpenAiAgentOptions extends TargetGuardOptions {
  readSecret?: SecretReader;
}

export interface ChatMessage {
  role: 'system' | 'user';
  content: string;
}

export function chatCompletionsUrl(baseUrl: string): URL {
  return new URL(`${baseUrl.replace(/\/+$/, '')}/chat/completions`);
}

/** The assistant's text: `content` as a string, or the text parts when a compatible API answers with parts. */
function messageText(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const texts = content.flatMap((part) => (isRecord(part) && typeof part.text === 'string' ? [part.text] : []));
  return texts.length === content.length && texts.length > 0 ? texts.join('') : undefined;
}

export class OpenAiAgentRunner {
  readonly #options: OpenAiAgentOptions;

  constructor(options: OpenAiAgentOptions = {}) {
    this.#options = options;
  }

  run(agent: AgentSettings<'openai'>, request: AgentRequest, signal: AbortSignal): Promise<AgentResult> {
    const secrets: string[] = [];
    return guardRun(
      signal,
      async () => {
        const url = chatCompletionsUrl(agent.baseUrl);
        const messages: ChatMessage[] = [];
        if (agent.systemPrompt !== undefined && agent.systemPrompt !== '') messages.push({ role: 'system', content: agent.systemPrompt });
        messages.push({ role: 'user', content: request.task });
        const body = JSON.stringify({ model: agent.model, messages });
        const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json', 'user-agent': USER_AGENT };
        if (request.traceparent) headers.traceparent = request.traceparent;
        if (agent.secretRef !== undefined) {
          const secret = await readAgentSecret(agent.secretRef, request.tenantId, this.#options.readSecret);
          secrets.push(secret);
          headers.authorization = `Bearer ${secret}`;
        }
        const answer = await guardedPost({ url, headers, body, signal, guard: this.#options, secrets });
        if (answer.status < 200 || answer.status > 299) throw statusError(answer, secrets);
        let parsed: unknown;
        try {
          parsed = JSON.parse(answer.body);
        } catch (error) {
          throw new AgentError('invalid_response', `The model API answered HTTP ${answer.status} with a body that is not JSON.`, { cause: error });
        }
        const usage = isRecord(parsed) ? parseUsage(parsed.usage) : undefined;
        const choice = isRecord(parsed) && Array.isArray(parsed.choices) ? (parsed.choices[0] as unknown) : undefined;
        const message = isRecord(choice) ? choice.message : undefined;
        const output = isRecord(message) ? messageText(message.content) : undefined;
        if (output === undefined) {
          const refusal = isRecord(message) && typeof message.refusal === 'string' ? ` (refusal: ${message.refusal.slice(0, 200)})` : '';
          throw new AgentError(
            'invalid_response',
            `The model API answered without choices[0].message.content${refusal}.`,
            usage === undefined ? {} : { usage },
          );
        }
        return usage === undefined ? { output } : { output, usage };
      },
      secrets,
    );
  }
}
