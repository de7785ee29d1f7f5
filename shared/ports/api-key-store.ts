// API keys, stored only as SHA-256 hashes, scoped by tenant.

export interface ApiKeyRecord {
  tenantId: string;
  keyId: string;
  /** Hex SHA-256 of the whole key; the key itself is shown once and never stored. */
  hash: string;
  userId: string;
  teamId: string | null;
  name: string;
  createdAt: string;
}

export interface ApiKeyStore {
  create(record: ApiKeyRecord): Promise<void>;
  findByHash(tenantId: string, hash: string): Promise<ApiKeyRecord | undefined>;
  /** Returns false when no such key exists. */
  delete(tenantId: string, keyId: string): Promise<boolean>;
}
