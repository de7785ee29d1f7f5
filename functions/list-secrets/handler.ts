// GET /v1/secrets: the names of the tenant's agent secrets (never their values), by name, cursor paged.
import { secretCatalog } from '#shared/adapters/wiring/core.ts';
import { cursors } from '#shared/adapters/wiring/cursors.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { presentSecret } from '#shared/http/secret-presenter.ts';
import { listSecrets } from '#shared/use-cases/secrets.ts';

export const handler = apiHandler('tenant', async ({ principal, query }) => {
  const page = await listSecrets({ catalog: secretCatalog(), cursors: await cursors() }, principal, query);
  return json(200, { object: 'list', data: page.items.map(presentSecret), has_more: page.hasMore, next_cursor: page.nextCursor });
});
