// Parsing a request part (body, query) with its zod schema: the value, or one 400 naming each wrong field.
import type * as z from 'zod/mini';
import { toValidationError } from '../domain/validation.ts';

export function parseWith<T extends z.ZodMiniType>(schema: T, raw: unknown): z.output<T> {
  const result = schema.safeParse(raw);
  if (!result.success) throw toValidationError(result.error);
  return result.data;
}
