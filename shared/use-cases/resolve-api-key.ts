// Resolving a presented API key to its caller, by hash; kept apart from key management so the authorizer stays small.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Principal } from '../domain/principal.ts';
import type { ApiKeyStore } from '../ports/api-key-store.ts';

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

// Keys read as_<tenant>_<secret>: the tenant in the key scopes the lookup, so even the key index is per tenant.
export const KEY_FORMAT = /^as_([a-z0-9][a-z0-9-]{0,62})_([A-Za-z0-9]{43})$/;

/** Compares two hex SHA-256 hashes in constant time. */
export function sameHash(presentedHash: string, knownHash: string | undefined): boolean {
  if (!knownHash) return false;
  const a = Buffer.from(presentedHash, 'hex');
  const b = Buffer.from(knownHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The caller a bearer token stands for, or undefined for an unknown, revoked or malformed key. */
export async function resolveApiKey(deps: { keys: ApiKeyStore; adminKeyHash: string | undefined }, presented: string): Promise<Principal | undefined> {
  const hash = hashKey(presented);
  if (sameHash(hash, deps.adminKeyHash)) return { role: 'admin' };
  const tenantId = KEY_FORMAT.exec(presented)?.[1];
  if (!tenantId) return undefined;
  const record = await deps.keys.findByHash(tenantId, hash);
  if (!record) return undefined;
  return { role: 'tenant', tenantId: record.tenantId, userId: record.userId, teamId: record.teamId ?? undefined, keyId: record.keyId };
}
