// GET /v1/schedules/{id}/notifications: the schedule's recent webhook deliveries, newest first, with status and response code.
import { notificationRouteDeps } from '#shared/composition/notifications.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { parseNotificationListQuery, presentDelivery } from '#shared/http/notifications.ts';
import { listNotificationDeliveries } from '#shared/use-cases/notification-settings.ts';

export const handler = apiHandler('tenant', async ({ principal, params, query }) => {
  const deliveries = await listNotificationDeliveries(await notificationRouteDeps(), principal, params.id!, parseNotificationListQuery(query));
  return json(200, { object: 'list', data: deliveries.map(presentDelivery) });
});
