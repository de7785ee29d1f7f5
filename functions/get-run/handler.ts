// GET /v1/runs/{id}: a one-off run started with POST /v1/runs.
import { readDeps } from '#shared/composition/reads.ts';
import { presentRun } from '#shared/http/runs.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { getApiRun } from '#shared/use-cases/list-runs.ts';

export const handler = apiHandler('tenant', async ({ principal, params }) =>
  json(200, { run: presentRun(await getApiRun(await readDeps(), principal, params.id!)) }),
);
