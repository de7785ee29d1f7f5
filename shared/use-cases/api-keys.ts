// API keys: issued by the deployment's admin, shown once, stored as SHA-256 hashes; and resolving a key to its caller.
import { NotFoundError } from '../domain/errors.ts';
import type { ApiKeyStore } from '../ports/api-key-store.ts';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import { hashKey } from './resolve-api-key.ts';

/** A key to issue: for a tenant, a user and optionally a team, with a name to recognise it by. */
export interface NewApiKey {
  tenantId: string;
  userId: string;
  teamId?: string | null | undefined;
  name: string;
}

const KEY_ID_FORMAT = /^key_([a-z0-9][a-z0-9-]{0,62})_([A-Za-z0-9]{16})$/;

export async function createApiKey(deps: { keys: ApiKeyStore; clock: Clock; ids: IdGenerator }, input: NewApiKey) {
  const { tenantId, userId, name } = input;
  const teamId = input.teamId ?? null;
  const apiKey = `as_${tenantId}_${deps.ids.token(43)}`;
  const keyId = `key_${tenantId}_${deps.ids.token(16)}`;
  const createdAt = deps.clock.now().toISOString();
  await deps.keys.create({ tenantId, keyId, hash: hashKey(apiKey), userId, teamId, name, createdAt });
  return { apiKey, keyId, tenantId, userId, teamId, name, createdAt };
}

export async function deleteApiKey(deps: { keys: ApiKeyStore }, keyId: string): Promise<void> {
  const tenantId = KEY_ID_FORMAT.exec(keyId)?.[1];
  if (!tenantId || !(await deps.keys.delete(tenantId, keyId))) throw new NotFoundError('api key', keyId);
}
