// GET /v1/schedules (and /agent/schedules): the caller's and their team's schedules, sorted by name.
import { cursors } from '#shared/composition/cursors.ts';
import { clock } from '#shared/composition/runtime.ts';
import { scheduleStore } from '#shared/composition/stores.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { parseScheduleListQuery, scheduleListBody } from '#shared/http/schedules.ts';
import { listSchedules } from '#shared/use-cases/list-schedules.ts';

export const handler = apiHandler('tenant', async ({ principal, query, routeDialect }) => {
  const list = await listSchedules({ schedules: scheduleStore(), cursors: await cursors() }, principal, parseScheduleListQuery(query));
  return json(200, scheduleListBody(list, clock().now(), routeDialect));
});
