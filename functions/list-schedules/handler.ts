// GET /v1/schedules (and /agent/schedules): the caller's and their team's schedules, sorted by name.
import { clock, scheduleStore } from '#shared/adapters/wiring/core.ts';
import { cursors } from '#shared/adapters/wiring/cursors.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { scheduleListBody } from '#shared/http/presenters.ts';
import { listSchedules } from '#shared/use-cases/list-schedules.ts';

export const handler = apiHandler('tenant', async ({ principal, query, routeDialect }) => {
  const list = await listSchedules({ schedules: scheduleStore(), cursors: await cursors() }, principal, query);
  return json(200, scheduleListBody(list, clock().now(), routeDialect));
});
