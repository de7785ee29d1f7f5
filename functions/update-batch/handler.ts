// PATCH /v1/batches/{id}: change maxConcurrency while it runs (a higher limit starts more items now).
import { batchDeps } from '#shared/composition/batches.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { presentBatch } from '#shared/http/batch-views.ts';
import { parseBatchPatch } from '#shared/http/batches.ts';
import { updateBatch } from '#shared/use-cases/batches/batch-control.ts';

export const handler = apiHandler('tenant', async ({ principal, params, body }) => {
  const changes = parseBatchPatch(body);
  const deps = await batchDeps();
  return json(200, { batch: presentBatch(await updateBatch(deps, principal, params.id!, changes), deps.clock.now()) });
});
