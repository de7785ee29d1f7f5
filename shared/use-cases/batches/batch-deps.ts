// What batch use cases need: the batch store, the runs its items become, the queue that starts them in the runner,
// and the price table their cost is reckoned with.
import type { Settings } from '../../config.ts';
import type { Batch } from '../../domain/batch.ts';
import type { ModelPrices } from '../../domain/model-prices.ts';
import type { AgentStore } from '../../ports/agent-store.ts';
import type { BatchQueue } from '../../ports/batch-queue.ts';
import type { BatchStore } from '../../ports/batch-store.ts';
import type { Clock, IdGenerator } from '../../ports/clock.ts';
import type { RunStore } from '../../ports/run-store.ts';
import type { ScheduleStore } from '../../ports/schedule-store.ts';
import type { NotifyDeps } from '../notifications.ts';

/** Moving a batch on as its items end (the runner, the sweeper and a callback all do). */
export interface BatchProgressDeps {
  batches: BatchStore;
  runs: RunStore;
  queue: BatchQueue;
  clock: Clock;
  settings: Settings;
  prices: ModelPrices;
  schedules?: ScheduleStore;
  notifications?: NotifyDeps | undefined;
  log?: ((message: string, details: Record<string, unknown>) => void) | undefined;
  /** After a batch's final status is written (once): a schedule's batch ends the schedule's run with it. */
  onFinished?: ((batch: Batch) => Promise<void>) | undefined;
}

export interface BatchDeps extends BatchProgressDeps {
  agents: AgentStore;
  schedules: ScheduleStore;
  ids: IdGenerator;
  /** Where items run, for the batch's compute: SQS → the runner on AWS, the local server's queue locally. */
  engine: 'sqs' | 'local';
  /** The runner's memory on AWS (MB); null locally. */
  memoryMb: number | null;
}

/** What a runner, sweeper or callback carries to move batches on (all optional there: without them a batch waits). */
export interface BatchContinuation {
  batches?: BatchStore | undefined;
  batchQueue?: BatchQueue | undefined;
  modelPrices?: ModelPrices | undefined;
  /** Ends the schedule's run of a schedule's batch when the batch ends (scheduled-batch.ts; the composition wires it). */
  onBatchFinished?: ((batch: Batch) => Promise<void>) | undefined;
  /** Where a schedule's batches run (their compute): the engine and the runner's memory. @default sqs, unknown memory */
  batchCompute?: { engine: 'sqs' | 'local'; memoryMb: number | null } | undefined;
}

/** The deps batch progress needs, from a runner's (or sweeper's, or callback's); undefined when it cannot move batches. */
export function batchProgressDeps(
  deps: BatchContinuation &
    Pick<BatchProgressDeps, 'runs' | 'clock' | 'log' | 'notifications'> & { settings?: Settings | undefined; schedules?: ScheduleStore },
): BatchProgressDeps | undefined {
  const { batches, batchQueue, modelPrices, settings } = deps;
  if (!batches || !batchQueue || !modelPrices || !settings) return undefined;
  return {
    batches,
    runs: deps.runs,
    queue: batchQueue,
    clock: deps.clock,
    settings,
    prices: modelPrices,
    ...(deps.schedules ? { schedules: deps.schedules } : {}),
    notifications: deps.notifications,
    log: deps.log,
    onFinished: deps.onBatchFinished,
  };
}
