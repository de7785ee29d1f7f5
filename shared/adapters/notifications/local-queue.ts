// The local server's notification queue: in process, delivering after the current request, with retries due on the
// injected clock (so tests move time instead of waiting). A delivery that throws is logged and tried again later.
import type { Clock } from '../../ports/clock.ts';
import type { DeliveryOutcome, NotificationMessage, NotificationQueue } from '../../ports/notifications.ts';

export interface LocalQueueOptions {
  deliver: (message: NotificationMessage) => Promise<DeliveryOutcome>;
  clock: Clock;
  /** How often (real milliseconds) waiting messages are checked against the clock. @default 200 */
  pollMs?: number;
  /** When a delivery throws (its log could not be written), how long until it is tried again. @default 30 s */
  failureDelayMs?: number;
  /** A delivery that throws this often is given up (and logged). @default 5 */
  maxFailures?: number;
  onError?: (error: unknown, message: NotificationMessage) => void;
}

interface Waiting {
  message: NotificationMessage;
  dueAt: number;
  failures: number;
}

export class LocalNotificationQueue implements NotificationQueue {
  readonly #options: LocalQueueOptions;
  readonly #waiting: Waiting[] = [];
  readonly #inFlight = new Set<Promise<void>>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #stopped = false;

  constructor(options: LocalQueueOptions) {
    this.#options = options;
  }

  /** Returns at once: the messages are delivered after the current request, never within it. */
  async enqueue(messages: NotificationMessage[]): Promise<void> {
    if (this.#stopped) throw new Error('The local notification queue is stopped.');
    const now = this.#options.clock.now().getTime();
    for (const message of messages) this.#waiting.push({ message: structuredClone(message), dueAt: now, failures: 0 });
    this.#start();
    setImmediate(() => this.#pump());
  }

  /** Messages waiting for their (next) attempt. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** Resolves when no delivery is in flight (waiting retries stay waiting). */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /** Stops polling and waits for deliveries in flight; waiting retries are dropped (the local server is stopping). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.idle();
  }

  #start(): void {
    if (this.#timer || this.#stopped) return;
    this.#timer = setInterval(() => this.#pump(), this.#options.pollMs ?? 200);
    this.#timer.unref();
  }

  #pump(): void {
    if (this.#stopped) return;
    const now = this.#options.clock.now().getTime();
    const due = this.#waiting.filter((entry) => entry.dueAt <= now);
    if (due.length === 0) return;
    for (const entry of due) this.#waiting.splice(this.#waiting.indexOf(entry), 1);
    for (const entry of due) {
      const attempt = this.#attempt(entry).finally(() => this.#inFlight.delete(attempt));
      this.#inFlight.add(attempt);
    }
  }

  async #attempt(entry: Waiting): Promise<void> {
    const { clock } = this.#options;
    try {
      const outcome = await this.#options.deliver(entry.message);
      if (outcome.status === 'retry') this.#waiting.push({ message: outcome.next, dueAt: clock.now().getTime() + outcome.delayMs, failures: entry.failures });
    } catch (error) {
      this.#options.onError?.(error, entry.message);
      const failures = entry.failures + 1;
      if (failures < (this.#options.maxFailures ?? 5)) {
        this.#waiting.push({ message: entry.message, dueAt: clock.now().getTime() + (this.#options.failureDelayMs ?? 30_000), failures });
      }
    }
  }
}
