// Where tenants' agent secrets live (Secrets Manager on AWS, a 0600 file in DATA_DIR locally), and the list of their names.

/** Secret values, write-only through the API: only the runner reads them, at call time. */
export interface SecretVault {
  /** Creates or replaces the value. */
  put(tenantId: string, name: string, value: string): Promise<void>;
  /** The value, or undefined when the tenant has no secret of that name. */
  read(tenantId: string, name: string): Promise<string | undefined>;
  /** False when there was nothing to delete. */
  delete(tenantId: string, name: string): Promise<boolean>;
}

/** What the API shows of a secret: its name and dates, never its value. */
export interface SecretEntry {
  tenantId: string;
  name: string;
  createdAt: string;
  updatedAt: string;
}

/** The names of a tenant's secrets (in DynamoDB), so they can be listed without listing the account's secrets. */
export interface SecretCatalog {
  /** Records the secret; `createdAt` is kept from the first write, `created` says whether this was it. */
  upsert(tenantId: string, name: string, now: string): Promise<{ entry: SecretEntry; created: boolean }>;
  /** Sorted by name; `after` resumes strictly after that name. */
  list(tenantId: string, limit: number, after?: string): Promise<{ items: SecretEntry[]; nextAfter: string | undefined }>;
  /** False when there was nothing to delete. */
  delete(tenantId: string, name: string): Promise<boolean>;
}
