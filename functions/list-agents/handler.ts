// GET /v1/agents: the tenant's agents, by id, cursor paged.
import { cursors } from '#shared/composition/cursors.ts';
import { agentStore } from '#shared/composition/stores.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { parseAgentListQuery, presentAgent } from '#shared/http/agents.ts';
import { listAgents } from '#shared/use-cases/agents.ts';

export const handler = apiHandler('tenant', async ({ principal, query }) => {
  const page = await listAgents({ agents: agentStore(), cursors: await cursors() }, principal, parseAgentListQuery(query));
  return json(200, { object: 'list', data: page.items.map(presentAgent), has_more: page.hasMore, next_cursor: page.nextCursor });
});
