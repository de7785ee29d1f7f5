// DELETE /v1/admin/api-keys/{keyId} (admin key only): revoke a key; 204.
import { apiKeyDeps } from '#shared/composition/admin.ts';
import { apiHandler, noContent } from '#shared/http/api-handler.ts';
import { deleteApiKey } from '#shared/use-cases/api-keys.ts';

export const handler = apiHandler('admin', async ({ params }) => {
  await deleteApiKey(await apiKeyDeps(), params.keyId!);
  return noContent();
});
