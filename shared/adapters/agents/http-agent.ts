// The http agent: POSTs the signed run payload to the agent's URL and reads its output (JSON {output} or text).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AgentError, type AgentRequest, type AgentResult } from '../../ports/agent-runner.ts';
import { agentPayload, guardRun, readAgentSecret, isRecord, outputText, parseUsage, type AgentSettings, type SecretReader } from './common.ts';
import { guardedPost, isJsonContentType, statusError, type HttpAnswer } from './http-client.ts';
import type { TargetGuardOptions } from './target-guard.ts';

export const SIGNATURE_HEADER = 'X-Agent-Schedules-Signature';
export const USER_AGENT = 'agent-schedules';

/** Headers the adapter owns: an agent's static headers cannot replace them. */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'content-type', 'transfer-encoding', 'connection', 'traceparent', SIGNATURE_HEADER.toLowerCase()]);

function hmacHex(secret: string, timestamp: number, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, keyed by the signing secret. */
export function signatureHeader(body: string, secret: string, nowSeconds: number = Math.floor(Date.now() / 1000)): string {
  return `t=${nowSeconds},v1=${hmacHex(secret, nowSeconds, body)}`;
}

/**
 * For receivers: true when the X-Agent-Schedules-Signature header was made with this secret over this exact body,
 * at most `toleranceSeconds` away from now (replay window). Accepts several v1= values (secret rotation).
 */
export function verifySignature(
  header: string | null | undefined,
  body: string | Buffer,
  secret: string,
  toleranceSeconds = 300,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): boolean {
  if (typeof header !== 'string' || secret === '') return false;
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    const key = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (key === 't' && /^\d{1,15}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value.toLowerCase());
  }
  if (timestamp === undefined || signatures.length === 0) return false;
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(secret, timestamp, body), 'hex');
  return signatures.some((signature) => timingSafeEqual(Buffer.from(signature, 'hex'), expected));
}

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
