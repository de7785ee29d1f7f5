// Who is calling: resolved from the API key by the authorizer and passed to every use case.

export interface TenantPrincipal {
  role: 'tenant';
  tenantId: string;
  userId: string;
  teamId?: string | undefined;
  keyId: string;
}

export interface AdminPrincipal {
  role: 'admin';
}

export type Principal = TenantPrincipal | AdminPrincipal;

/** Tenant ids appear inside API keys and table keys, so they are kept to a safe alphabet. */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const USER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,127}$/;
