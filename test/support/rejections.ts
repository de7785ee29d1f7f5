// The one helper for expected failures: the error a call throws (or a promise rejects with), checked for its type.
import { expect } from 'vitest';

type ErrorClass<T extends Error> = abstract new (...args: never[]) => T;

/** The error `call` throws; fails the test when it returns instead, or throws something that is not a `type`. */
export function thrownBy<T extends Error = Error>(call: () => unknown, type?: ErrorClass<T>): T {
  let caught: unknown;
  try {
    call();
  } catch (error) {
    caught = error;
  }
  if (caught === undefined) throw new Error('expected the call to throw, but it returned');
  if (type) expect(caught).toBeInstanceOf(type);
  return caught as T;
}

/** The error `promise` rejects with; fails the test when it resolves instead, or rejects with something that is not a `type`. */
export async function rejectionOf<T extends Error = Error>(promise: Promise<unknown>, type?: ErrorClass<T>): Promise<T> {
  const outcome = await promise.then(
    () => ({ rejected: false as const }),
    (error: unknown) => ({ rejected: true as const, error }),
  );
  if (!outcome.rejected) throw new Error('expected the promise to reject, but it resolved');
  if (type) expect(outcome.error).toBeInstanceOf(type);
  return outcome.error as T;
}
