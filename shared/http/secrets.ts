// What clients see of a secret: its name, the reference agents use, and dates — never its value.
import type { SecretEntry } from '../ports/secret-vault.ts';

export function presentSecret(entry: SecretEntry) {
  return { object: 'secret' as const, name: entry.name, reference: `secret:${entry.name}`, createdAt: entry.createdAt, updatedAt: entry.updatedAt };
}
