// What clients see of notifications: a schedule's webhook deliveries, the tenant default's webhooks, and the parsers of
// their query and body.
import * as z from 'zod/mini';
import { NOTIFY_EVENTS, NotifyTargetsSchema, type NotifyTarget } from '../domain/notification.ts';
import type { NotificationDelivery } from '../ports/notifications.ts';
import { DEFAULT_DELIVERY_LIMIT, MAX_DELIVERY_LIMIT } from '../use-cases/notification-settings.ts';
import { parseWith } from './validation.ts';

export const NotificationDeliveryView = z
  .object({
    id: z.string().check(z.meta({ example: 'ntf_20261120T090012Z_3f9a0c1b2d4e' })),
    object: z.literal('notification_delivery'),
    scheduleId: z.nullable(z.string()),
    eventId: z
      .string()
      .check(z.meta({ example: 'run.failed:run_20261120T090000Z_a1b2c3d4e5f6', description: 'The body’s id and the X-Agent-Schedules-Event-Id header.' })),
    event: z.enum(NOTIFY_EVENTS),
    url: z.string().check(z.meta({ description: 'The webhook URL without its query string.' })),
    format: z.enum(['json', 'slack']),
    status: z
      .enum(['pending', 'delivered', 'failed'])
      .check(z.meta({ description: 'pending: not delivered yet, tried again at nextAttemptAt; delivered: a 2xx answer; failed: every attempt failed.' })),
    attempts: z.number().check(z.int()),
    lastResponseCode: z.nullable(z.number().check(z.int())).check(z.meta({ description: 'The HTTP status of the last attempt; null when it got no answer.' })),
    lastError: z
      .nullable(z.string())
      .check(z.meta({ description: 'Why the last attempt failed: the answer’s status and start, or the network or SSRF-guard error.' })),
    nextAttemptAt: z.nullable(z.string()),
    createdAt: z.string().check(z.meta({ description: 'When the event happened.' })),
    updatedAt: z.string().check(z.meta({ description: 'When the last attempt was made.' })),
  })
  .check(z.meta({ id: 'NotificationDelivery' }));

export const NotificationDeliveryList = z
  .object({ object: z.literal('list'), data: z.array(NotificationDeliveryView) })
  .check(z.meta({ id: 'NotificationDeliveryList' }));

export function presentDelivery(delivery: NotificationDelivery): z.infer<typeof NotificationDeliveryView> {
  return {
    id: delivery.id,
    object: 'notification_delivery',
    scheduleId: delivery.scheduleId,
    eventId: delivery.eventId,
    event: delivery.event,
    url: delivery.url,
    format: delivery.format,
    status: delivery.status,
    attempts: delivery.attempts,
    lastResponseCode: delivery.lastResponseCode,
    lastError: delivery.lastError,
    nextAttemptAt: delivery.nextAttemptAt,
    createdAt: delivery.createdAt,
    updatedAt: delivery.updatedAt,
  };
}

export const NotificationListQuery = z.strictObject({
  limit: z
    .optional(
      z.coerce
        .number({ error: `must be a whole number from 1 to ${MAX_DELIVERY_LIMIT}` })
        .check(
          z.int(`must be a whole number from 1 to ${MAX_DELIVERY_LIMIT}`),
          z.gte(1, 'must be at least 1'),
          z.lte(MAX_DELIVERY_LIMIT, `may be at most ${MAX_DELIVERY_LIMIT}`),
        ),
    )
    .check(z.meta({ description: `How many deliveries, newest first (default ${DEFAULT_DELIVERY_LIMIT}).` })),
});

export function parseNotificationListQuery(query: Record<string, string | undefined>): number {
  return parseWith(NotificationListQuery, query).limit ?? DEFAULT_DELIVERY_LIMIT;
}

export const NotificationSettingsInput = z
  .strictObject({
    notify: z
      .nullable(NotifyTargetsSchema)
      .check(z.meta({ description: 'The tenant default: webhooks of every schedule whose notify is null. null or []: none.' })),
  })
  .check(z.meta({ id: 'NotificationSettingsInput' }));

export function parseNotificationSettingsBody(raw: unknown): NotifyTarget[] {
  return parseWith(NotificationSettingsInput, raw).notify ?? [];
}

export const NotificationSettingsView = z
  .object({
    object: z.literal('notification_settings'),
    notify: z.array(z.object({ on: z.array(z.enum(NOTIFY_EVENTS)), url: z.string(), format: z.enum(['json', 'slack']) })),
  })
  .check(z.meta({ id: 'NotificationSettings' }));

export function presentNotificationSettings(targets: NotifyTarget[]): z.infer<typeof NotificationSettingsView> {
  return { object: 'notification_settings', notify: targets.map((target) => ({ on: [...target.on], url: target.url, format: target.format ?? 'json' })) };
}
