// GET /v1/batches/{id}: the batch with its counts, progress, rate, ETA, cost and errors.
import { clock } from '#shared/composition/runtime.ts';
import { batchStore } from '#shared/composition/stores.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { presentBatch } from '#shared/http/batch-views.ts';
import { getBatch } from '#shared/use-cases/batches/batch-queries.ts';

export const handler = apiHandler('tenant', async ({ principal, params }) => {
  return json(200, { batch: presentBatch(await getBatch({ batches: batchStore() }, principal, params.id!), clock().now()) });
});
