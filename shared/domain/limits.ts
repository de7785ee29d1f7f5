// Size limits of requests and their fields; kept free of zod so the smallest handlers need not carry it.

export const LIMITS = {
  /** Characters (Unicode code points) of a schedule name… */
  nameChars: 200,
  /** …and its bytes of UTF-8: storage counts bytes (the name is part of a 1,024-byte index key, see scheduleSortKey). */
  nameBytes: 800,
  descriptionChars: 2000,
  taskBytes: 32 * 1024,
  metadataBytes: 8 * 1024,
  bodyBytes: 256 * 1024,
} as const;
