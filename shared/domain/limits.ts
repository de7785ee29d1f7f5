// Size limits of requests and their fields; kept free of zod so the smallest handlers need not carry it.

export const LIMITS = {
  nameChars: 200,
  descriptionChars: 2000,
  taskBytes: 32 * 1024,
  metadataBytes: 8 * 1024,
  bodyBytes: 256 * 1024,
} as const;
