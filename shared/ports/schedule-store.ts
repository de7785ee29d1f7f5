// Where schedules live (DynamoDB in production and locally, in-memory in unit tests).
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

export interface IdempotencyRecord {
  key: string;
  requestHash: string;
  scheduleId: string;
}

export interface ScheduleStore {
  get(tenantId: string, id: string): Promise<Schedule | undefined>;
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
}

/** The list position of a schedule: the name as a person sorts it (no case, no accents), then id as a stable tiebreak. */
export function scheduleSortKey(schedule: Pick<Schedule, 'name' | 'id'>): string {
  const name = schedule.name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  return `${name}#${schedule.id}`;
}
