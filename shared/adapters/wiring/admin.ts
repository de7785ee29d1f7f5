// Wiring for the authorizer: the admin key's hash, from the environment locally or Secrets Manager on AWS.
import { ENV } from '../../config.ts';
import { hashKey } from '../../use-cases/resolve-api-key.ts';
import { readSecret } from '../secrets/secrets.ts';
import { once } from './core.ts';

/** SHA-256 of the deployment's admin key: ADMIN_API_KEY, or the secret ADMIN_KEY_SECRET_ARN names; read once. */
export function adminKeyHash(): Promise<string | undefined> {
  return once('adminKeyHash', async () => {
    const direct = process.env[ENV.adminKey];
    const arn = process.env[ENV.adminKeySecretArn];
    const key = direct || (arn ? await readSecret(arn) : undefined);
    return key ? hashKey(key.trim()) : undefined;
  });
}
