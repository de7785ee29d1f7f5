// POST /v1/admin/api-keys: its body, and its answer (the key, shown once).
import * as z from 'zod/mini';
import { maxChars, minChars } from '../domain/length-checks.ts';
import { TENANT_ID_PATTERN, USER_ID_PATTERN } from '../domain/principal.ts';
import type { NewApiKey } from '../use-cases/api-keys.ts';
import { parseWith } from './validation.ts';

export const CreateApiKeyInput = z
  .strictObject({
    tenantId: z.string().check(z.regex(TENANT_ID_PATTERN, 'tenantId must be 1–63 lower-case letters, digits or "-", starting with a letter or digit')),
    userId: z.string().check(z.regex(USER_ID_PATTERN, 'userId must be 1–128 letters, digits or "_.@-"')),
    teamId: z.optional(z.nullable(z.string().check(z.regex(USER_ID_PATTERN, 'teamId must be 1–128 letters, digits or "_.@-"')))),
    name: z.string().check(z.trim(), minChars(1), maxChars(200)),
  })
  .check(z.meta({ id: 'CreateApiKeyInput' }));

export const parseNewApiKey = (raw: unknown): NewApiKey => parseWith(CreateApiKeyInput, raw);

/** The issued key: the only time the key itself is shown (it is stored as a hash). */
export const IssuedApiKey = z
  .object({
    apiKey: z
      .string()
      .check(z.meta({ description: 'The key, shown this once: send it as "Authorization: Bearer <apiKey>". Only its hash is stored.', example: 'as_acme_…' })),
    keyId: z.string().check(z.meta({ description: 'Its id, to revoke it with DELETE /v1/admin/api-keys/{keyId}.', example: 'key_acme_3xK9mQ2vLp8RtY6w' })),
    tenantId: z.string(),
    userId: z.string(),
    teamId: z.nullable(z.string()),
    name: z.string(),
    createdAt: z.string(),
  })
  .check(z.meta({ id: 'IssuedApiKey' }));
