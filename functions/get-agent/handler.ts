// GET /v1/agents/{id}: one agent definition (secret references only, never secret values).
import { agentStore } from '#shared/adapters/wiring/core.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { presentAgent } from '#shared/http/agent-presenter.ts';
import { getAgent } from '#shared/use-cases/agents.ts';

export const handler = apiHandler('tenant', async ({ principal, params }) => json(200, { agent: presentAgent(await getAgent({ agents: agentStore() }, principal, params.id!)) }));
