// DELETE /v1/admin/api-keys/{keyId} (admin key only): revoke a key; 204.
import { apiKeyStore } from '#shared/adapters/wiring/core.ts';
import { apiHandler, noContent } from '#shared/http/api-handler.ts';
import { deleteApiKey } from '#shared/use-cases/api-keys.ts';

export const handler = apiHandler('admin', async ({ params }) => {
  await deleteApiKey({ keys: apiKeyStore() }, params.keyId!);
  return noContent();
});
