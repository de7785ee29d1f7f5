// Idempotency-Key: one home for its rules, shared by create-schedule, trigger and POST /v1/runs. A key names one
// request of one user for 24 hours; the same key with the same body answers the first result, another body is a 409.
import { createHash } from 'node:crypto';
import { ConflictError, ValidationError } from '../domain/errors.ts';
import type { IdempotencyRecord } from '../ports/schedule-store.ts';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** What a request carries: the key and the fingerprint of what it asks (its route and parsed body). */
export interface IdempotentRequest {
  key: string;
  requestHash: string;
}

/** The key checked and the request's fingerprint; undefined without a key. */
export function idempotentRequest(key: string | undefined, request: unknown): IdempotentRequest | undefined {
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new ValidationError('Idempotency-Key must be 1–255 visible ASCII characters.', { field: 'Idempotency-Key' });
  }
  return { key, requestHash: createHash('sha256').update(JSON.stringify(request)).digest('hex') };
}

/** The stored record answers this request (same body), or a 409 says the key was used for another one. */
export function assertSameRequest(record: IdempotencyRecord, request: IdempotentRequest): void {
  if (record.requestHash === request.requestHash) return;
  throw new ConflictError('This Idempotency-Key was already used with a different request body.', {
    field: 'Idempotency-Key',
    hint: 'Use a new key for a new request; reuse a key only to retry the very same request.',
  });
}
