// PATCH and PUT /v1/schedules/{id} (and PUT /agent/schedules/{id}): merge the given fields into the schedule.
import { scheduleDeps } from '#shared/composition/schedules.ts';
import { parseScheduleInput } from '#shared/http/schedules.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { scheduleBody } from '#shared/http/schedules.ts';
import { updateSchedule } from '#shared/use-cases/update-schedule.ts';

export const handler = apiHandler('tenant', async ({ principal, params, body, routeDialect }) => {
  const { input, dialect } = parseScheduleInput(body);
  const deps = await scheduleDeps();
  const schedule = await updateSchedule(deps, principal, params.id!, input);
  return json(200, scheduleBody(schedule, deps.clock.now(), routeDialect === 'agent' ? 'agent' : dialect));
});
