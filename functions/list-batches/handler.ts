// GET /v1/batches, /v1/schedules/batches (Agent Manager's batch jobs) and /v1/schedules/{id}/batches (one schedule's):
// the caller's batches, newest first, cursor paged, filtered by status and schedule.
import { clock } from '#shared/composition/runtime.ts';
import { batchStore, scheduleStore } from '#shared/composition/stores.ts';
import { cursors } from '#shared/composition/cursors.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { fitPage, presentBatch } from '#shared/http/batch-views.ts';
import { batchListBinding, parseBatchListQuery } from '#shared/http/batches.ts';
import { listBatches } from '#shared/use-cases/batches/batch-queries.ts';

export const handler = apiHandler('tenant', async ({ principal, params, query }) => {
  const request = parseBatchListQuery(query, params.id);
  const codec = await cursors();
  const deps = { batches: batchStore(), schedules: scheduleStore() };
  const binding = batchListBinding(principal, request);
  const after = request.cursor === undefined ? undefined : codec.decode(request.cursor, binding);
  const page = await listBatches(deps, principal, { limit: request.limit, after, status: request.status, scheduleId: request.scheduleId });
  const now = clock().now();
  const views = page.items.map((batch) => presentBatch(batch, now));
  const fit = fitPage(
    page.items,
    views.map((view) => JSON.stringify(view)),
    (batch) => batch.id,
    page.nextAfter,
  );
  return json(200, {
    object: 'list',
    data: views.slice(0, fit.count),
    has_more: fit.nextAfter !== undefined,
    next_cursor: fit.nextAfter === undefined ? null : codec.encode(fit.nextAfter, binding),
  });
});
