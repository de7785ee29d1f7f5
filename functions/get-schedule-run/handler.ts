// GET /v1/schedules/{id}/runs/{runId}: one run of a schedule, with its output.
import { runStore, scheduleStore } from '#shared/composition/stores.ts';
import { presentRun } from '#shared/http/runs.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { getScheduleRun } from '#shared/use-cases/list-runs.ts';

export const handler = apiHandler('tenant', async ({ principal, params }) =>
  json(200, { run: presentRun(await getScheduleRun({ schedules: scheduleStore(), runs: runStore() }, principal, params.id!, params.runId!)) }),
);
