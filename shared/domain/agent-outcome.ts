// How an agent call can fail, and the token usage it reports: recorded on runs, thrown by the agent adapters.

export interface AgentUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
}

export type AgentErrorKind = 'timeout' | 'http_status' | 'network' | 'invalid_response' | 'agent_error' | 'no_agent' | 'forbidden_target';

/** An agent call that failed, with the kind users filter and alarm on. The message never contains a secret. */
export class AgentError extends Error {
  readonly kind: AgentErrorKind;
  readonly usage: AgentUsage | undefined;

  constructor(kind: AgentErrorKind, message: string, options: { cause?: unknown; usage?: AgentUsage } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AgentError';
    this.kind = kind;
    this.usage = options.usage;
  }
}
