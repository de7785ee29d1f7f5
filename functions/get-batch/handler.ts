// GET /v1/batches/{id}: the batch with its counts, progress, rate, ETA, cost and errors.
import { batchDeps } from '#shared/composition/batches.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { presentBatch } from '#shared/http/batch-views.ts';
import { getBatch } from '#shared/use-cases/batches/batch-queries.ts';

export const handler = apiHandler('tenant', async ({ principal, params }) => {
  const deps = await batchDeps();
  return json(200, { batch: presentBatch(await getBatch(deps, principal, params.id!), deps.clock.now()) });
});
