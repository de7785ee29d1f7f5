// The local server's keys: generated on first start and kept in DATA_DIR (0600), so a restart keeps them.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomToken } from '#shared/adapters/system/ids.ts';
import { ENV } from '#shared/config.ts';

/** Keys generated on first start are kept in DATA_DIR, so a restart keeps them. */
export function localKeys(
  dataDir: string,
  options: { apiKey?: string; adminKey?: string; inMemory?: boolean },
): { apiKey: string; adminKey: string; signingSecret: string; cursorKey: string } {
  const file = join(dataDir, 'local-keys.json');
  const saved = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as { apiKey?: string; adminKey?: string; signingSecret?: string; cursorKey?: string })
    : {};
  const keys = {
    apiKey: options.apiKey ?? process.env.AGENT_SCHEDULES_API_KEY ?? saved.apiKey ?? `as_local_${randomToken(43)}`,
    adminKey: options.adminKey ?? process.env.AGENT_SCHEDULES_ADMIN_KEY ?? saved.adminKey ?? `as_admin_${randomToken(43)}`,
    signingSecret: process.env[ENV.signingSecret] ?? saved.signingSecret ?? randomToken(43),
    // Signs list cursors: this data dir's own, so a cursor cannot be forged from the source.
    cursorKey: saved.cursorKey ?? randomToken(43),
  };
  if (!options.inMemory) {
    const kept = {
      apiKey: saved.apiKey ?? keys.apiKey,
      adminKey: saved.adminKey ?? keys.adminKey,
      signingSecret: saved.signingSecret ?? keys.signingSecret,
      cursorKey: keys.cursorKey,
    };
    writeFileSync(file, JSON.stringify(kept, null, 2), { mode: 0o600 });
  }
  return keys;
}
