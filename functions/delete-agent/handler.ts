// DELETE /v1/agents/{id}: 204; schedules that still name it fail their runs with a clear error.
import { agentDeps } from '#shared/composition/agents.ts';
import { apiHandler, noContent } from '#shared/http/api-handler.ts';
import { deleteAgent } from '#shared/use-cases/agents.ts';

export const handler = apiHandler('tenant', async ({ principal, params }) => {
  await deleteAgent(await agentDeps(), principal, params.id!);
  return noContent();
});
