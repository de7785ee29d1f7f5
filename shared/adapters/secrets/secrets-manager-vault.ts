// Tenants' agent secrets in AWS Secrets Manager, one secret per (tenant, name) under `<prefix><tenant>/<name>`.
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { tenantSecretName, type SecretPolicy } from '../../domain/secret-ref.ts';
import type { SecretVault } from '../../ports/secret-vault.ts';

const named = (error: unknown, name: string): boolean => error instanceof Error && error.name === name;

export class SecretsManagerVault implements SecretVault {
  readonly #client: SecretsManagerClient;
  readonly #policy: Pick<SecretPolicy, 'secretsPrefix'>;

  constructor(options: { client: SecretsManagerClient; policy: Pick<SecretPolicy, 'secretsPrefix'> }) {
    this.#client = options.client;
    this.#policy = options.policy;
  }

  async put(tenantId: string, name: string, value: string): Promise<void> {
    const secretId = tenantSecretName(this.#policy, tenantId, name);
    try {
      await this.#client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: value }));
      return;
    } catch (error) {
      if (named(error, 'InvalidRequestException')) {
        // Deleted with a recovery window: bring it back, then write the new value.
        await this.#client.send(new RestoreSecretCommand({ SecretId: secretId }));
        await this.#client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: value }));
        return;
      }
      if (!named(error, 'ResourceNotFoundException')) throw error;
    }
    await this.#client.send(
      new CreateSecretCommand({
        Name: secretId,
        SecretString: value,
        Description: `agent-schedules: agent secret "${name}" of tenant ${tenantId}`,
        Tags: [{ Key: 'agent-schedules:tenant', Value: tenantId }],
      }),
    );
  }

  async read(tenantId: string, name: string): Promise<string | undefined> {
    try {
      const result = await this.#client.send(new GetSecretValueCommand({ SecretId: tenantSecretName(this.#policy, tenantId, name) }));
      return result.SecretString;
    } catch (error) {
      if (named(error, 'ResourceNotFoundException')) return undefined;
      throw error;
    }
  }

  async delete(tenantId: string, name: string): Promise<boolean> {
    try {
      // No recovery window: a tenant that deletes a secret may store one of the same name right away.
      await this.#client.send(new DeleteSecretCommand({ SecretId: tenantSecretName(this.#policy, tenantId, name), ForceDeleteWithoutRecovery: true }));
      return true;
    } catch (error) {
      if (named(error, 'ResourceNotFoundException')) return false;
      throw error;
    }
  }
}
