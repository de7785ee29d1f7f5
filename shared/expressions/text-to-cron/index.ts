// Deterministic English → 5-field cron + timezone, for the phrases people type.
import { buildCron } from './cron-builder.ts';
import { readSchedule } from './phrases/index.ts';
import { extractTimezone, looksLikeCron } from './tokens.ts';

export interface TextCron {
  cronExpression: string;
  timezone: string | undefined;
}

export function textToCron(text: string): TextCron {
  if (looksLikeCron(text)) return { cronExpression: text.trim(), timezone: undefined };

  const { rest, timezone } = extractTimezone(text);
  if (looksLikeCron(rest)) return { cronExpression: rest.trim(), timezone };

  const schedule = readSchedule(rest, text);
  return { cronExpression: buildCron(schedule, text), timezone };
}
