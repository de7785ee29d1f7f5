// The list routes' cursor signer, keyed by AGENT_CURSOR_KEY (local) or the secret AGENT_CURSOR_KEY_ARN names (AWS), read once.
import { ENV } from '../config.ts';
import { cursorCodec, type Cursors } from '../domain/cursor.ts';
import { readSecret } from '../adapters/secrets/secrets.ts';
import { once } from './runtime.ts';

export function cursors(): Promise<Cursors> {
  return once('cursors', async () => {
    const direct = process.env[ENV.cursorKey];
    const arn = process.env[ENV.cursorKeyArn];
    if (direct) return cursorCodec(direct);
    if (arn) return cursorCodec((await readSecret(arn)).trim());
    throw new Error(`Set ${ENV.cursorKey} or ${ENV.cursorKeyArn}: list cursors are signed with it.`);
  });
}
