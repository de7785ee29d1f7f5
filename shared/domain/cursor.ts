// Opaque list cursors: a position bound to the caller and the query with an HMAC, so a garbage or altered cursor is a 400.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ValidationError } from './errors.ts';

// Cursors only carry a position inside the caller's own partitions (every read is still scoped by tenant
// and owner), so the key guards integrity, not secrecy.
const KEY = 'agent-schedules/cursor/v1';

function sign(payload: string, binding: string): string {
  return createHmac('sha256', `${KEY}\n${binding}`).update(payload).digest('base64url').slice(0, 22);
}

/** `binding` ties the cursor to who asked and with which filters (e.g. tenant, user and query string). */
export function encodeCursor(position: string, binding: string): string {
  const payload = Buffer.from(position, 'utf8').toString('base64url');
  return `${payload}.${sign(payload, binding)}`;
}

export function decodeCursor(cursor: string, binding: string): string {
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
}
