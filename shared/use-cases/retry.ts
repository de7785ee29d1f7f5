// One way to retry a read-modify-write that lost a race: a few attempts, with jittered exponential backoff between them.
import { StaleVersionError } from '../domain/errors.ts';

export const STALE_RETRY_ATTEMPTS = 5;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it does not throw StaleVersionError, at most `attempts` times, backing off 10–20 ms, 20–40 ms…
 * between tries so that racing writers spread out. After the last try, `exhausted()` says what to throw instead.
 */
export async function retryStale<T>(attempt: (tryNumber: number) => Promise<T>, exhausted: () => Error, attempts = STALE_RETRY_ATTEMPTS): Promise<T> {
  for (let tryNumber = 1; ; tryNumber += 1) {
    try {
      return await attempt(tryNumber);
    } catch (error) {
      if (!(error instanceof StaleVersionError)) throw error;
      if (tryNumber >= attempts) throw exhausted();
      await pause(10 * 2 ** (tryNumber - 1) * (1 + Math.random()));
    }
  }
}
