// The local server's stand-in for the asynchronous Lambda invoke: runs the runner in this process, after the response.
import type { QueuedRunRef, RunDispatcher } from '#shared/ports/run-dispatcher.ts';

export class InProcessDispatcher implements RunDispatcher {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly run: (ref: QueuedRunRef) => Promise<unknown>) {}

  async dispatch(ref: QueuedRunRef): Promise<void> {
    const job = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.run(ref))
      .then(
        () => undefined,
        (error: unknown) => console.error(`local runner: run ${ref.runId} failed to execute:`, error),
      );
    this.pending.add(job);
    void job.finally(() => this.pending.delete(job));
  }

  /** Waits for every dispatched run (tests, and a clean shutdown). */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
