// POST /v1/schedules/preview and GET /v1/schedules/text-to-cron: their request schemas and answers.
import * as z from 'zod/mini';
import { maxChars, minChars } from '../domain/length-checks.ts';
import { formatInstant, type Timing } from '../expressions/index.ts';
import type { PreviewParams } from '../use-cases/preview-schedule.ts';
import { parseWith } from './validation.ts';

export const PreviewInput = z
  .strictObject({
    cronExpression: z.optional(z.string().check(maxChars(256))),
    scheduledTime: z.optional(z.string().check(maxChars(64))),
    timezone: z.optional(z.string().check(maxChars(64))),
    rate: z
      .optional(z.string().check(maxChars(64)))
      .check(z.meta({ description: 'An interval instead of a cron: "90 minutes", "2 weeks", "rate(90 minutes)".' })),
    startAt: z
      .optional(z.string().check(maxChars(64)))
      .check(z.meta({ description: "A rate's first run (its runs are counted from it); default: the next whole minute." })),
    count: z.optional(z.number().check(z.int(), z.gte(1), z.lte(50))),
  })
  .check(z.meta({ id: 'PreviewInput' }));

export const parsePreviewBody = (raw: unknown): PreviewParams => parseWith(PreviewInput, raw);

const TextQuery = z.strictObject({ cron: z.string().check(minChars(1), maxChars(500)), timezone: z.optional(z.string().check(maxChars(64))) });

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
