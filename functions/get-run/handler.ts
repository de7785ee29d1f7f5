// GET /v1/runs/{id}: a one-off run started with POST /v1/runs.
import { runStore } from '#shared/composition/stores.ts';
import { presentRun } from '#shared/http/runs.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { getApiRun } from '#shared/use-cases/list-runs.ts';

export const handler = apiHandler('tenant', async ({ principal, params }) =>
  json(200, { run: presentRun(await getApiRun({ runs: runStore() }, principal, params.id!)) }),
);
