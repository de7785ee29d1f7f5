// POST /v1/schedules/{id}/backfill's body, and what clients see of a backfill: its range and its progress.
import * as z from 'zod/mini';
import { type Backfill, DEFAULT_BACKFILL_MAX_RUNS, MAX_BACKFILL_RUNS, remainingOf } from '../domain/backfill.ts';
import { scheduledRunId } from '../domain/run.ts';
import type { BackfillRequest } from '../use-cases/backfill.ts';
import { parseWith } from './validation.ts';

const instant = (example: string) =>
  z.iso
    .datetime({ offset: true, error: `must be an ISO 8601 instant with "Z" or an offset, e.g. "${example}"` })
    .check(z.meta({ example, description: 'An ISO 8601 instant with "Z" or an offset.' }));

export const BackfillInput = z
  .strictObject({
    from: instant('2026-11-01T00:00:00Z').check(z.meta({ description: 'The first instant of the range (inclusive).' })),
    to: instant('2026-11-08T00:00:00Z').check(z.meta({ description: 'The end of the range (exclusive): after from, and not in the future.' })),
    maxRuns: z
      .optional(
        z
          .number({ error: `must be a whole number from 1 to ${MAX_BACKFILL_RUNS.toLocaleString('en-US')}, e.g. 100` })
          .check(
            z.int(`must be a whole number from 1 to ${MAX_BACKFILL_RUNS.toLocaleString('en-US')}, e.g. 100`),
            z.gte(1, 'must be at least 1'),
            z.lte(MAX_BACKFILL_RUNS, `may be at most ${MAX_BACKFILL_RUNS.toLocaleString('en-US')}; for more occurrences, backfill the range in parts`),
          ),
      )
      .check(
        z.meta({ description: `The most occurrences the range may hold (default ${DEFAULT_BACKFILL_MAX_RUNS}, at most ${MAX_BACKFILL_RUNS}); more is a 400.` }),
      ),
  })
  .check(z.meta({ id: 'BackfillInput' }));

export function parseBackfillBody(raw: unknown): BackfillRequest {
  const input = parseWith(BackfillInput, raw);
  return { from: input.from, to: input.to, maxRuns: input.maxRuns ?? DEFAULT_BACKFILL_MAX_RUNS };
}

export const BackfillView = z
  .object({
    id: z.string().check(z.meta({ example: 'bf_3xK9mQ2vLp8RtY6wZa1B' })),
    object: z.literal('backfill'),
    scheduleId: z.string(),
    userId: z.string(),
    from: z.string(),
    to: z.string(),
    status: z.enum(['running', 'done', 'stopped']),
    stopReason: z
      .nullable(z.enum(['budget', 'schedule_deleted']))
      .check(z.meta({ description: 'Why a stopped backfill did not run its remaining occurrences: the monthly run budget, or its schedule was deleted.' })),
    occurrences: z
      .number()
      .check(z.int(), z.meta({ description: "How many occurrences of the schedule fall in [from, to) (within the schedule's startAt/endAt)." })),
    counts: z
      .object({
        ran: z.number().check(z.int(), z.meta({ description: 'Run by this backfill, and succeeded.' })),
        alreadyRan: z.number().check(z.int(), z.meta({ description: 'Had a run already (a scheduled fire, a catch-up, another backfill): not run again.' })),
        failed: z.number().check(z.int(), z.meta({ description: 'Run by this backfill, and ended failed, timed_out or skipped.' })),
      })
      .check(z.meta({ description: 'What became of the occurrences so far; with remaining, they add up to occurrences.' })),
    remaining: z.number().check(z.int(), z.meta({ description: 'Occurrences not yet accounted for (the one in flight included).' })),
    nextOccurrence: z
      .nullable(z.string())
      .check(
        z.meta({ description: 'While running: the occurrence being run now (one at a time, in time order). Stopped: the first one not run. Done: null.' }),
      ),
    nextRunId: z
      .nullable(z.string())
      .check(z.meta({ description: 'The run id of nextOccurrence (the id its scheduled fire has too); null when there is none.' })),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .check(z.meta({ id: 'Backfill' }));

export type BackfillViewShape = z.infer<typeof BackfillView>;

export function presentBackfill(backfill: Backfill): BackfillViewShape {
  return {
    id: backfill.id,
    object: 'backfill',
    scheduleId: backfill.scheduleId,
    userId: backfill.userId,
    from: backfill.from,
    to: backfill.to,
    status: backfill.status,
    stopReason: backfill.stopReason,
    occurrences: backfill.occurrences,
    counts: { ...backfill.counts },
    remaining: remainingOf(backfill),
    nextOccurrence: backfill.nextOccurrence,
    nextRunId: backfill.nextOccurrence === null ? null : scheduledRunId(backfill.scheduleId, backfill.nextOccurrence),
    createdAt: backfill.createdAt,
    updatedAt: backfill.updatedAt,
  };
}
