// Rules every new run follows, scheduled or started by hand: its month's budget reservation and its record's expiry.
import { quotaFor, type Settings } from '../config.ts';
import type { QuotaReservation } from '../ports/run-store.ts';

function monthOf(date: Date): string {
  return date.toISOString().slice(0, 7);
}

export function quotaReservation(deps: { settings: Settings }, tenantId: string, now: Date): QuotaReservation | undefined {
  const limit = quotaFor(deps.settings, tenantId);
  return limit === undefined ? undefined : { limit, month: monthOf(now) };
}

export function expiresAt(settings: Settings, now: Date): number {
  return Math.floor(now.getTime() / 1000) + settings.runRetentionDays * 86_400;
}
