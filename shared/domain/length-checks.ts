// Length checks that run on strings (or arrays) only.
import { $ZodCheckMaxLength, $ZodCheckMinLength } from 'zod/v4/core';

/**
 * zod runs `.min`/`.max` even on a value that already failed the type check when it has a `length` property, so
 * {"appId": {"length": {"toString": 1}}} threw a TypeError there (a 500); with these it is only "expected string".
 * Same checks otherwise (code points; minLength/maxLength/maxItems in the OpenAPI document). Use them instead of
 * `z.minLength`/`z.maxLength`/`z.length` on every request field. (Imported from zod's core, not as `z.core.…`: that
 * would bundle all of zod.)
 */
const onStrings = (payload: { value: unknown }): boolean => typeof payload.value === 'string';
const onArrays = (payload: { value: unknown }): boolean => Array.isArray(payload.value);

export function maxChars(maximum: number, message?: string): $ZodCheckMaxLength {
  return new $ZodCheckMaxLength({ check: 'max_length', maximum, when: onStrings, ...(message ? { error: () => message } : {}) });
}

export function minChars(minimum: number, message?: string): $ZodCheckMinLength {
  return new $ZodCheckMinLength({ check: 'min_length', minimum, when: onStrings, ...(message ? { error: () => message } : {}) });
}

export function maxItems(maximum: number, message?: string): $ZodCheckMaxLength {
  return new $ZodCheckMaxLength({ check: 'max_length', maximum, when: onArrays, ...(message ? { error: () => message } : {}) });
}

export function minItems(minimum: number, message?: string): $ZodCheckMinLength {
  return new $ZodCheckMinLength({ check: 'min_length', minimum, when: onArrays, ...(message ? { error: () => message } : {}) });
}
