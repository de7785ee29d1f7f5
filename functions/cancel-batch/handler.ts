// POST /v1/batches/{id}/cancel: no more items start; pending ones end cancelled, running ones finish.
import { batchDeps } from '#shared/composition/batches.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { presentBatch } from '#shared/http/batch-views.ts';
import { cancelBatch } from '#shared/use-cases/batches/batch-control.ts';

export const handler = apiHandler('tenant', async ({ principal, params }) => {
  const deps = await batchDeps();
  return json(200, { batch: presentBatch(await cancelBatch(deps, principal, params.id!), deps.clock.now()) });
});
