// PUT /v1/notification-settings {notify: [...]}: replaces the tenant default's webhooks.
import { notificationRouteDeps } from '#shared/composition/notifications.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { parseNotificationSettingsBody, presentNotificationSettings } from '#shared/http/notifications.ts';
import { putNotificationSettings } from '#shared/use-cases/notification-settings.ts';

export const handler = apiHandler('tenant', async ({ principal, body }) =>
  json(200, presentNotificationSettings(await putNotificationSettings(await notificationRouteDeps(), principal, parseNotificationSettingsBody(body)))),
);
