// The http agent: POSTs the signed run payload to the agent's URL and reads its output (JSON {output} or text).
import { AgentError, type AgentRequest, type AgentResult } from '../../ports/agent-runner.ts';
import { agentPayload, guardRun, readAgentSecret, isRecord, outputText, parseUsage, type AgentSettings, type SecretReader } from './common.ts';
import { guardedPost, isJsonContentType, statusError, type HttpAnswer } from './http-client.ts';
import type { TargetGuardOptions } from './target-guard.ts';

import { SIGNATURE_HEADER, signatureHeader } from '../../domain/signature.ts';

export { SIGNATURE_HEADER, signatureHeader, verifySignature } from '../../domain/signature.ts';
export const USER_AGENT = 'agent-schedules';

/** Headers the adapter owns: an agent's static headers cannot replace them. */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'content-type', 'transfer-encoding', 'connection', 'traceparent', SIGNATURE_HEADER.toLowerCase()]);

/** Reads an agent's HTTP answer: JSON `{output, usage?}` (or a JSON string) when the content type says JSON, else the text. */
export function parseAgentAnswer(answer: HttpAnswer): AgentResult {
  if (!isJsonContentType(answer.headers)) return { output: answer.body };
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch (error) {
    throw new AgentError('invalid_response', `The agent answered HTTP ${answer.status} with content-type JSON but the body is not valid JSON.`, {
      cause: error,
    });
  }
  if (typeof parsed === 'string') return { output: parsed };
  const usage = isRecord(parsed) ? parseUsage(parsed.usage) : undefined;
  const output = isRecord(parsed) ? outputText(parsed.output) : undefined;
  if (output === undefined) {
    throw new AgentError('invalid_response', 'The agent answered JSON without an "output" field.', usage === undefined ? {} : { usage });
  }
  return usage === undefined ? { output } : { output, usage };
}

/**
 * 202 Accepted: the agent works on and finishes the run through its callback. Without a callback in the request (the
 * deployment has no PUBLIC_BASE_URL) nothing could ever finish the run, so the answer is an error.
 */
function acceptedAnswer(request: AgentRequest): AgentResult {
  if (request.callback) return { output: '', accepted: true };
  throw new AgentError(
    'invalid_response',
    "The agent answered 202 Accepted, but this run offered it no callback URL to finish through: callbacks need PUBLIC_BASE_URL (the API's own URL) on the runner.",
  );
}

export interface HttpAgentOptions extends TargetGuardOptions {
  /** Keys the X-Agent-Schedules-Signature header so agents can verify the call comes from this service. */
  signingSecret: string;
  /** Reads `secretRef` values; defaults to Secrets Manager / env:NAME. */
  readSecret?: SecretReader;
  now?: () => Date;
}

export class HttpAgentRunner {
  readonly #options: HttpAgentOptions;

  constructor(options: HttpAgentOptions) {
    if (options.signingSecret === '') throw new Error('HttpAgentRunner needs a non-empty signingSecret.');
    this.#options = options;
  }

  run(agent: AgentSettings<'http'>, request: AgentRequest, signal: AbortSignal): Promise<AgentResult> {
    const secrets: string[] = [];
    return guardRun(
      signal,
      async () => {
        const url = new URL(agent.url);
        // The callback token is a credential for this run: never echoed into an error message.
        if (request.callback) secrets.push(request.callback.token);
        const body = JSON.stringify(agentPayload(request, { withCallback: true }));
        const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': USER_AGENT };
        for (const [name, value] of Object.entries(agent.headers ?? {})) {
          const lower = name.toLowerCase();
          if (!RESERVED_HEADERS.has(lower)) headers[lower] = value;
        }
        if (agent.secretRef !== undefined) {
          const secret = await readAgentSecret(agent.secretRef, request.tenantId, this.#options.readSecret);
          secrets.push(secret);
          headers.authorization = `Bearer ${secret}`;
        }
        if (request.traceparent) headers.traceparent = request.traceparent;
        const nowSeconds = Math.floor((this.#options.now?.() ?? new Date()).getTime() / 1000);
        headers[SIGNATURE_HEADER.toLowerCase()] = signatureHeader(body, this.#options.signingSecret, nowSeconds);
        const answer = await guardedPost({ url, headers, body, signal, guard: this.#options, secrets });
        if (answer.status === 202) return acceptedAnswer(request);
        if (answer.status < 200 || answer.status > 299) throw statusError(answer, secrets);
        return parseAgentAnswer(answer);
      },
      secrets,
    );
  }
}
