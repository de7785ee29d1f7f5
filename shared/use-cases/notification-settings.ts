// The notification routes: a schedule's recent deliveries (for a schedule the caller may see), and the tenant default.
import type { NotifyTarget } from '../domain/notification.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import type { NotificationDelivery, NotificationLog, NotificationSettingsStore } from '../ports/notifications.ts';
import type { ScheduleStore } from '../ports/schedule-store.ts';
import { loadVisibleSchedule } from './schedule-access.ts';

export interface DeliveryListDeps {
  schedules: ScheduleStore;
  notifications: NotificationLog;
}

/** Deliveries shown when the caller asks for no limit, and the most it may ask for. */
export const DEFAULT_DELIVERY_LIMIT = 20;
export const MAX_DELIVERY_LIMIT = 100;

/** The schedule's deliveries, newest first; another tenant's (or an invisible) schedule is a 404. */
export async function listNotificationDeliveries(
  deps: DeliveryListDeps,
  principal: TenantPrincipal,
  scheduleId: string,
  limit: number = DEFAULT_DELIVERY_LIMIT,
): Promise<NotificationDelivery[]> {
  const schedule = await loadVisibleSchedule(deps, principal, scheduleId);
  return deps.notifications.listRecent(principal.tenantId, schedule.id, Math.min(Math.max(1, limit), MAX_DELIVERY_LIMIT));
}

export async function getNotificationSettings(deps: { defaults: NotificationSettingsStore }, principal: TenantPrincipal): Promise<NotifyTarget[]> {
  return deps.defaults.get(principal.tenantId);
}

/** Replaces the tenant default (an empty list: no default webhooks). */
export async function putNotificationSettings(
  deps: { defaults: NotificationSettingsStore },
  principal: TenantPrincipal,
  targets: NotifyTarget[],
): Promise<NotifyTarget[]> {
  await deps.defaults.put(principal.tenantId, targets);
  return targets;
}
