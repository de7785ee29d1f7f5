// GET /v1/notification-settings: the tenant default's webhooks (used by schedules whose notify is null).
import { notificationRouteDeps } from '#shared/composition/notifications.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { presentNotificationSettings } from '#shared/http/notifications.ts';
import { getNotificationSettings } from '#shared/use-cases/notification-settings.ts';

export const handler = apiHandler('tenant', async ({ principal }) =>
  json(200, presentNotificationSettings(await getNotificationSettings(await notificationRouteDeps(), principal))),
);
