// POST /v1/batches/{id}/items: more items for a draft batch (bodies up to 5 MiB), checked against its task first.
import { batchDeps } from '#shared/composition/batches.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { presentBatch } from '#shared/http/batch-views.ts';
import { parseAppendItems } from '#shared/http/batches.ts';
import { appendBatchItems } from '#shared/use-cases/batches/batch-control.ts';

export const handler = apiHandler('tenant', async ({ principal, params, body }) => {
  const items = parseAppendItems(body);
  const deps = await batchDeps();
  return json(200, { batch: presentBatch(await appendBatchItems(deps, principal, params.id!, items), deps.clock.now()) });
});
