// GET /v1/batches/{id}/results: the finished items as JSON Lines (application/x-ndjson), one line per item in index
// order: {index, input, status, attempt, runId, output, error, usage}. At most `limit` lines (and what fits in one
// Lambda response); when more remain, Link: <…?after=N>; rel="next" and X-Next-After: N.
import { batchStore, runStore } from '#shared/composition/stores.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { nextPageHeaders, resultsPage } from '#shared/http/batch-views.ts';
import { parseBatchResultsQuery } from '#shared/http/batches.ts';
import { batchResults } from '#shared/use-cases/batches/batch-queries.ts';

export const handler = apiHandler('tenant', async ({ principal, params, query, event }) => {
  const request = parseBatchResultsQuery(query);
  const page = resultsPage(await batchResults({ batches: batchStore(), runs: runStore() }, principal, params.id!, request));
  const limit = query.limit === undefined ? undefined : request.limit;
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/x-ndjson; charset=utf-8', ...nextPageHeaders(event.rawPath, page.nextAfter, limit) },
    body: page.body,
  };
});
