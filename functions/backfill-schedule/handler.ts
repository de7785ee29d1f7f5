// POST /v1/schedules/{id}/backfill: run the schedule's past occurrences in [from, to), one at a time; 202 with the backfill.
import { backfillDeps } from '#shared/composition/backfills.ts';
import { parseBackfillBody, presentBackfill } from '#shared/http/backfills.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { startBackfill } from '#shared/use-cases/backfill.ts';

export const handler = apiHandler('tenant', async ({ principal, params, body }) => {
  const request = parseBackfillBody(body);
  const backfill = await startBackfill(await backfillDeps(), principal, params.id!, request);
  return json(202, { backfill: presentBackfill(backfill) });
});
