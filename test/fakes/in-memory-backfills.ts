// An in-memory BackfillStore with DynamoBackfillStore's contract: create once, versioned replaces, copies out.
import type { Backfill } from '#shared/domain/backfill.ts';
import { AlreadyExistsError, StaleVersionError } from '#shared/domain/errors.ts';
import type { BackfillStore } from '#shared/ports/backfill-store.ts';

const clone = <T>(value: T): T => structuredClone(value);

export class InMemoryBackfillStore implements BackfillStore {
  readonly items = new Map<string, Backfill>();
  /** Every update that was written, in order (tests count the writes a continuation made). */
  readonly writes: Backfill[] = [];
  /** Runs before an update is checked: a test plays a concurrent writer here (it may call update itself). */
  beforeUpdate: ((next: Backfill, expectedVersion: number) => Promise<void>) | undefined;

  private key = (tenantId: string, scheduleId: string, id: string) => `${tenantId}/${scheduleId}/${id}`;

  async create(backfill: Backfill): Promise<void> {
    const key = this.key(backfill.tenantId, backfill.scheduleId, backfill.id);
    if (this.items.has(key)) throw new AlreadyExistsError(`Backfill id "${backfill.id}" is taken.`);
    this.items.set(key, clone(backfill));
  }

  async get(tenantId: string, scheduleId: string, id: string): Promise<Backfill | undefined> {
    const item = this.items.get(this.key(tenantId, scheduleId, id));
    return item && clone(item);
  }

  async update(next: Backfill, expectedVersion: number): Promise<void> {
    const hook = this.beforeUpdate;
    if (hook) {
      this.beforeUpdate = undefined;
      await hook(next, expectedVersion);
    }
    const key = this.key(next.tenantId, next.scheduleId, next.id);
    const current = this.items.get(key);
    if (current?.version !== expectedVersion) throw new StaleVersionError(`Backfill ${next.id} changed or is gone since it was read.`);
    this.items.set(key, clone(next));
    this.writes.push(clone(next));
  }
}
