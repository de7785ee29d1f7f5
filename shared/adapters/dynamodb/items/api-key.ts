// The API key items: the record, found by the key's hash, and a keyId → hash pointer so a key can be deleted by id.
import type { ApiKeyRecord } from '../../../ports/api-key-store.ts';
import { apiKeyIdSk, apiKeySk, tenantPk } from '../../../table.ts';
import { ENTITY, attributeNames, withoutKeys, type ItemKeys, type StoredItem, type TableKey } from './attributes.ts';

export type ApiKeyItem = ApiKeyRecord & ItemKeys<typeof ENTITY.apiKey>;

export type ApiKeyIdItem = ItemKeys<typeof ENTITY.apiKeyId> & Pick<ApiKeyRecord, 'hash'>;

/** Names attributes of either API key item (both have the table key) in one request's expressions. */
export const apiKeyAttributes = attributeNames<ApiKeyItem & ApiKeyIdItem>;

export function apiKeyKey(tenantId: string, hash: string): TableKey {
  return { pk: tenantPk(tenantId), sk: apiKeySk(hash) };
}

export function apiKeyIdKey(tenantId: string, keyId: string): TableKey {
  return { pk: tenantPk(tenantId), sk: apiKeyIdSk(keyId) };
}

export function apiKeyItem(record: ApiKeyRecord): ApiKeyItem {
  return { ...record, ...apiKeyKey(record.tenantId, record.hash), entity: ENTITY.apiKey };
}

export function apiKeyIdItem(record: ApiKeyRecord): ApiKeyIdItem {
  return { ...apiKeyIdKey(record.tenantId, record.keyId), entity: ENTITY.apiKeyId, hash: record.hash };
}

export function apiKeyFromItem(item: StoredItem): ApiKeyRecord {
  return withoutKeys<ApiKeyRecord>(item);
}

/** The hash a keyId pointer leads to; undefined when the item is not one. */
export function hashOf(item: StoredItem | undefined): string | undefined {
  const hash = (item as Partial<Record<keyof ApiKeyIdItem, unknown>> | undefined)?.hash;
  return typeof hash === 'string' ? hash : undefined;
}
