// Domain error codes → HTTP statuses: the one place the wire status of a failure is decided.
import type { DomainError } from '../domain/errors.ts';

export const HTTP_STATUS_BY_CODE: Readonly<Record<string, number>> = {
  invalid_request: 400,
  unauthorized: 401,
  budget_exhausted: 402,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  run_finished: 409,
  deadline_passed: 409,
  payload_too_large: 413,
  scheduler_unavailable: 503,
  storage_unavailable: 503,
  runner_unavailable: 503,
};

/** The status a domain error answers with; a code without one is a bug, answered as a 500. */
export function statusOf(error: DomainError): number {
  return HTTP_STATUS_BY_CODE[error.code] ?? 500;
}
