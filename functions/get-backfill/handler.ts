// GET /v1/schedules/{id}/backfills/{backfillId}: a backfill's progress.
import { backfillReadDeps } from '#shared/composition/backfills.ts';
import { presentBackfill } from '#shared/http/backfills.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { getBackfill } from '#shared/use-cases/backfill.ts';

export const handler = apiHandler('tenant', async ({ principal, params }) =>
  json(200, { backfill: presentBackfill(await getBackfill(await backfillReadDeps(), principal, params.id!, params.backfillId!)) }),
);
