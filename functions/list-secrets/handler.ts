// GET /v1/secrets: the names of the tenant's agent secrets (never their values), by name, cursor paged.
import { cursors } from '#shared/composition/cursors.ts';
import { secretCatalog } from '#shared/composition/stores.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { parseSecretListQuery, presentSecret } from '#shared/http/secrets.ts';
import { listSecrets } from '#shared/use-cases/secrets.ts';

export const handler = apiHandler('tenant', async ({ principal, query }) => {
  const page = await listSecrets({ catalog: secretCatalog(), cursors: await cursors() }, principal, parseSecretListQuery(query));
  return json(200, { object: 'list', data: page.items.map(presentSecret), has_more: page.hasMore, next_cursor: page.nextCursor });
});
