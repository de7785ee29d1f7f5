// DELETE /v1/secrets/{name}: 204; agents that still reference it fail their runs with a clear error.
import { secretDeps } from '#shared/composition/secrets.ts';
import { apiHandler, noContent } from '#shared/http/api-handler.ts';
import { deleteSecret } from '#shared/use-cases/secrets.ts';

export const handler = apiHandler('tenant', async ({ principal, params }) => {
  await deleteSecret(await secretDeps(), principal, params.name!);
  return noContent();
});
