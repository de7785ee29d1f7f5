// GET /v1/schedules (and /agent/schedules): the caller's and their team's schedules, sorted by name.
import { listDeps } from '#shared/composition/reads.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { parseScheduleListQuery, scheduleListBody } from '#shared/http/schedules.ts';
import { listSchedules } from '#shared/use-cases/list-schedules.ts';

export const handler = apiHandler('tenant', async ({ principal, query, routeDialect }) => {
  const deps = await listDeps();
  const list = await listSchedules(deps, principal, parseScheduleListQuery(query));
  return json(200, scheduleListBody(list, deps.clock.now(), routeDialect));
});
