// GET /v1/schedules/{id} (and /agent/schedules/{id}): one schedule.
import { readDeps } from '#shared/composition/reads.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { scheduleBody } from '#shared/http/schedules.ts';
import { getSchedule } from '#shared/use-cases/get-schedule.ts';

export const handler = apiHandler('tenant', async ({ principal, params, routeDialect }) => {
  const deps = await readDeps();
  const schedule = await getSchedule(deps, principal, params.id!);
  return json(200, scheduleBody(schedule, deps.clock.now(), routeDialect));
});
