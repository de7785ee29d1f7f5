// POST /v1/batches/{id}/retry: a new round of the failed and timed-out items of an ended batch; 202.
import { batchDeps } from '#shared/composition/batches.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { presentBatch } from '#shared/http/batch-views.ts';
import { retryBatch } from '#shared/use-cases/batches/batch-control.ts';

export const handler = apiHandler('tenant', async ({ principal, params }) => {
  const deps = await batchDeps();
  return json(202, { batch: presentBatch(await retryBatch(deps, principal, params.id!), deps.clock.now()) });
});
