// GET /v1/schedules/{id}/runs: the schedule's runs, newest first, cursor paged, filtered by status.
import { cursors } from '#shared/composition/cursors.ts';
import { runStore, scheduleStore } from '#shared/composition/stores.ts';
import { parseRunListQuery, presentRun } from '#shared/http/runs.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { listRuns } from '#shared/use-cases/list-runs.ts';

export const handler = apiHandler('tenant', async ({ principal, params, query }) => {
  const page = await listRuns({ schedules: scheduleStore(), runs: runStore(), cursors: await cursors() }, principal, params.id!, parseRunListQuery(query));
  return json(200, { object: 'list', data: page.items.map(presentRun), has_more: page.hasMore, next_cursor: page.nextCursor });
});
