// The backfill item: one per backfill, in its tenant's partition, sorted under its schedule.
import type { Backfill } from '../../../domain/backfill.ts';
import { backfillSk, tenantPk } from '../../../table.ts';
import { ENTITY, attributeNames, withoutKeys, type ItemKeys, type StoredItem, type TableKey } from './attributes.ts';

export type BackfillItem = Backfill & ItemKeys<typeof ENTITY.backfill>;

/** Names backfill attributes in one request's expressions. */
export const backfillAttributes = attributeNames<BackfillItem>;

export function backfillKey(tenantId: string, scheduleId: string, id: string): TableKey {
  return { pk: tenantPk(tenantId), sk: backfillSk(scheduleId, id) };
}

export function backfillItem(backfill: Backfill): BackfillItem {
  return { ...backfill, ...backfillKey(backfill.tenantId, backfill.scheduleId, backfill.id), entity: ENTITY.backfill };
}

export function backfillFromItem(item: StoredItem): Backfill {
  return withoutKeys<Backfill>(item);
}
