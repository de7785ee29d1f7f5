// The agent item: one per agent under its tenant.
import type { Agent } from '../../../domain/agent.ts';
import { AGENT_SK_PREFIX, agentSk, tenantPk } from '../../../table.ts';
import { ENTITY, attributeNames, withoutKeys, type ItemKeys, type StoredItem, type TableKey } from './attributes.ts';

export type AgentItem = Agent & ItemKeys<typeof ENTITY.agent>;

export const agentAttributes = attributeNames<AgentItem>;

export function agentKey(tenantId: string, id: string): TableKey {
  return { pk: tenantPk(tenantId), sk: agentSk(id) };
}

/** Where a tenant's agents are: one partition, every sort key starting with `skPrefix`. */
export function agentsOf(tenantId: string): { pk: string; skPrefix: string } {
  return { pk: tenantPk(tenantId), skPrefix: AGENT_SK_PREFIX };
}

export function agentItem(agent: Agent): AgentItem {
  return { ...agent, ...agentKey(agent.tenantId, agent.id), entity: ENTITY.agent };
}

export function agentFromItem(item: StoredItem): Agent {
  return withoutKeys<Agent>(item);
}
