// How the API answers a domain error: its HTTP status (shared/http/errors.ts), code and details, for assertions.
import type { DomainError } from '#shared/domain/errors.ts';
import { statusOf } from '#shared/http/errors.ts';

export function answered(error: unknown): { status: number; code: string; details: DomainError['details'] } {
  const domain = error as DomainError;
  return { status: statusOf(domain), code: domain.code, details: domain.details };
}
