// POST /v1/runs/{id}/cancel and POST /v1/schedules/{id}/runs/{runId}/cancel: stop a queued or running run; 409 once it has ended.
import { cancelDeps } from '#shared/composition/runs.ts';
import { presentRun } from '#shared/http/runs.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { cancelRun } from '#shared/use-cases/cancel-run.ts';

export const handler = apiHandler('tenant', async ({ principal, params }) => {
  const ref = params.runId === undefined ? { scheduleId: null, runId: params.id! } : { scheduleId: params.id!, runId: params.runId };
  return json(200, { run: presentRun(await cancelRun(await cancelDeps(), principal, ref)) });
});
