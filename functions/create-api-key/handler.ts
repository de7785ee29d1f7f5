// POST /v1/admin/api-keys (admin key only): issue a tenant API key, shown once.
import { apiKeyStore, clock } from '#shared/adapters/wiring/core.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { createApiKey } from '#shared/use-cases/api-keys.ts';

export const handler = apiHandler('admin', async ({ body }) => json(201, await createApiKey({ keys: apiKeyStore(), clock: clock() }, body), { 'cache-control': 'no-store' }));
