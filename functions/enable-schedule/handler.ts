// PATCH /v1/schedules/{id}/enable, POST …/resume: turn the schedule on in both stores.
import { scheduleDeps } from '#shared/composition/schedules.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { scheduleBody } from '#shared/http/schedules.ts';
import { setScheduleEnabled } from '#shared/use-cases/set-schedule-enabled.ts';

export const handler = apiHandler('tenant', async ({ principal, params, routeDialect }) => {
  const deps = await scheduleDeps();
  const schedule = await setScheduleEnabled(deps, principal, params.id!, true);
  return json(200, scheduleBody(schedule, deps.clock.now(), routeDialect));
});
