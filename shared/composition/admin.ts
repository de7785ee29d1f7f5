// Dependencies of the authorizer and the admin routes: API keys, and the admin key's hash (environment locally, Secrets Manager on AWS).
import { ENV } from '../config.ts';
import type { ApiKeyStore } from '../ports/api-key-store.ts';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import { hashKey } from '../use-cases/resolve-api-key.ts';
import { randomIds } from '../adapters/system/ids.ts';
import { readSecret } from '../adapters/secrets/secrets.ts';
import { clock, once } from './runtime.ts';
import { apiKeyStore } from './stores.ts';

/** SHA-256 of the deployment's admin key: ADMIN_API_KEY, or the secret ADMIN_KEY_SECRET_ARN names; read once. */
function adminKeyHash(): Promise<string | undefined> {
  return once('adminKeyHash', async () => {
    const direct = process.env[ENV.adminKey];
    const arn = process.env[ENV.adminKeySecretArn];
    const key = direct || (arn ? await readSecret(arn) : undefined);
    return key ? hashKey(key.trim()) : undefined;
  });
}

export async function authorizerDeps(): Promise<{ keys: ApiKeyStore; adminKeyHash: string | undefined }> {
  return { keys: apiKeyStore(), adminKeyHash: await adminKeyHash() };
}

export async function apiKeyDeps(): Promise<{ keys: ApiKeyStore; clock: Clock; ids: IdGenerator }> {
  return { keys: apiKeyStore(), clock: clock(), ids: randomIds };
}
