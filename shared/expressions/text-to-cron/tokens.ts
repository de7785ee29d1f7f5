// The input as tokens: cron passed through, the time zone taken out, the rest normalised and split into words, numbers and times.
import { canonicalTimezone } from '../timezone.ts';
import { reject, TIME_EXAMPLES, type Time } from './schedule.ts';
import { NAMED_TIMES, NUMBER_WORDS, TIMEZONE_ABBREVIATIONS } from './words.ts';

/**
 * Five whitespace-separated fields of digits, `*`, `,`, `-`, `/` and 3-letter names (none in minute/hour), or the
 * calendar forms L, 15W (day-of-month) and 5L, 1#2 (day-of-week); or an interval written rate(…).
 */
export function looksLikeCron(text: string): boolean {
  if (/^\s*rate\s*\(.*\)\s*$/i.test(text)) return true;
  const fields = text.trim().split(/\s+/);
  if (fields.length !== 5) return false;
  const field = /^(?:\*|\d+|[a-z]{3})(?:[-/,](?:\*|\d+|[a-z]{3}))*$/i;
  const calendar = [/^(?:l|lw|\d+w)$/i, /^(?:\d|[a-z]{3})(?:l|#\d+)$/i];
  return fields.every((f, i) => (field.test(f) || (i === 2 && calendar[0]!.test(f)) || (i === 4 && calendar[1]!.test(f))) && (i > 1 || !/[a-z]/i.test(f)));
}

/** Takes the time zone ("UTC", "EST", "in Europe/London") out of the text. */
export function extractTimezone(text: string): { rest: string; timezone: string | undefined } {
  let timezone: string | undefined;
  const kept: string[] = [];
  for (const word of text.trim().split(/\s+/)) {
    const zone = zoneNamedBy(word);
    if (zone === undefined) {
      kept.push(word);
      continue;
    }
    if (timezone !== undefined && timezone !== zone) {
      throw reject(`"${text}" names two time zones (${timezone} and ${zone}); a schedule runs in one.`, 'Keep one time zone, e.g. "sundays at 5pm UTC".');
    }
    timezone = zone;
    if (kept[kept.length - 1]?.toLowerCase() === 'in') kept.pop(); // "at 9am in Europe/London"
  }
  return { rest: kept.join(' '), timezone };
}

/** The zone a word names (an abbreviation, or anything shaped like Area/Location), or undefined for other words. */
function zoneNamedBy(word: string): string | undefined {
  const bare = word.replace(/^[(,;]+|[),;.]+$/g, '');
  const abbreviated = TIMEZONE_ABBREVIATIONS[bare.toLowerCase()];
  if (abbreviated !== undefined) return abbreviated;
  if (!/^[a-z]+(?:\/[a-z0-9_+-]+)+$/i.test(bare)) return undefined;
  const zone = canonicalTimezone(bare);
  if (zone === undefined) {
    throw reject(
      `"${bare}" is not a time zone this parser knows.`,
      'Use an IANA name such as "America/New_York", "Europe/London" or "Asia/Kolkata", or "UTC".',
    );
  }
  return zone;
}

export function tokenise(text: string): string[] {
  const normalised = text
    .toLowerCase()
    .replace(/[’‘]/g, "'")
    .replace(/(^|[\s\d])([ap])\.\s?m\.?(?=\s|$|,)/g, '$1$2m') // a.m. / p.m.
    .replace(/\bo'?\s?clock\b/g, 'oclock')
    .replace(/(\d)\.(\d{2})\b/g, '$1:$2') // 9.30 → 9:30
    .replace(/&/g, ' and ')
    .replace(/[,;!?]/g, ' ')
    .replace(/\.(?=\s|$)/g, ' ');
  const token = /\d{1,2}:\d{2}(?:\s*[ap]m\b)?|\d+\s*[ap]m\b|:\d{2}\b|\d+(?:st|nd|rd|th)\b|\d+|[a-z]+|\S/g;
  return normalised.match(token) ?? [];
}

/**
 * Reads `9am`, `9:30`, `9:30 pm`, `14:15`, `noon`, `midnight` (and a plain `9` when allowBare).
 * Returns undefined for tokens that are not shaped like a time; throws for impossible times.
 */
export function parseTime(token: string, allowBare: boolean): Time | undefined {
  const named = NAMED_TIMES.get(token);
  if (named !== undefined) return { hour: named, minute: 0, bare: false };
  const match = /^(\d+)(?::(\d{2}))?\s*([ap]m)?$/.exec(token);
  if (!match) return undefined;
  const [, hourText = '', minuteText, meridiem] = match;
  const bare = minuteText === undefined && meridiem === undefined;
  if (bare && !allowBare) return undefined;
  const hour = hourOfDay(Number(hourText), meridiem, token);
  const minute = minuteText === undefined ? 0 : Number(minuteText);
  if (minute > 59) {
    throw reject(`"${token}" is not a time of day: minutes go from 0 to 59.`, TIME_EXAMPLES);
  }
  return { hour, minute, bare };
}

/** The 24-hour hour of "9" with "am"/"pm" (or none); throws for hours that cannot be. */
function hourOfDay(hour: number, meridiem: string | undefined, token: string): number {
  if (meridiem === undefined) {
    if (hour > 23) {
      throw reject(`"${token}" is not a time of day: hours go from 0 to 23 (or 1 to 12 with am/pm).`, TIME_EXAMPLES);
    }
    return hour;
  }
  if (hour < 1 || hour > 12) {
    throw reject(`"${token}" is not a time of day: with am/pm the hour goes from 1 to 12.`, TIME_EXAMPLES);
  }
  return (hour % 12) + (meridiem === 'pm' ? 12 : 0);
}

/** "15", "fifteen", "other" → a count; undefined for anything else. */
export function parseCount(token: string): number | undefined {
  if (/^\d+$/.test(token)) return Number(token);
  return NUMBER_WORDS[token];
}

/** "1st", "15th" → the number; undefined for anything else. */
export function parseOrdinal(token: string): number | undefined {
  const match = /^(\d+)(?:st|nd|rd|th)$/.exec(token);
  return match ? Number(match[1]) : undefined;
}
