// Time and ids come through ports, so tests control both.

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface IdGenerator {
  /** A new random id with the given prefix, e.g. sched_3xK9… */
  newId(prefix: string): string;
}
