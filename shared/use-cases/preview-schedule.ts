// Preview and text-to-cron: what a schedule would be, without storing anything.
import { z } from 'zod';
import { maxChars, minChars } from '../domain/length-checks.ts';
import { resolveText, resolveTiming, formatInstant, type Timing } from '../expressions/index.ts';
import type { Settings } from '../config.ts';
import { toValidationError } from '../domain/schedule.ts';
import type { Clock } from '../ports/clock.ts';
import { toValidation } from './schedule-timing.ts';

export const PreviewInput = z
  .object({
    cronExpression: z.string().check(maxChars(256)).optional(),
    scheduledTime: z.string().check(maxChars(64)).optional(),
    timezone: z.string().check(maxChars(64)).optional(),
    count: z.number().int().min(1).max(50).optional(),
  })
  .strict()
  .meta({ id: 'PreviewInput' });

function view(timing: Timing) {
  return {
    scheduleType: timing.scheduleType,
    ...(timing.cronExpression !== undefined ? { cronExpression: timing.cronExpression } : { scheduledTime: timing.scheduledTime }),
    timezone: timing.timezone,
    schedulerExpression: timing.schedulerExpression,
    schedulerTimezone: timing.schedulerTimezone,
    description: timing.description,
    nextRuns: timing.nextRuns.map(formatInstant),
  };
}

export function previewSchedule(deps: { clock: Clock; settings: Settings }, raw: unknown) {
  const parsed = PreviewInput.safeParse(raw);
  if (!parsed.success) throw toValidationError(parsed.error);
  try {
    return view(resolveTiming(parsed.data, { now: deps.clock.now(), minIntervalMinutes: deps.settings.minIntervalMinutes, count: parsed.data.count ?? 5 }));
  } catch (error) {
    throw toValidation(error);
  }
}

const TextQuery = z.object({ cron: z.string().check(minChars(1), maxChars(500)), timezone: z.string().check(maxChars(64)).optional() }).strict();

/** `data` is the bare cron string, as the Toolhouse text-to-cron endpoint answers. */
export function textToCronPreview(deps: { clock: Clock; settings: Settings }, rawQuery: Record<string, string | undefined>) {
  const parsed = TextQuery.safeParse(rawQuery);
  if (!parsed.success) throw toValidationError(parsed.error);
  try {
    const timing = resolveText(parsed.data.cron, { now: deps.clock.now(), minIntervalMinutes: deps.settings.minIntervalMinutes, ...(parsed.data.timezone ? { timezone: parsed.data.timezone } : {}) });
    const cronExpression = timing.cronExpression ?? '';
    const { timezone, description, schedulerExpression } = timing;
    return { data: cronExpression, cronExpression, timezone, description, schedulerExpression, nextRuns: timing.nextRuns.map(formatInstant) };
  } catch (error) {
    throw toValidation(error);
  }
}
