// POST /v1/batches: one agent task over up to 10,000 items, every item checked against the task before anything is
// stored. 202 with the batch when it starts now; 201 for a draft ("start": false) to append items to and start later.
// An Idempotency-Key makes retries safe: the same key and body answer the same batch (Idempotent-Replayed: true).
import { batchDeps } from '#shared/composition/batches.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { presentBatch } from '#shared/http/batch-views.ts';
import { parseBatchInput } from '#shared/http/batches.ts';
import { createBatch } from '#shared/use-cases/batches/create-batch.ts';

export const handler = apiHandler('tenant', async ({ principal, body, headers }) => {
  const input = parseBatchInput(body);
  const deps = await batchDeps();
  const { batch, replayed } = await createBatch(deps, principal, input, { idempotencyKey: headers['idempotency-key'] });
  return json(input.start === false ? 201 : 202, { batch: presentBatch(batch, deps.clock.now()) }, replayed ? { 'idempotent-replayed': 'true' } : {});
});
