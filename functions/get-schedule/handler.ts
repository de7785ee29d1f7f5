// GET /v1/schedules/{id} (and /agent/schedules/{id}): one schedule.
import { clock } from '#shared/composition/runtime.ts';
import { scheduleStore } from '#shared/composition/stores.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { scheduleBody } from '#shared/http/schedules.ts';
import { getSchedule } from '#shared/use-cases/get-schedule.ts';

export const handler = apiHandler('tenant', async ({ principal, params, routeDialect }) => {
  const schedule = await getSchedule({ schedules: scheduleStore() }, principal, params.id!);
  return json(200, scheduleBody(schedule, clock().now(), routeDialect));
});
