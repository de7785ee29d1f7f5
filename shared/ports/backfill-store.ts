// Where backfill records live: one per backfill, under its tenant, changed only by conditional writes on `version`.
import type { Backfill } from '../domain/backfill.ts';

export interface BackfillStore {
  /** Throws AlreadyExistsError when the id is taken (in this tenant and schedule). */
  create(backfill: Backfill): Promise<void>;
  /** Strongly consistent: a continuation reads the version the last writer left. */
  get(tenantId: string, scheduleId: string, id: string): Promise<Backfill | undefined>;
  /** Replaces the record; throws StaleVersionError when the stored version is not `expectedVersion` (or it is gone). */
  update(next: Backfill, expectedVersion: number): Promise<void>;
}
