// The notification items: one per webhook delivery, in its schedule's delivery partition (with a TTL), and the tenant
// default's webhooks in the tenant's partition.
import type { NotifyTarget } from '../../../domain/notification.ts';
import type { NotificationDelivery } from '../../../ports/notifications.ts';
import { NOTIFY_SETTINGS_SK, notificationSk, notificationsPk, tenantPk } from '../../../table.ts';
import { attributeNames, withoutKeys, type StoredItem, type TableKey } from './attributes.ts';

/** The `entity` attributes of these items (what a Scan would filter on). */
export const NOTIFICATION_ENTITY = { delivery: 'notificationDelivery', settings: 'notificationSettings' } as const;

export type DeliveryItem = NotificationDelivery & TableKey & { entity: typeof NOTIFICATION_ENTITY.delivery };

export interface NotificationSettingsItem extends TableKey {
  entity: typeof NOTIFICATION_ENTITY.settings;
  tenantId: string;
  targets: NotifyTarget[];
}

/** Names delivery attributes in one request's expressions. */
export const deliveryAttributes = attributeNames<DeliveryItem>;

export function deliveryKey(tenantId: string, scheduleId: string | null, id: string): TableKey {
  return { pk: notificationsPk(tenantId, scheduleId), sk: notificationSk(id) };
}

export function deliveryItem(delivery: NotificationDelivery): DeliveryItem {
  return { ...delivery, ...deliveryKey(delivery.tenantId, delivery.scheduleId, delivery.id), entity: NOTIFICATION_ENTITY.delivery };
}

export function deliveryFromItem(item: StoredItem): NotificationDelivery {
  return withoutKeys<NotificationDelivery>(item);
}

export function settingsKey(tenantId: string): TableKey {
  return { pk: tenantPk(tenantId), sk: NOTIFY_SETTINGS_SK };
}

export function settingsItem(tenantId: string, targets: NotifyTarget[]): NotificationSettingsItem {
  return { ...settingsKey(tenantId), entity: NOTIFICATION_ENTITY.settings, tenantId, targets };
}

export function targetsFromItem(item: StoredItem | undefined): NotifyTarget[] {
  return item === undefined ? [] : ((item as unknown as NotificationSettingsItem).targets ?? []);
}
