// Reading the service's own secrets (admin key, signing secret) by Secrets Manager ARN; agents' secrets go through AgentSecretReader.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

let client: SecretsManagerClient | undefined;

export function secretsManagerClient(): SecretsManagerClient {
  client ??= new SecretsManagerClient({});
  return client;
}

/** The string value of a secret, by ARN or name. */
export async function readSecret(secretId: string): Promise<string> {
  const result = await secretsManagerClient().send(new GetSecretValueCommand({ SecretId: secretId }));
  if (result.SecretString === undefined) throw new Error(`Secret ${secretId} has no string value.`);
  return result.SecretString;
}
