// PATCH /v1/schedules/{id}/enable, POST …/resume: turn the schedule on in both stores (and catch up, if it asks to).
import { scheduleRunDeps } from '#shared/composition/runs.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { scheduleBody } from '#shared/http/schedules.ts';
import { resumeSchedule } from '#shared/use-cases/set-schedule-enabled.ts';

export const handler = apiHandler('tenant', async ({ principal, params, routeDialect }) => {
  const deps = await scheduleRunDeps();
  const schedule = await resumeSchedule(deps, principal, params.id!);
  return json(200, scheduleBody(schedule, deps.clock.now(), routeDialect));
});
