// In-memory fakes of the ports, with the same contracts as the DynamoDB adapters (versions, counters, idempotency).
import type { Agent } from '#shared/domain/agent.ts';
import { RUN_OWNED_FIELDS, SHARED_FIELDS } from '#shared/adapters/dynamodb/items/schedule-state.ts';
import { cursorCodec } from '#shared/domain/cursor.ts';
import { AlreadyExistsError, StaleVersionError } from '#shared/domain/errors.ts';
import { ownerScope, type Schedule } from '#shared/domain/schedule.ts';
import type { AgentStore } from '#shared/ports/agent-store.ts';
import type { ApiKeyRecord, ApiKeyStore } from '#shared/ports/api-key-store.ts';
import type { Clock, IdGenerator } from '#shared/ports/clock.ts';
import {
  nextFireLateAt,
  scheduleSortKey,
  type IdempotencyRecord,
  type ListSchedulesPage,
  type ListSchedulesQuery,
  type ScheduleCounts,
  type ScheduleRef,
  type ScheduleStore,
} from '#shared/ports/schedule-store.ts';
import type { MirroredSchedule, SchedulerMirror } from '#shared/ports/scheduler-mirror.ts';

const clone = <T>(value: T): T => structuredClone(value);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** How DynamoDB orders string keys: by their UTF-8 bytes. */
const compareUtf8 = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

export class InMemoryScheduleStore implements ScheduleStore {
  readonly items = new Map<string, Schedule>();
  readonly countsByScope = new Map<string, ScheduleCounts>();
  readonly idempotency = new Map<string, IdempotencyRecord>();
  /** Makes the next update throw StaleVersionError, as if another writer won the race. */
  failNextUpdateWithStaleVersion = 0;

  private key = (tenantId: string, id: string) => `${tenantId}/${id}`;

  private adjust(schedule: Schedule, total: number, enabled: number): void {
    const scope = `${schedule.tenantId}/${ownerScope(schedule)}`;
    const current = this.countsByScope.get(scope) ?? { total: 0, enabled: 0 };
    this.countsByScope.set(scope, { total: current.total + total, enabled: current.enabled + enabled });
  }

  async get(tenantId: string, id: string) {
    const item = this.items.get(this.key(tenantId, id));
    return item && clone(item);
  }

  async create(schedule: Schedule, idempotency?: IdempotencyRecord) {
    const idemKey = idempotency && `${schedule.tenantId}/${schedule.userId}/${idempotency.key}`;
    if (this.items.has(this.key(schedule.tenantId, schedule.id))) throw new AlreadyExistsError('id taken');
    if (idemKey && this.idempotency.has(idemKey)) throw new AlreadyExistsError('idempotency key taken');
    this.items.set(this.key(schedule.tenantId, schedule.id), clone(schedule));
    if (idemKey && idempotency) this.idempotency.set(idemKey, clone(idempotency));
    this.adjust(schedule, 1, schedule.enabled ? 1 : 0);
  }

  async findIdempotency(tenantId: string, userId: string, key: string) {
    return this.idempotency.get(`${tenantId}/${userId}/${key}`);
  }

  async releaseIdempotency(tenantId: string, userId: string, key: string) {
    this.idempotency.delete(`${tenantId}/${userId}/${key}`);
  }

