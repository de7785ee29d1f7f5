// POST /v1/schedules/preview and GET /v1/schedules/text-to-cron: their request schemas and answers.
import { z } from 'zod';
import { maxChars, minChars } from '../domain/length-checks.ts';
import { formatInstant, type Timing } from '../expressions/index.ts';
import type { PreviewParams } from '../use-cases/preview-schedule.ts';
import { parseWith } from './validation.ts';

export const PreviewInput = z
  .object({
    cronExpression: z.string().check(maxChars(256)).optional(),
    scheduledTime: z.string().check(maxChars(64)).optional(),
    timezone: z.string().check(maxChars(64)).optional(),
    rate: z.string().check(maxChars(64)).optional().meta({ description: 'An interval instead of a cron: "90 minutes", "2 weeks", "rate(90 minutes)".' }),
    startAt: z
      .string()
      .check(maxChars(64))
      .optional()
      .meta({ description: "A rate's first run (its runs are counted from it); default: the next whole minute." }),
    count: z.number().int().min(1).max(50).optional(),
  })
  .strict()
  .meta({ id: 'PreviewInput' });

export const parsePreviewBody = (raw: unknown): PreviewParams => parseWith(PreviewInput, raw);

const TextQuery = z.object({ cron: z.string().check(minChars(1), maxChars(500)), timezone: z.string().check(maxChars(64)).optional() }).strict();

export const parseTextToCronQuery = (raw: unknown) => parseWith(TextQuery, raw);

export function presentPreview(timing: Timing) {
  return {
    scheduleType: timing.scheduleType,
    ...(timing.cronExpression !== undefined
      ? { cronExpression: timing.cronExpression }
      : timing.rate !== undefined
        ? { rate: timing.rate, startAt: timing.anchor ? formatInstant(timing.anchor) : null }
        : { scheduledTime: timing.scheduledTime }),
    timezone: timing.timezone,
    schedulerExpression: timing.schedulerExpression,
    schedulerTimezone: timing.schedulerTimezone,
    description: timing.description,
    nextRuns: timing.nextRuns.map(formatInstant),
  };
}

/** `data` is the bare cron string, as the Toolhouse text-to-cron endpoint answers. */
export function presentTextToCron(timing: Timing) {
  const cronExpression = timing.cronExpression ?? '';
  const { timezone, description, schedulerExpression } = timing;
  return { data: cronExpression, cronExpression, timezone, description, schedulerExpression, nextRuns: timing.nextRuns.map(formatInstant) };
}
