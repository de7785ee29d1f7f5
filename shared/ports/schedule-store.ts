// Where schedules live (DynamoDB in production and locally, in-memory in unit tests).
import type { Agent } from '../domain/agent.ts';
import type { Schedule } from '../domain/schedule.ts';

export interface ScheduleFilters {
  agentId?: string | undefined;
  environmentId?: string | undefined;
  appId?: string | undefined;
  scheduleType?: 'recurring' | 'one-time' | undefined;
  enabled?: boolean | undefined;
}

export interface ListSchedulesQuery {
  tenantId: string;
  /** Owner scopes the caller may see ("user#u1", "team#t1"); results are merged and sorted by name. */
  ownerScopes: string[];
  filters: ScheduleFilters;
  limit: number;
  /** Resume strictly after this list position (the sortKey of the last item of the previous page). */
  after?: string | undefined;
}

export interface ListSchedulesPage {
  items: Schedule[];
  /** The position of the last returned item, when more may follow. */
  nextAfter: string | undefined;
}

export interface ScheduleCounts {
  total: number;
  enabled: number;
}

/** Where a schedule is stored: enough to read it. */
export interface ScheduleRef {
  tenantId: string;
  scheduleId: string;
}

/**
 * An Idempotency-Key's request: the schedule it created, the run it queued (runId; scheduleId '' for a one-off run),
 * or the batch it created (batchId; scheduleId '').
 */
export interface IdempotencyRecord {
  key: string;
  requestHash: string;
  scheduleId: string;
  runId?: string;
  batchId?: string;
}

/** What the runner reads before a scheduled run: the schedule and, when it named one, the agent it expects. */
export interface RunReads {
  schedule: Schedule | undefined;
  /** The agent read with it: undefined when none was asked for or it does not exist. */
  agent: Agent | undefined;
}

export interface ScheduleStore {
  get(tenantId: string, id: string): Promise<Schedule | undefined>;
  /**
   * The schedule and the agent `agentId` names in one read, for a scheduled run; may be eventually consistent (every
   * write that follows is conditional). Optional: without it the runner reads the two apart.
   */
  getForRun?(tenantId: string, id: string, agentId: string | null): Promise<RunReads>;
  /** Writes the schedule, its owner's counters and (when given) the idempotency record in one transaction.
   *  Throws AlreadyExistsError when the id or the idempotency key is taken. */
  create(schedule: Schedule, idempotency?: IdempotencyRecord): Promise<void>;
  findIdempotency(tenantId: string, userId: string, key: string): Promise<IdempotencyRecord | undefined>;
  /** Forgets an idempotency key whose create was undone, so a retry creates the schedule afresh. */
  releaseIdempotency(tenantId: string, userId: string, key: string): Promise<void>;
  /** Replaces `previous` (the schedule as read) with `next`, if the stored version is still previous.version;
   *  counters follow `enabled`. Throws StaleVersionError otherwise, including when it was deleted meanwhile. */
  update(next: Schedule, previous: Schedule): Promise<void>;
  /** Deletes the schedule as read, if its stored version is still `current.version`; counters follow.
   *  Throws StaleVersionError otherwise. */
  delete(current: Schedule): Promise<void>;
  list(query: ListSchedulesQuery): Promise<ListSchedulesPage>;
  /** Counters kept by the writes above: one read per owner scope. */
  counts(tenantId: string, ownerScopes: string[]): Promise<ScheduleCounts>;
  /**
   * Enabled schedules, of every tenant, whose next fire is late (nextFireLateAt) before `cutoff`, the longest late first, at
   * most `limit`: the sweeper's missed-run query. It reads every schedule's small state item (half a read unit each), so
   * that no run has to move an index key.
   */
  listMissed(cutoff: string, limit: number): Promise<ScheduleRef[]>;
}

/**
 * When a schedule's next fire is late: nextRunAt plus its flexible window (EventBridge may start it anywhere in the
 * window), as an ISO instant with milliseconds; null when it is disabled or will not fire again.
 */
export function nextFireLateAt(schedule: Pick<Schedule, 'enabled' | 'nextRunAt' | 'flexibleWindowMinutes'>): string | null {
  if (!schedule.enabled || !schedule.nextRunAt) return null;
  return new Date(Date.parse(schedule.nextRunAt) + (schedule.flexibleWindowMinutes ?? 0) * 60_000).toISOString();
}

/** DynamoDB's limit on a sort key (of the table and of an index), in bytes of UTF-8. */
export const SORT_KEY_MAX_BYTES = 1024;

/**
 * The list position of a schedule: the name as a person sorts it (no case, no accents), then id as a stable tiebreak.
 * The name part is cut (on a character boundary) to what leaves room for "#" and the id, so the key stays within
 * DynamoDB's 1,024 bytes whatever the name: NFKD can make a name several times longer (a Hangul syllable is 2–3
 * jamo of 3 bytes each). Names alike up to the cut are then ordered by id.
 */
export function scheduleSortKey(schedule: Pick<Schedule, 'name' | 'id'>): string {
  const name = schedule.name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  const budget = Math.max(0, SORT_KEY_MAX_BYTES - 1 - Buffer.byteLength(schedule.id));
  return `${truncateUtf8(name, budget)}#${schedule.id}`;
}

/** The longest prefix of `text` of at most `maxBytes` bytes of UTF-8, never splitting a character. */
function truncateUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    // A lone surrogate is written as U+FFFD: 3 bytes, as Buffer.byteLength counts it.
    const size = Buffer.byteLength(char);
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}
