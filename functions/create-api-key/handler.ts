// POST /v1/admin/api-keys (admin key only): issue a tenant API key, shown once.
import { apiKeyDeps } from '#shared/composition/admin.ts';
import { parseNewApiKey } from '#shared/http/api-keys.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { createApiKey } from '#shared/use-cases/api-keys.ts';

export const handler = apiHandler('admin', async ({ body }) =>
  json(201, await createApiKey(await apiKeyDeps(), parseNewApiKey(body)), { 'cache-control': 'no-store' }),
);
