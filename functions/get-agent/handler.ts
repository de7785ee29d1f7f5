// GET /v1/agents/{id}: one agent definition (secret references only, never secret values).
import { agentStore } from '#shared/composition/stores.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { presentAgent } from '#shared/http/agents.ts';
import { getAgent } from '#shared/use-cases/agents.ts';

export const handler = apiHandler('tenant', async ({ principal, params }) =>
  json(200, { agent: presentAgent(await getAgent({ agents: agentStore() }, principal, params.id!)) }),
);
