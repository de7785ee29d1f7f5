// Shared by the agent adapters: per-kind settings, the payload agents receive, usage parsing and the AgentError-only guarantee.
import { randomBytes } from 'node:crypto';
import type { AgentInput, AgentKind } from '../../domain/agent.ts';
import { AgentError, type AgentRequest, type AgentResult, type AgentUsage } from '../../ports/agent-runner.ts';
import { isRetryableAwsError } from '../../domain/agent-outcome.ts';

/** The settings of one kind of agent (the domain `Agent` type keeps only the fields common to all kinds). */
export type AgentSettings<K extends AgentKind> = Omit<Extract<AgentInput, { kind: K }>, 'id'>;

/** The settings of any one kind of agent, discriminated by `kind`. */
export type AnyAgentSettings = { [K in AgentKind]: AgentSettings<K> }[AgentKind];

export const TIMEOUT_MESSAGE = 'The agent did not answer within the run deadline.';

/** What http and lambda agents receive: the task and where it comes from (never the tenant). */
export interface AgentPayload {
  task: string;
  scheduleId: string | null;
  runId: string;
  scheduledTime: string | null;
  metadata: Record<string, unknown> | null;
  environmentId: string | null;
  /** http agents only, when the run offers a callback: where to POST the result after answering 202 Accepted… */
  callbackUrl?: string;
  /** …with `Authorization: Bearer <callbackToken>` (good for this run only). */
  callbackToken?: string;
}

/** `withCallback`: the agent kind can answer 202 and call back (http); other kinds never see the callback token. */
export function agentPayload(request: AgentRequest, options: { withCallback?: boolean } = {}): AgentPayload {
  return {
    task: request.task,
    scheduleId: request.scheduleId,
    runId: request.runId,
    scheduledTime: request.scheduledTime,
    metadata: request.metadata,
    environmentId: request.environmentId,
    ...(options.withCallback && request.callback ? { callbackUrl: request.callback.url, callbackToken: request.callback.token } : {}),
  };
}

export function timeoutError(cause?: unknown): AgentError {
  return new AgentError('timeout', TIMEOUT_MESSAGE, cause === undefined ? {} : { cause });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The largest token count kept: far beyond any real run, and exactly storable everywhere. */
export const MAX_TOKEN_COUNT = 1e12;

/** A token count as a whole number from 0 to MAX_TOKEN_COUNT; anything else (1e20, 1.5, -3, "12") is dropped, never guessed. */
function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= MAX_TOKEN_COUNT ? value : undefined;
}

/**
 * Reads `{inputTokens, outputTokens, totalTokens}` or the OpenAI-style `{prompt_tokens, completion_tokens, total_tokens}`.
 * Values an agent sends are bounded: a count that is not a whole number within MAX_TOKEN_COUNT is left out.
 */
export function parseUsage(value: unknown): AgentUsage | undefined {
  if (!isRecord(value)) return undefined;
  const usage: AgentUsage = {};
  const inputTokens = count(value.inputTokens) ?? count(value.prompt_tokens) ?? count(value.input_tokens);
  const outputTokens = count(value.outputTokens) ?? count(value.completion_tokens) ?? count(value.output_tokens);
  let totalTokens = count(value.totalTokens) ?? count(value.total_tokens);
  if (totalTokens === undefined && inputTokens !== undefined && outputTokens !== undefined) totalTokens = count(inputTokens + outputTokens);
  if (inputTokens !== undefined) usage.inputTokens = inputTokens;
  if (outputTokens !== undefined) usage.outputTokens = outputTokens;
  if (totalTokens !== undefined) usage.totalTokens = totalTokens;
  return Object.keys(usage).length === 0 ? undefined : usage;
}

/**
 * A W3C `traceparent` for an agent call: the Lambda's X-Ray trace (`Root=1-5759e988-bd86…;Parent=…;Sampled=1`) as
 * `00-<32 hex trace id>-<16 hex span id>-<01 sampled | 00>`, or a fresh random trace when there is none (locally).
 */
export function traceparentFrom(xrayTraceId: string | undefined, randomHex: (bytes: number) => string = (bytes) => randomBytes(bytes).toString('hex')): string {
  const root = /Root=1-([0-9a-f]{8})-([0-9a-f]{24})/.exec(xrayTraceId ?? '');
  const traceId = root ? `${root[1]}${root[2]}` : randomHex(16);
  const sampled = root ? /Sampled=1/.test(xrayTraceId!) : true;
  return `00-${traceId}-${randomHex(8)}-${sampled ? '01' : '00'}`;
}

/** An agent's `output` field as text: strings as they are, anything else as JSON; undefined when absent or null. */
export function outputText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Replaces every occurrence of the given secrets (e.g. echoed back in an error body) before a text goes into a message. */
export function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) if (secret.length > 0) result = result.split(secret).join('[redacted]');
  return result;
}

export function errorName(error: unknown): string {
  if (error instanceof Error) return error.name;
  return typeof error;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * Runs an adapter body so the runner only ever sees a result or an AgentError: an abort (even one the body ignores,
 * like a DNS lookup) becomes 'timeout' at once, AgentErrors pass through, anything else becomes 'agent_error'.
 */
export async function guardRun(signal: AbortSignal, body: () => Promise<AgentResult>, secrets: readonly string[] = []): Promise<AgentResult> {
  if (signal.aborted) throw timeoutError(signal.reason);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(timeoutError(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([body(), aborted]);
  } catch (error) {
    if (signal.aborted) throw error instanceof AgentError && error.kind === 'timeout' ? error : timeoutError(error);
    if (error instanceof AgentError) throw error;
    throw new AgentError('agent_error', redact(`Unexpected error while running the agent: ${errorMessage(error)}`, secrets), { cause: error });
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
  }
}

/** Reads a secret reference on behalf of one tenant (the runner wires AgentSecretReader, which scopes it). */
export type SecretReader = (reference: string, tenantId: string) => Promise<string>;

/** Without a configured reader there are no secrets: every reference is refused, never read from this process. */
const noSecrets: SecretReader = async () => {
  throw new Error('no secret store is configured for agents.');
};

/** Reads an agent's secret by reference for the run's tenant; a failure names the reference, never a value. */
export async function readAgentSecret(reference: string, tenantId: string, reader: SecretReader = noSecrets): Promise<string> {
  try {
    return await reader(reference, tenantId);
  } catch (error) {
    const reason = error instanceof Error ? (error.name === 'Error' ? error.message : `${error.name}: ${error.message}`) : String(error);
    throw new AgentError('agent_error', `Could not read the agent's secret ${reference}: ${reason}`, { cause: error });
  }
}

/** Any AWS SDK failure (ThrottlingException, AccessDeniedException…) as 'agent_error' named after the error. */
export function awsAgentError(service: string, error: unknown): AgentError {
  if (error instanceof AgentError) return error;
  const name = errorName(error);
  const message = errorMessage(error).slice(0, 500);
  return new AgentError('agent_error', `${service} answered ${name}${message === '' || message === name ? '' : `: ${message}`}`, {
    cause: error,
    retryable: isRetryableAwsError(name),
  });
}
