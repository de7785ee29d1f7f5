// The HTTP API Lambda authorizer (simple responses): resolves the bearer API key to its tenant, user and team.
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { authorizerDeps } from '#shared/composition/admin.ts';
import { logger } from '#shared/logger.ts';
import { resolveApiKey } from '#shared/use-cases/resolve-api-key.ts';

export interface AuthorizerResult {
  isAuthorized: boolean;
  context?: Record<string, string>;
}

export const handler = async (event: APIGatewayRequestAuthorizerEventV2): Promise<AuthorizerResult> => {
  const header = event.headers?.authorization ?? event.headers?.Authorization ?? event.identitySource?.[0] ?? '';
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (!token) return { isAuthorized: false };
  try {
    const principal = await resolveApiKey(await authorizerDeps(), token);
    if (!principal) return { isAuthorized: false };
    if (principal.role === 'admin') return { isAuthorized: true, context: { role: 'admin' } };
    return {
      isAuthorized: true,
      context: { role: 'tenant', tenantId: principal.tenantId, userId: principal.userId, teamId: principal.teamId ?? '', keyId: principal.keyId },
    };
  } catch (error) {
    // Never log the token; the key id is not known yet.
    logger.error('Authorizer failed', { error: error as Error });
    throw error;
  }
};
