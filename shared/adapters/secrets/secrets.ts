// Reading secrets by reference: a Secrets Manager ARN on AWS, or env:NAME on the local server.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

let client: SecretsManagerClient | undefined;

export async function readSecret(reference: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (reference.startsWith('env:')) {
    const name = reference.slice(4);
    const value = env[name];
    if (value === undefined) throw new Error(`Secret reference ${reference}: environment variable ${name} is not set.`);
    return value;
  }
  client ??= new SecretsManagerClient({});
  const result = await client.send(new GetSecretValueCommand({ SecretId: reference }));
  if (result.SecretString === undefined) throw new Error(`Secret ${reference} has no string value.`);
  return result.SecretString;
}
