// Opaque list cursors: a position bound to the caller and the query with an HMAC, so a garbage or altered cursor is a 400.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ValidationError } from './errors.ts';

/** Signs and checks list cursors; built from the deployment's cursor key (wiring/cursors.ts). */
export interface Cursors {
  /** `binding` ties the cursor to who asked and with which filters (e.g. tenant, user and query string). */
  encode(position: string, binding: string): string;
  /** The position, or a 400 naming `cursor` when this deployment did not sign it for this binding. */
  decode(cursor: string, binding: string): string;
}

/**
 * Cursors only carry a position inside the caller's own partitions (every read is still scoped by tenant and owner),
 * so the key guards integrity, not secrecy; it is the deployment's own (a generated secret on AWS, a random key in
 * DATA_DIR locally), so a cursor cannot be forged from the source.
 */
export function cursorCodec(key: string): Cursors {
  if (key.length < 16) throw new Error('The cursor key must be at least 16 characters.');
  const sign = (payload: string, binding: string): string => createHmac('sha256', key).update(`${binding}\n${payload}`).digest('base64url').slice(0, 22);
  return {
    encode(position, binding) {
      const payload = Buffer.from(position, 'utf8').toString('base64url');
      return `${payload}.${sign(payload, binding)}`;
    },
    decode(cursor, binding) {
      const [payload, signature, extra] = cursor.split('.');
      const expected = payload ? sign(payload, binding) : '';
      // Compared as bytes: a signature of 22 characters that are not all ASCII has more than 22 bytes.
      const given = Buffer.from(signature ?? '', 'utf8');
      const wanted = Buffer.from(expected, 'utf8');
      if (!payload || !signature || extra !== undefined || given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
        throw new ValidationError('cursor is not a cursor this list returned (or the filters changed since).', {
          field: 'cursor',
          hint: 'Pass next_cursor from the previous page unchanged, with the same filters; omit it to start from the first page.',
        });
      }
      return Buffer.from(payload, 'base64url').toString('utf8');
    },
  };
}
