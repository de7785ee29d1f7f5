// Time and ids come through ports, so tests control both (implementations: shared/adapters/system/).

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  /** A new random id with the given prefix, e.g. sched_3xK9… */
  newId(prefix: string): string;
  /** `length` random URL-safe characters (API key secrets, run id suffixes). */
  token(length: number): string;
}
