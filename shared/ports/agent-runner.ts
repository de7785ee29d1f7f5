// Running an agent: one port, one adapter per kind (http, openai, bedrock, bedrock-agent, lambda, command).
import type { Agent } from '../domain/agent.ts';

export interface AgentRequest {
  task: string;
  runId: string;
  scheduleId: string | null;
  scheduledTime: string | null;
  metadata: Record<string, unknown> | null;
  environmentId: string | null;
  tenantId: string;
  /** W3C trace context sent to http and openai agents, so they can join the run's trace. */
  traceparent?: string;
}

export interface AgentUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
}

export interface AgentResult {
  output: string;
  usage?: AgentUsage;
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

export interface AgentRunner {
  /** Runs the agent; aborted through `signal` at the run's deadline (then throws AgentError 'timeout'). */
  run(agent: Agent, request: AgentRequest, signal: AbortSignal): Promise<AgentResult>;
}
