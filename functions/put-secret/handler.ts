// PUT /v1/secrets/{name}: store (or replace) an agent secret of the caller's tenant; the value is never returned.
import { secretDeps } from '#shared/composition/secrets.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { parsePutSecretBody, presentSecret } from '#shared/http/secrets.ts';
import { putSecret } from '#shared/use-cases/secrets.ts';

export const handler = apiHandler('tenant', async ({ principal, params, body }) => {
  const { entry, created } = await putSecret(await secretDeps(), principal, params.name!, parsePutSecretBody(body).value);
  return json(created ? 201 : 200, { secret: presentSecret(entry) }, { 'cache-control': 'no-store' });
});
