// The deployment's signing secret: agent calls and webhook notifications are signed with it (X-Agent-Schedules-Signature),
// and agent callback tokens derive from it.
import { ENV } from '../config.ts';
import { readSecret } from '../adapters/secrets/secrets.ts';
import { once } from './runtime.ts';

/** The key receivers verify X-Agent-Schedules-Signature with: AGENT_SIGNING_SECRET, or the secret its ARN names. */
export function signingSecret(): Promise<string> {
  return once('signingSecret', async () => {
    const direct = process.env[ENV.signingSecret];
    const arn = process.env[ENV.signingSecretArn];
    if (direct) return direct;
    if (arn) return (await readSecret(arn)).trim();
    throw new Error(
      `Set ${ENV.signingSecret} or ${ENV.signingSecretArn}: agent calls and notifications are signed with it, and callback tokens derive from it.`,
    );
  });
}
