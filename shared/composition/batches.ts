// Wiring for the batch routes and for what moves batches on (runner, sweeper, callback): the batch store, the queue
// items start through (SQS on AWS, the local server's in-process queue), and the deployment's model price table.
import { ENV } from '../config.ts';
import { modelPricesFrom, type ModelPrices } from '../domain/model-prices.ts';
import type { Batch } from '../domain/batch.ts';
import type { SchedulerMirror } from '../ports/scheduler-mirror.ts';
import type { BatchContinuation, BatchDeps } from '../use-cases/batches/batch-deps.ts';
import { endScheduleRunOfBatch } from '../use-cases/batches/scheduled-batch.ts';
import { randomIds } from '../adapters/system/ids.ts';
import { logger } from '../logger.ts';
import { batchQueue, isLocalBatchQueue } from './batch-queue.ts';
import { notifyDeps } from './notifications.ts';
import { noSchedulerAccess } from './no-scheduler.ts';
import { clock, once, settings } from './runtime.ts';
import { agentStore, batchStore, runStore, scheduleStore } from './stores.ts';

/** The defaults with MODEL_PRICES laid over them (a malformed value throws on first use, naming the model). */
export const modelPrices = (): ModelPrices => once('modelPrices', () => modelPricesFrom(process.env[ENV.modelPrices]));

/** Where batch items run: the local server's queue, or SQS → the runner with its memory (RUNNER_MEMORY_MB). */
function compute(): { engine: 'sqs' | 'local'; memoryMb: number | null } {
  if (isLocalBatchQueue()) return { engine: 'local', memoryMb: null };
  const memory = Number(process.env[ENV.runnerMemory]);
  return { engine: 'sqs', memoryMb: Number.isInteger(memory) && memory > 0 ? memory : null };
}

/**
 * A schedule's batch that ends ends the schedule's run: with the schedule's counters, auto-pause and notifications.
 * Auto-pause changes the Scheduler: only where `mirror` is given (functions with Scheduler access).
 */
function batchFinisher(mirror: SchedulerMirror = noSchedulerAccess) {
  return async (batch: Batch): Promise<void> => {
    if (!batch.scheduleRunId) return;
    const deps = {
      schedules: scheduleStore(),
      agents: agentStore(),
      mirror,
      clock: clock(),
      ids: randomIds,
      settings: settings(),
      log: (message: string, details: Record<string, unknown>) => logger.warn(message, details),
      runs: runStore(),
      notifications: await notifyDeps(),
    };
    await endScheduleRunOfBatch(deps, batch);
  };
}

/** What a runner, sweeper or callback adds to move a batch on when one of its items ends (`mirror`: see batchFinisher). */
export function batchContinuation(mirror?: SchedulerMirror): BatchContinuation {
  return { batches: batchStore(), batchQueue: batchQueue(), modelPrices: modelPrices(), onBatchFinished: batchFinisher(mirror), batchCompute: compute() };
}

export async function batchDeps(): Promise<BatchDeps> {
  return {
    batches: batchStore(),
    runs: runStore(),
    agents: agentStore(),
    schedules: scheduleStore(),
    queue: batchQueue(),
    clock: clock(),
    ids: randomIds,
    settings: settings(),
    prices: modelPrices(),
    ...compute(),
    notifications: await notifyDeps(),
    log: (message, details) => logger.warn(message, details),
    onFinished: batchFinisher(),
  };
}
