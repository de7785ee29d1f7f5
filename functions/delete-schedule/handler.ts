// DELETE /v1/schedules/{id}: 204; the EventBridge schedule goes too. /agent/schedules/{id} answers {success: true}.
import { scheduleDeps } from '#shared/composition/schedules.ts';
import { apiHandler, json, noContent } from '#shared/http/api-handler.ts';
import { deleteSchedule } from '#shared/use-cases/delete-schedule.ts';

export const handler = apiHandler('tenant', async ({ principal, params, routeDialect }) => {
  await deleteSchedule(await scheduleDeps(), principal, params.id!);
  return routeDialect === 'agent' ? json(200, { success: true }) : noContent();
});
