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

/** GET /v1/schedules/text-to-cron's query string. */
export const TextToCronQuery = z.strictObject({
  cron: z.string().check(minChars(1), maxChars(500), z.meta({ description: 'The schedule in plain English', example: 'sundays at 5pm UTC' })),
  timezone: z.optional(z.string().check(maxChars(64), z.meta({ description: 'IANA timezone the text is read in, unless it names one (default UTC).' }))),
});

export const parseTextToCronQuery = (raw: unknown) => parseWith(TextToCronQuery, raw);

const instants = z.array(z.string()).check(z.meta({ description: 'The next fire times, ISO 8601 UTC.' }));

/** POST /v1/schedules/preview's answer. */
export const PreviewView = z
  .object({
    scheduleType: z.enum(['recurring', 'one-time']),
    cronExpression: z.optional(z.string()),
    rate: z.optional(z.string()).check(z.meta({ description: 'A rate preview: the interval, e.g. "90 minutes".' })),
    startAt: z.optional(z.nullable(z.string())).check(z.meta({ description: 'A rate preview: its first run, from which the others count.' })),
    scheduledTime: z.optional(z.string()),
    timezone: z.string(),
    schedulerExpression: z.string().check(z.meta({ example: 'cron(0 9 ? * MON-FRI *)' })),
    schedulerTimezone: z.string(),
    description: z.string(),
    nextRuns: instants,
  })
  .check(z.meta({ id: 'Preview' }));

/** GET /v1/schedules/text-to-cron's answer. */
export const TextToCronView = z
  .object({
    data: z.string().check(z.meta({ description: 'The cron expression alone, as Toolhouse’s text-to-cron answers.', example: '0 17 * * 0' })),
    cronExpression: z.string().check(z.meta({ example: '0 17 * * 0' })),
    timezone: z.string(),
    description: z.string().check(z.meta({ example: 'At 17:00, only on Sunday (UTC)' })),
    schedulerExpression: z.string().check(z.meta({ example: 'cron(0 17 ? * SUN *)' })),
    nextRuns: instants,
  })
  .check(z.meta({ id: 'TextToCron' }));

export function presentPreview(timing: Timing): z.infer<typeof PreviewView> {
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
export function presentTextToCron(timing: Timing): z.infer<typeof TextToCronView> {
  const cronExpression = timing.cronExpression ?? '';
  const { timezone, description, schedulerExpression } = timing;
  return { data: cronExpression, cronExpression, timezone, description, schedulerExpression, nextRuns: timing.nextRuns.map(formatInstant) };
}
