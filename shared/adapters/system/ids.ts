// Random, URL-safe ids from the platform's CSPRNG.
import { randomBytes } from 'node:crypto';
import type { IdGenerator } from '../../ports/clock.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `length` characters of base62; 20 characters carry 119 bits. */
export function randomToken(length: number): string {
  const bytes = randomBytes(length * 2);
  let token = '';
  for (let index = 0; token.length < length && index < bytes.length; index += 1) {
    const byte = bytes[index]!;
    // Rejection sampling keeps every character equally likely.
    if (byte < 248) token += ALPHABET[byte % 62];
  }
  return token.length === length ? token : token + randomToken(length - token.length);
}

export const randomIds: IdGenerator = {
  newId: (prefix) => `${prefix}_${randomToken(20)}`,
  token: randomToken,
};
