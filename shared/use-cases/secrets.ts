import type { Cursors } from '../domain/cursor.ts';
import { NotFoundError, ValidationError } from '../domain/errors.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import { SECRET_NAME_PATTERN } from '../domain/secret-ref.ts';
import type { Clock } from '../ports/clock.ts';
import type { SecretCatalog, SecretEntry, SecretVault } from '../ports/secret-vault.ts';

export interface SecretDeps {
  vault: SecretVault;
  catalog: SecretCatalog;
  clock: Clock;
}

/** Secrets Manager's limit on a secret value. */
export const SECRET_VALUE_MAX_BYTES = 65_536;

function checkName(name: string): void {
  if (!SECRET_NAME_PATTERN.test(name)) {
    throw new ValidationError(`"${name.slice(0, 80)}" is not a secret name: 1–64 letters, digits, "_", "." or "-", starting with a letter or digit.`, {
      field: 'name',
      hint: 'e.g. PUT /v1/secrets/openai-key',
    });
  }
}

/** Stores the value, then its name; returns the entry and whether it was new. */
export async function putSecret(deps: SecretDeps, principal: TenantPrincipal, name: string, value: string): Promise<{ entry: SecretEntry; created: boolean }> {
  checkName(name);
  const now = deps.clock.now().toISOString();
  await deps.vault.put(principal.tenantId, name, value);
  return deps.catalog.upsert(principal.tenantId, name, now);
}

export async function deleteSecret(deps: Omit<SecretDeps, 'clock'>, principal: TenantPrincipal, name: string): Promise<void> {
  if (!SECRET_NAME_PATTERN.test(name)) throw new NotFoundError('secret', name.slice(0, 80));
  const listed = await deps.catalog.delete(principal.tenantId, name);
  const stored = await deps.vault.delete(principal.tenantId, name);
  if (!listed && !stored) throw new NotFoundError('secret', name);
}

export async function listSecrets(
  deps: Pick<SecretDeps, 'catalog'> & { cursors: Cursors },
  principal: TenantPrincipal,
  query: { limit: number; cursor?: string | undefined },
) {
  const binding = `secrets\n${principal.tenantId}`;
  const after = query.cursor === undefined ? undefined : deps.cursors.decode(query.cursor, binding);
  const page = await deps.catalog.list(principal.tenantId, query.limit, after);
  return {
    items: page.items,
    hasMore: page.nextAfter !== undefined,
    nextCursor: page.nextAfter === undefined ? null : deps.cursors.encode(page.nextAfter, binding),
  };
}
