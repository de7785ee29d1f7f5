// PATCH /v1/agents/{id}: merge the given settings into the agent.
import { agentDeps } from '#shared/composition/agents.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { presentAgent } from '#shared/http/agents.ts';
import { changeAgent } from '#shared/use-cases/agents.ts';

export const handler = apiHandler('tenant', async ({ principal, params, body }) =>
  json(200, { agent: presentAgent(await changeAgent(await agentDeps(), principal, params.id!, body, 'merge')) }),
);
