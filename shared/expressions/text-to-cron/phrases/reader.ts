// The shape of a phrase reader: it looks at the tokens from the cursor on and, if it knows the phrase, records it.
import type { Schedule } from '../schedule.ts';

export interface Cursor {
  /** The token `offset` places from the current one (0 is the current one, -1 the one before); '' past either end. */
  word(offset: number): string;
  /** The user's whole text, for error messages. */
  original: string;
  /** The tokens just before ended on a time of day ("at 9am and …"), so a plain "5" is a time too. */
  afterTime: boolean;
}

export interface Reading {
  /** How many tokens the phrase took (at least 1). */
  used: number;
  /** False for glue words ("every", "at"), which alone do not make a schedule. */
  meaningful: boolean;
  /** The phrase ends on a time of day (see Cursor.afterTime). */
  endsWithTime: boolean;
}

/**
 * Reads one kind of phrase at the cursor into the schedule and says how many tokens it took; returns
 * undefined, changing nothing, when the tokens there are not that kind of phrase; throws when they are
 * but cron cannot say it.
 */
export type PhraseReader = (at: Cursor, schedule: Schedule) => Reading | undefined;

/** A phrase of `used` tokens that means something. */
export function phrase(used: number): Reading {
  return { used, meaningful: true, endsWithTime: false };
}
