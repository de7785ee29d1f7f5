// X-Ray for the runner (Powertools Tracer): a subsegment around each agent call, and W3C trace context sent to agents.
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Agent } from '../../domain/agent.ts';
import type { AgentRequest, AgentResult, AgentRunner } from '../../ports/agent-runner.ts';

/** Off outside Lambda (the local server, tests): then every call below is a no-op. */
export const tracer = new Tracer({ serviceName: 'agent-schedules' });

export class TracedAgentRunner implements AgentRunner {
  readonly #inner: AgentRunner;
  readonly #traceparent: () => string;

  /** `traceparent` makes the W3C header for one call (from the Lambda's X-Ray trace id when there is one). */
  constructor(inner: AgentRunner, traceparent: () => string) {
    this.#inner = inner;
    this.#traceparent = traceparent;
  }

  async run(agent: Agent, request: AgentRequest, signal: AbortSignal): Promise<AgentResult> {
    const traced = { ...request, traceparent: request.traceparent ?? this.#traceparent() };
    const parent = tracer.isTracingEnabled() ? tracer.getSegment() : undefined;
    const segment = parent?.addNewSubsegment(`agent ${agent.kind}`);
    if (segment) {
      tracer.setSegment(segment);
      segment.addAnnotation('agentKind', agent.kind);
      segment.addAnnotation('runId', request.runId);
    }
    try {
      return await this.#inner.run(agent, traced, signal);
    } catch (error) {
      segment?.addError(error as Error, false);
      throw error;
    } finally {
      segment?.close();
      if (parent) tracer.setSegment(parent);
    }
  }
}
