// What clients see of an agent: its definition (secret references, never secret values), without internals.
import type { Agent } from '../domain/agent.ts';

export function presentAgent(agent: Agent): Record<string, unknown> {
  const { tenantId: _tenant, version: _version, ...view } = agent;
  return { object: 'agent', ...view };
}
