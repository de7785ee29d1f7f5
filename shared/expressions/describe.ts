// Human sentences for schedules, shown to users beside every schedule.
import cronstrue from 'cronstrue';
import { observesDaylightSaving, type Rate } from './rate.ts';
import { formatWallClock } from './scheduler-expression.ts';
import { toWallClock } from './timezone.ts';

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/**
 * "At 09:00, Monday through Friday (America/New_York)". cronstrue also reads the calendar forms: "on the last day of
 * the month" (L), "on the weekday nearest day 15 of the month" (15W), "on the last Friday of the month" (5L), "on the
 * second Monday of the month" (1#2).
 */
export function describeCron(expression: string, timezone: string): string {
  const sentence = cronstrue.toString(expression, { use24HourTimeFormat: true, throwExceptionOnParseError: false });
  return `${sentence} (${timezone})`;
}

/** "Once, at 2026-12-01 09:00:00 (America/New_York)". */
export function describeOneTime(instant: Date, timezone: string): string {
  return `Once, at ${formatWallClock(toWallClock(instant.getTime(), timezone)).replace('T', ' ')} (${timezone})`;
}

/** "90 minutes", "2 weeks", "day": how long the interval is, in words. */
function intervalWords(rate: Rate): string {
  if (rate.unit === 'day' && rate.value % 7 === 0) return rate.value === 7 ? 'week' : `${rate.value / 7} weeks`;
  return rate.value === 1 ? rate.unit : rate.text;
}

/**
 * "Every 2 weeks, starting Monday 2026-11-23 09:00 (Europe/Berlin); runs are exactly 14 days apart, so their local
 * time moves when daylight saving time starts or ends". The note is added when the zone has daylight saving time
 * and the runs would otherwise fall at the same clock times every day (an interval that divides a day or is whole
 * days), since a rate keeps exact gaps in absolute time rather than following the wall clock.
 */
export function describeRate(rate: Rate, anchor: Date, timezone: string): string {
  const wall = new Date(toWallClock(anchor.getTime(), timezone));
  const start = `${WEEKDAYS[wall.getUTCDay()]} ${formatWallClock(wall.getTime()).slice(0, 16).replace('T', ' ')}`;
  const sentence = `Every ${intervalWords(rate)}, starting ${start} (${timezone})`;
  const daily = rate.minutes >= 60 && (1440 % rate.minutes === 0 || rate.minutes % 1440 === 0);
  if (!daily || !observesDaylightSaving(timezone, anchor)) return sentence;
  const gap = rate.value === 1 ? (rate.unit === 'hour' ? 'an hour' : `a ${rate.unit}`) : rate.text;
  return `${sentence}; runs are exactly ${gap} apart, so their local time moves when daylight saving time starts or ends`;
}
