// Deterministic English → 5-field cron (or an interval) + timezone, for the phrases people type.
import { ExpressionError } from '../errors.ts';
import { parseRate, type FirstRun } from '../rate.ts';
import { buildSchedule } from './cron-builder.ts';
import { readSchedule } from './phrases/index.ts';
import { extractTimezone, looksLikeCron } from './tokens.ts';

export interface TextCron {
  /** A 5-field cron; or, for a gap cron cannot keep that runs from the start ("every 90 minutes"), "rate(90 minutes)". */
  cronExpression: string;
  timezone: string | undefined;
}

/** What a text says: a cron, or an interval (whose first run may be aligned to a weekday and time). */
export type TextSchedule =
  | { kind: 'cron'; cronExpression: string; timezone: string | undefined }
  | {
      kind: 'rate';
      /** The interval inside rate(…): "90 minutes", "14 days". */
      rate: string;
      /** "rate(90 minutes)". */
      schedulerExpression: string;
      /** The wall-clock time (and weekday) the first run falls on; undefined: the first run is the start. */
      firstRun: FirstRun | undefined;
      timezone: string | undefined;
    };

/** Reads cron, rate(…) or English; throws ExpressionError (field "text") naming what cannot be a schedule. */
export function readScheduleText(text: string): TextSchedule {
  const passThrough = (expression: string, timezone: string | undefined): TextSchedule | undefined => {
    if (!looksLikeCron(expression)) return undefined;
    if (!/^\s*rate/i.test(expression)) return { kind: 'cron', cronExpression: expression.trim(), timezone };
    const rate = parseRate(expression, 'text');
    return { kind: 'rate', rate: rate.text, schedulerExpression: rate.expression, firstRun: undefined, timezone };
  };
  const asIs = passThrough(text, undefined);
  if (asIs) return asIs;

  const { rest, timezone } = extractTimezone(text);
  const withoutZone = passThrough(rest, timezone);
  if (withoutZone) return withoutZone;

  const built = buildSchedule(readSchedule(rest, text), text);
  if (built.kind === 'cron') return { kind: 'cron', cronExpression: built.cronExpression, timezone };
  return { kind: 'rate', rate: built.rate.text, schedulerExpression: built.rate.expression, firstRun: built.firstRun, timezone };
}

/**
 * English → cron. An interval that runs from its start ("every 90 minutes") comes back as "rate(90 minutes)", which
 * resolveTiming reads too. One aligned to a weekday or time ("every 2 weeks on monday at 9:00") needs an anchor a
 * cron string cannot carry, so it is refused here: resolve it with resolveText (or readScheduleText).
 */
export function textToCron(text: string): TextCron {
  const read = readScheduleText(text);
  if (read.kind === 'cron') return { cronExpression: read.cronExpression, timezone: read.timezone };
  if (read.firstRun === undefined) return { cronExpression: read.schedulerExpression, timezone: read.timezone };
  const { weekday, hour, minute } = read.firstRun;
  const at = `${weekday === undefined ? '' : `${WEEKDAYS[weekday]} `}${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
  throw new ExpressionError(
    'text',
    `"${text}" is an interval, ${read.schedulerExpression}, whose first run falls on ${at}; a cron expression cannot carry that start.`,
    { hint: `Resolve the text with resolveText, which anchors it, or send "rate": "${read.rate}" with "startAt" set to the first run.` },
  );
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
