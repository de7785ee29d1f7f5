// Preview and text-to-cron: what a schedule would be, without storing anything.
import type { Settings } from '../config.ts';
import { resolveText, resolveTiming, type Timing } from '../expressions/index.ts';
import type { Clock } from '../ports/clock.ts';
import { toValidation } from './schedule-timing.ts';

export interface PreviewParams {
  cronExpression?: string | undefined;
  scheduledTime?: string | undefined;
  timezone?: string | undefined;
  rate?: string | undefined;
  startAt?: string | undefined;
  count?: number | undefined;
}

export function previewSchedule(deps: { clock: Clock; settings: Settings }, params: PreviewParams): Timing {
  try {
    return resolveTiming(params, { now: deps.clock.now(), minIntervalMinutes: deps.settings.minIntervalMinutes, count: params.count ?? 5 });
  } catch (error) {
    throw toValidation(error);
  }
}

/** A cadence in plain English (or cron), read in `timezone`. */
export function textToCronPreview(deps: { clock: Clock; settings: Settings }, params: { cron: string; timezone?: string | undefined }): Timing {
  try {
    return resolveText(params.cron, {
      now: deps.clock.now(),
      minIntervalMinutes: deps.settings.minIntervalMinutes,
      ...(params.timezone ? { timezone: params.timezone } : {}),
    });
  } catch (error) {
    throw toValidation(error);
  }
}
