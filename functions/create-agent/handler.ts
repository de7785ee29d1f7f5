// POST /v1/agents: define an agent that schedules can name by agentId.
import { agentDeps } from '#shared/composition/agents.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { presentAgent } from '#shared/http/agents.ts';
import { createAgent } from '#shared/use-cases/agents.ts';

export const handler = apiHandler('tenant', async ({ principal, body }) =>
  json(201, { agent: presentAgent(await createAgent(await agentDeps(), principal, body)) }),
);
