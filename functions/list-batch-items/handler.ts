// GET /v1/batches/{id}/items: the items in index order, each with its latest run; paged by index (?after=N).
import { batchStore, runStore } from '#shared/composition/stores.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { fitPage, presentBatchItem } from '#shared/http/batch-views.ts';
import { parseBatchItemsQuery } from '#shared/http/batches.ts';
import { listBatchItems } from '#shared/use-cases/batches/batch-queries.ts';

export const handler = apiHandler('tenant', async ({ principal, params, query }) => {
  const request = parseBatchItemsQuery(query);
  const page = await listBatchItems({ batches: batchStore(), runs: runStore() }, principal, params.id!, request);
  const views = page.items.map(presentBatchItem);
  const fit = fitPage(
    views,
    views.map((view) => JSON.stringify(view)),
    (view) => view.index,
    page.nextAfter,
  );
  return json(200, { object: 'list', data: views.slice(0, fit.count), has_more: fit.nextAfter !== undefined, next_after: fit.nextAfter ?? null });
});
