// A schedule's `batch`: the items each fire of the schedule runs its task over (as one batch). Apart from batch.ts so
// that what reads batches alone (the store, /health's bundle) does not carry zod.
import * as z from 'zod/mini';
import { DEFAULT_BATCH_CONCURRENCY, MAX_BATCH_CONCURRENCY } from './batch.ts';

/** Items a schedule's batch may hold: they travel in the schedule (its 256 KiB request body, its stored record). */
export const MAX_SCHEDULE_BATCH_ITEMS = 2_000;

/**
 * A schedule's `batch`: each fire runs the schedule's task (the template) over these items as one batch, each item with
 * the schedule's timeoutSeconds and retry.
 */
export const ScheduleBatchSchema = z
  .strictObject({
    items: z
      .array(z.union([z.string(), z.record(z.string(), z.unknown())], { error: 'each item must be a string or a JSON object' }))
      .check(
        z.minLength(1, 'batch.items needs at least one item'),
        z.maxLength(MAX_SCHEDULE_BATCH_ITEMS, `batch.items: at most ${MAX_SCHEDULE_BATCH_ITEMS} items on a schedule (POST /v1/batches takes 10,000)`),
      ),
    maxConcurrency: z.optional(
      z
        .number()
        .check(
          z.int(),
          z.gte(1, `batch.maxConcurrency must be 1–${MAX_BATCH_CONCURRENCY}`),
          z.lte(MAX_BATCH_CONCURRENCY, `batch.maxConcurrency must be 1–${MAX_BATCH_CONCURRENCY}`),
        ),
    ),
    toleratedFailurePercent: z.optional(
      z.number().check(z.gte(0, 'batch.toleratedFailurePercent must be 0–100'), z.lte(100, 'batch.toleratedFailurePercent must be 0–100')),
    ),
  })
  .check(
    z.meta({
      id: 'ScheduleBatch',
      description: `Instead of one run, each fire runs task over these items as one batch ({{item}} / {{item.field}} placeholders; at most ${MAX_SCHEDULE_BATCH_ITEMS} items), each with the schedule's timeoutSeconds and retry; maxConcurrency defaults to ${DEFAULT_BATCH_CONCURRENCY}. The fire's run stays running until the batch ends and takes its outcome (partially_failed counts as failed). List them with GET /v1/schedules/{id}/batches.`,
    }),
  );

export type ScheduleBatch = z.infer<typeof ScheduleBatchSchema>;
