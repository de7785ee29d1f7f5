// API keys: issued by the deployment's admin, shown once, stored as SHA-256 hashes; and resolving a key to its caller.
import { z } from 'zod';
import { maxChars, minChars } from '../domain/length-checks.ts';
import { NotFoundError } from '../domain/errors.ts';
import { TENANT_ID_PATTERN, USER_ID_PATTERN } from '../domain/principal.ts';
import { toValidationError } from '../domain/schedule.ts';
import type { ApiKeyStore } from '../ports/api-key-store.ts';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import { hashKey } from './resolve-api-key.ts';


export const CreateApiKeyInput = z
  .object({
    tenantId: z.string().regex(TENANT_ID_PATTERN, 'tenantId must be 1–63 lower-case letters, digits or "-", starting with a letter or digit'),
    userId: z.string().regex(USER_ID_PATTERN, 'userId must be 1–128 letters, digits or "_.@-"'),
    teamId: z.string().regex(USER_ID_PATTERN, 'teamId must be 1–128 letters, digits or "_.@-"').nullable().optional(),
    name: z.string().trim().check(minChars(1), maxChars(200)),
  })
  .strict()
  .meta({ id: 'CreateApiKeyInput' });

const KEY_ID_FORMAT = /^key_([a-z0-9][a-z0-9-]{0,62})_([A-Za-z0-9]{16})$/;

export async function createApiKey(deps: { keys: ApiKeyStore; clock: Clock; ids: IdGenerator }, raw: unknown) {
  const parsed = CreateApiKeyInput.safeParse(raw);
  if (!parsed.success) throw toValidationError(parsed.error);
  const { tenantId, userId, name } = parsed.data;
  const teamId = parsed.data.teamId ?? null;
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
