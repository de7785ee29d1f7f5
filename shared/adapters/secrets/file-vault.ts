// Tenants' agent secrets on the local server: one JSON file in DATA_DIR, readable by its owner only (or memory, in tests).
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SecretVault } from '../../ports/secret-vault.ts';

export class FileVault implements SecretVault {
  readonly #path: string | undefined;
  readonly #values = new Map<string, string>();

  /** `path` undefined keeps the secrets in memory only. */
  constructor(path?: string) {
    this.#path = path;
    if (path && existsSync(path)) {
      for (const [key, value] of Object.entries(JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>)) this.#values.set(key, value);
    }
  }

  async put(tenantId: string, name: string, value: string): Promise<void> {
    this.#values.set(`${tenantId}/${name}`, value);
    this.#save();
  }

  async read(tenantId: string, name: string): Promise<string | undefined> {
    return this.#values.get(`${tenantId}/${name}`);
  }

  async delete(tenantId: string, name: string): Promise<boolean> {
    const deleted = this.#values.delete(`${tenantId}/${name}`);
    if (deleted) this.#save();
    return deleted;
  }

  #save(): void {
    if (!this.#path) return;
    const temporary = `${this.#path}.tmp`;
    writeFileSync(temporary, JSON.stringify(Object.fromEntries(this.#values)), { mode: 0o600 });
    renameSync(temporary, this.#path);
  }
}