  async update(next: Schedule, previous: Schedule) {
    const expectedVersion = previous.version;
    const current = this.items.get(this.key(next.tenantId, next.id));
    if (this.failNextUpdateWithStaleVersion > 0) {
      this.failNextUpdateWithStaleVersion -= 1;
      throw new StaleVersionError();
    }
    if (!current || current.version !== expectedVersion) throw new StaleVersionError();
    // As DynamoScheduleStore: runs change the state fields without moving the version, so an update writes only the
    // state fields it changes, each on the condition that it still holds the value read (else: stale).
    const merged: Schedule = clone(next);
    for (const field of [...RUN_OWNED_FIELDS, ...SHARED_FIELDS]) {
      if (same(next[field], previous[field])) {
        if (current[field] === undefined) delete (merged as Partial<Schedule>)[field];
        else (merged as unknown as Record<string, unknown>)[field] = clone(current[field]);
      } else if (!same(current[field], previous[field])) throw new StaleVersionError();
    }
    this.items.set(this.key(next.tenantId, next.id), merged);
    // As DynamoScheduleStore: a change of owner moves the schedule between the owners' counters.
    if (ownerScope(current) !== ownerScope(next)) {
      this.adjust(current, -1, current.enabled ? -1 : 0);
      this.adjust(next, 1, next.enabled ? 1 : 0);
    } else if (current.enabled !== next.enabled) this.adjust(next, 0, next.enabled ? 1 : -1);
  }

  async delete(schedule: Schedule) {
    const expectedVersion = schedule.version;
    const current = this.items.get(this.key(schedule.tenantId, schedule.id));
    if (!current || current.version !== expectedVersion) throw new StaleVersionError();
    this.items.delete(this.key(schedule.tenantId, schedule.id));
    this.adjust(current, -1, current.enabled ? -1 : 0);
  }

  async list(query: ListSchedulesQuery): Promise<ListSchedulesPage> {
    const { filters } = query;
    const matching = [...this.items.values()]
      .filter((item) => item.tenantId === query.tenantId && query.ownerScopes.includes(ownerScope(item)))
      .filter((item) => filters.agentId === undefined || item.agentId === filters.agentId)
      .filter((item) => filters.environmentId === undefined || item.environmentId === filters.environmentId)
      .filter((item) => filters.appId === undefined || item.appId === filters.appId)
      .filter((item) => filters.scheduleType === undefined || item.scheduleType === filters.scheduleType)
      .filter((item) => filters.enabled === undefined || item.enabled === filters.enabled)
      // DynamoDB orders string keys by their UTF-8 bytes, not by JS's UTF-16 units (they differ past U+FFFF).
      .filter((item) => query.after === undefined || compareUtf8(scheduleSortKey(item), query.after) > 0)
      .sort((a, b) => compareUtf8(scheduleSortKey(a), scheduleSortKey(b)));
    const items = matching.slice(0, query.limit).map(clone);
    return { items, nextAfter: matching.length > query.limit ? scheduleSortKey(items[items.length - 1]!) : undefined };
  }

  async counts(tenantId: string, ownerScopes: string[]) {
    let total = 0;
    let enabled = 0;
    // One read per owner scope, as DynamoScheduleStore: a scope named twice counts once.
    for (const scope of new Set(ownerScopes)) {
      const counts = this.countsByScope.get(`${tenantId}/${scope}`);
      total += counts?.total ?? 0;
      enabled += counts?.enabled ?? 0;
    }
    return { total, enabled };
  }

  /** As DynamoScheduleStore's due index: keyed `${lateAt}#${id}` from the schedule as now stored (every write keeps it so). */
  async listMissed(cutoff: string, limit: number): Promise<ScheduleRef[]> {
    const before = new Date(cutoff).toISOString();
    return [...this.items.values()]
      .flatMap((item) => {
        const lateAt = nextFireLateAt(item);
        const position = `${lateAt}#${item.id}`;
        return lateAt !== null && position < before ? [{ position, ref: { tenantId: item.tenantId, scheduleId: item.id } }] : [];
      })
      .sort((a, b) => a.position.localeCompare(b.position))
      .slice(0, limit)
      .map((entry) => entry.ref);
  }
}

export class InMemoryAgentStore implements AgentStore {
  readonly items = new Map<string, Agent>();

