// Wiring for tenants' agent secrets: the vault (Secrets Manager, or the local server's file) and its name catalog.
import type { SecretVault } from '../ports/secret-vault.ts';
import type { SecretDeps } from '../use-cases/secrets.ts';
import { AgentSecretReader } from '../adapters/secrets/agent-secret-reader.ts';
import { SecretsManagerVault } from '../adapters/secrets/secrets-manager-vault.ts';
import { secretsManagerClient } from '../adapters/secrets/secrets.ts';
import { clock, once, overrides, settings } from './runtime.ts';
import { secretCatalog } from './stores.ts';

export function secretVault(): SecretVault {
  return overrides.vault ?? once('secretVault', () => new SecretsManagerVault({ client: secretsManagerClient(), policy: settings().secretPolicy }));
}

export async function secretDeps(): Promise<SecretDeps> {
  return { vault: secretVault(), catalog: secretCatalog(), clock: clock() };
}

/** How the runner resolves agents' secretRef: the caller's tenant only, env:NAME only when allow-listed. */
export function agentSecretReader(): AgentSecretReader {
  return once('agentSecretReader', () => new AgentSecretReader({ vault: secretVault(), policy: settings().secretPolicy }));
}
