// The secret catalog item: a tenant secret's name and dates, one per secret under its tenant (never its value).
import type { SecretEntry } from '../../../ports/secret-vault.ts';
import { SECRET_SK_PREFIX, secretSk, tenantPk } from '../../../table.ts';
import { type ENTITY, attributeNames, type ItemKeys, type StoredItem, type TableKey } from './attributes.ts';

export type SecretItem = SecretEntry & ItemKeys<typeof ENTITY.secret>;

export const secretAttributes = attributeNames<SecretItem>;

export function secretKey(tenantId: string, name: string): TableKey {
  return { pk: tenantPk(tenantId), sk: secretSk(name) };
}

/** Where a tenant's secret entries are: one partition, every sort key starting with `skPrefix`. */
export function secretsOf(tenantId: string): { pk: string; skPrefix: string } {
  return { pk: tenantPk(tenantId), skPrefix: SECRET_SK_PREFIX };
}

export function secretFromItem(item: StoredItem): SecretEntry {
  const stored = item as Partial<Record<keyof SecretEntry, unknown>>;
  return { tenantId: String(stored.tenantId), name: String(stored.name), createdAt: String(stored.createdAt), updatedAt: String(stored.updatedAt) };
}
