// Human sentences for schedules, shown to users beside every schedule.
import cronstrue from 'cronstrue';
import { formatWallClock } from './scheduler-expression.ts';
import { toWallClock } from './timezone.ts';

/** "At 09:00, Monday through Friday (America/New_York)". */
export function describeCron(expression: string, timezone: string): string {
  const sentence = cronstrue.toString(expression, { use24HourTimeFormat: true, throwExceptionOnParseError: false });
  return `${sentence} (${timezone})`;
}

/** "Once, at 2026-12-01 09:00:00 (America/New_York)". */
export function describeOneTime(instant: Date, timezone: string): string {
  return `Once, at ${formatWallClock(toWallClock(instant.getTime(), timezone)).replace('T', ' ')} (${timezone})`;
}