  async get(tenantId: string, id: string) {
    const item = this.items.get(`${tenantId}/${id}`);
    return item && clone(item);
  }
  async create(agent: Agent) {
    if (this.items.has(`${agent.tenantId}/${agent.id}`)) throw new AlreadyExistsError('id taken');
    this.items.set(`${agent.tenantId}/${agent.id}`, clone(agent));
  }
  async update(agent: Agent, expectedVersion: number) {
    const current = this.items.get(`${agent.tenantId}/${agent.id}`);
    if (!current || current.version !== expectedVersion) throw new StaleVersionError();
    this.items.set(`${agent.tenantId}/${agent.id}`, clone(agent));
  }
  async delete(tenantId: string, id: string) {
    return this.items.delete(`${tenantId}/${id}`);
  }
  async list(tenantId: string, limit: number, after?: string) {
    const all = [...this.items.values()]
      .filter((agent) => agent.tenantId === tenantId && (after === undefined || agent.id > after))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    // Copies, as DynamoAgentStore reads them: a caller changing a listed agent changes nothing stored.
    const items = all.slice(0, limit).map(clone);
    return { items, nextAfter: all.length > limit ? items[items.length - 1]!.id : undefined };
  }
}

export class InMemoryApiKeyStore implements ApiKeyStore {
  readonly items = new Map<string, ApiKeyRecord>();
  /** As DynamoApiKeyStore: a key's hash and its key id are each unique within the tenant. */
  async create(record: ApiKeyRecord) {
    const taken = [...this.items.values()].some(
      (stored) => stored.tenantId === record.tenantId && (stored.hash === record.hash || stored.keyId === record.keyId),
    );
    if (taken) throw new AlreadyExistsError(`API key "${record.keyId}" (or its hash) already exists.`);
    this.items.set(`${record.tenantId}/${record.hash}`, clone(record));
  }
  async findByHash(tenantId: string, hash: string) {
    const record = this.items.get(`${tenantId}/${hash}`);
    return record && clone(record);
  }
  async delete(tenantId: string, keyId: string) {
    for (const [key, record] of this.items) {
      if (record.tenantId === tenantId && record.keyId === keyId) return this.items.delete(key);
    }
    return false;
  }
}

/** Records every Scheduler call; `failNext` makes the next call of that kind throw. */
export class RecordingMirror implements SchedulerMirror {
  readonly calls: Array<{ kind: 'create' | 'update' | 'delete'; schedule?: MirroredSchedule; name?: string }> = [];
  readonly schedules = new Map<string, MirroredSchedule>();
  failNext: Partial<Record<'create' | 'update' | 'delete', Error>> = {};

  private maybeFail(kind: 'create' | 'update' | 'delete') {
    const error = this.failNext[kind];
    if (error) {
      delete this.failNext[kind];
      throw error;
    }
  }
  async create(schedule: MirroredSchedule) {
    this.calls.push({ kind: 'create', schedule: clone(schedule) });
    this.maybeFail('create');
    this.schedules.set(schedule.name, clone(schedule));
  }
  async update(schedule: MirroredSchedule) {
    this.calls.push({ kind: 'update', schedule: clone(schedule) });
    this.maybeFail('update');
    this.schedules.set(schedule.name, clone(schedule));
  }
  async delete(name: string) {
    this.calls.push({ kind: 'delete', name });
    this.maybeFail('delete');
    this.schedules.delete(name);
  }
}

export class FixedClock implements Clock {
  constructor(public current: Date) {}
  now() {
    return new Date(this.current);
  }
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export class SequentialIds implements IdGenerator {
  private next = 1;
  newId(prefix: string) {
    return `${prefix}_${String(this.next++).padStart(10, '0')}`;
  }
  token(length: number) {
    return String(this.next++).padStart(length, '0');
  }
}

export function serviceError(name: string): Error {
  const error = new Error(`${name}: simulated`);
  error.name = name;
  return error;
}

/** A cursor signer with a fixed test key (deployments use their own generated key). */
export const testCursors = cursorCodec('test-cursor-key-0123456789');
