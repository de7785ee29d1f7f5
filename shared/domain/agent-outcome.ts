// How an agent call can fail, and the token usage it reports: recorded on runs, thrown by the agent adapters.

export interface AgentUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
}

export type AgentErrorKind = 'timeout' | 'http_status' | 'network' | 'invalid_response' | 'agent_error' | 'no_agent' | 'forbidden_target';

/**
 * An agent call that failed, with the kind users filter and alarm on. The message never contains a secret.
 * `retryable`: another attempt may succeed — every network error, and what the adapter says is passing (HTTP 408,
 * 429 and 5xx; a throttled or unavailable AWS service). A schedule's retry policy retries only these.
 */
export class AgentError extends Error {
  readonly kind: AgentErrorKind;
  readonly usage: AgentUsage | undefined;
  readonly retryable: boolean;

  constructor(kind: AgentErrorKind, message: string, options: { cause?: unknown; usage?: AgentUsage; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AgentError';
    this.kind = kind;
    this.usage = options.usage;
    this.retryable = options.retryable ?? kind === 'network';
  }
}

/** HTTP statuses worth another attempt: the agent timed out, is rate-limited or failed on its side. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/** AWS error names worth another attempt (Bedrock, Lambda): throttled, busy or briefly unavailable. */
export function isRetryableAwsError(name: string): boolean {
  return /Throttl|TooManyRequests|ServiceUnavailable|InternalServer|ModelNotReady|ServiceException$|EC2ThrottledException|ResourceConflict/.test(name);
}
