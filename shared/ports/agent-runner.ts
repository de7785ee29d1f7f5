// Running an agent: one port, one adapter per kind (http, openai, bedrock, bedrock-agent, lambda, command).
import type { Agent } from '../domain/agent.ts';
import type { AgentUsage } from '../domain/agent-outcome.ts';

export { AgentError, type AgentErrorKind, type AgentUsage } from '../domain/agent-outcome.ts';

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
  /**
   * Where an http agent that answers 202 Accepted finishes the run (POST, `Authorization: Bearer <token>`): see
   * shared/use-cases/run-callback.ts. Absent when the deployment has no PUBLIC_BASE_URL; other agent kinds ignore it.
   */
  callback?: { url: string; token: string };
}

export interface AgentResult {
  output: string;
  usage?: AgentUsage;
  /** The agent answered 202 Accepted: it works on and ends the run through its callback (output is then empty). */
  accepted?: true;
}

export interface AgentRunner {
  /** Runs the agent; aborted through `signal` at the run's deadline (then throws AgentError 'timeout'). */
  run(agent: Agent, request: AgentRequest, signal: AbortSignal): Promise<AgentResult>;
}
