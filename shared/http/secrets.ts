// What clients see of a secret: its name, the reference agents use, and dates — never its value.
import * as z from 'zod/mini';
import { maxChars, minChars } from '../domain/length-checks.ts';
import type { SecretEntry } from '../ports/secret-vault.ts';
import { SECRET_VALUE_MAX_BYTES } from '../use-cases/secrets.ts';
import { parseWith } from './validation.ts';

export function presentSecret(entry: SecretEntry) {
  return { object: 'secret' as const, name: entry.name, reference: `secret:${entry.name}`, createdAt: entry.createdAt, updatedAt: entry.updatedAt };
}

/** PUT /v1/secrets/{name}'s body. */
export const PutSecretInput = z
  .strictObject({
    value: z.string().check(
      minChars(1, 'value is required: the secret, e.g. an API key'),
      z.refine((value) => Buffer.byteLength(value) <= SECRET_VALUE_MAX_BYTES, `value must be at most ${SECRET_VALUE_MAX_BYTES} bytes`),
      z.meta({ description: 'The secret. Write-only: never returned, logged or stored in the table.' }),
    ),
  })
  .check(z.meta({ id: 'PutSecretInput' }));

export const parsePutSecretBody = (raw: unknown) => parseWith(PutSecretInput, raw);

/** GET /v1/secrets' query string. */
export const SecretListQuery = z.strictObject({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 50),
  cursor: z.optional(z.string().check(maxChars(512))),
});
export const parseSecretListQuery = (raw: unknown) => parseWith(SecretListQuery, raw);
