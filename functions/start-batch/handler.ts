// POST /v1/batches/{id}/start: start a draft batch (its budget checked, its first items started); 202.
import { batchDeps } from '#shared/composition/batches.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { presentBatch } from '#shared/http/batch-views.ts';
import { startBatch } from '#shared/use-cases/batches/batch-control.ts';

export const handler = apiHandler('tenant', async ({ principal, params }) => {
  const deps = await batchDeps();
  return json(202, { batch: presentBatch(await startBatch(deps, principal, params.id!), deps.clock.now()) });
});
