// The BackfillStore contract (shared/ports/backfill-store.ts), run against the in-memory fake and the DynamoDB adapter:
// create once, reads scoped by tenant and schedule, replaces conditional on the version (one of two racing writers
// wins), and copies out.
import { expect, it } from 'vitest';
import type { Backfill } from '#shared/domain/backfill.ts';
import { AlreadyExistsError, StaleVersionError } from '#shared/domain/errors.ts';
import type { BackfillStore } from '#shared/ports/backfill-store.ts';
import { backfill, failure, OTHER_TENANT, TENANT } from './builders.ts';

export interface BackfillStoreSubject {
  store: BackfillStore;
}

const ID = 'bf_AbCdEf1234';
const SCHEDULE_ID = 'sched_AbCdEf12';

/** The record as the next continuation writes it: one occurrence on, one version on. */
function advanced(current: Backfill, changes: Partial<Backfill> = {}): Backfill {
  return {
    ...current,
    counts: { ...current.counts, ran: current.counts.ran + 1 },
    nextOccurrence: '2030-01-04T08:00:00Z',
    updatedAt: '2030-01-08T10:05:00.000Z',
    ...changes,
    version: current.version + 1,
  };
}

export function backfillStoreContract(makeStore: () => Promise<BackfillStoreSubject>): void {
  it('returns the stored backfill with every field, and nothing for an id never stored', async () => {
    // Prepare
    const { store } = await makeStore();
    const running = backfill();
    const stopped = backfill({ id: 'bf_Stopped0001', status: 'stopped', stopReason: 'budget', counts: { ran: 0, alreadyRan: 0, failed: 2 } });
    const done = backfill({ id: 'bf_Done00000001', status: 'done', nextOccurrence: null, counts: { ran: 3, alreadyRan: 2, failed: 0 } });
    for (const item of [running, stopped, done]) await store.create(item);

    // Act
    const read = await Promise.all([running, stopped, done].map((item) => store.get(TENANT, SCHEDULE_ID, item.id)));
    const unknown = await store.get(TENANT, SCHEDULE_ID, 'bf_NeverStored1');

    // Assess
    expect(read).toStrictEqual([running, stopped, done]);
    expect(unknown).toBeUndefined();
  });

  it('finds a backfill only under its own tenant and schedule; the same id elsewhere is another backfill', async () => {
    // Prepare
    const { store } = await makeStore();
    await store.create(backfill());

    // Act
    const fromOtherTenant = await store.get(OTHER_TENANT, SCHEDULE_ID, ID);
    const fromOtherSchedule = await store.get(TENANT, 'sched_Another001', ID);
    await store.create(backfill({ tenantId: OTHER_TENANT, occurrences: 9 }));
    await store.create(backfill({ scheduleId: 'sched_Another001', occurrences: 7 }));

    // Assess
    expect(fromOtherTenant).toBeUndefined();
    expect(fromOtherSchedule).toBeUndefined();
    expect((await store.get(TENANT, SCHEDULE_ID, ID))?.occurrences).toBe(5);
    expect((await store.get(OTHER_TENANT, SCHEDULE_ID, ID))?.occurrences).toBe(9);
    expect((await store.get(TENANT, 'sched_Another001', ID))?.occurrences).toBe(7);
  });

  it('refuses a second create with a taken id and keeps the first backfill', async () => {
    // Prepare
    const { store } = await makeStore();
    await store.create(backfill());

    // Act
    const error = await failure(store.create(backfill({ occurrences: 99, version: 1 })));

    // Assess
    expect(error).toBeInstanceOf(AlreadyExistsError);
    expect(await store.get(TENANT, SCHEDULE_ID, ID)).toStrictEqual(backfill());
  });

  it('replaces the backfill when updated from its stored version, then refuses that old version', async () => {
    // Prepare
    const { store } = await makeStore();
    const first = backfill();
    await store.create(first);
    const next = advanced(first);

    // Act
    await store.update(next, first.version);
    const afterUpdate = await store.get(TENANT, SCHEDULE_ID, ID);
    const replay = await failure(store.update(advanced(first, { nextOccurrence: '2030-01-05T08:00:00Z' }), first.version));

    // Assess
    expect(afterUpdate).toStrictEqual(next);
    expect(replay).toBeInstanceOf(StaleVersionError);
    expect(await store.get(TENANT, SCHEDULE_ID, ID)).toStrictEqual(next);
  });

  it('stores a finished backfill as written: done with no next occurrence, or stopped with its reason', async () => {
    // Prepare
    const { store } = await makeStore();
    const first = backfill();
    await store.create(first);
    const done = advanced(first, { status: 'done', nextOccurrence: null });

    // Act
    await store.update(done, first.version);
    const stopped = advanced(done, { status: 'stopped', stopReason: 'schedule_deleted' });
    await store.update(stopped, done.version);

    // Assess
    expect(await store.get(TENANT, SCHEDULE_ID, ID)).toStrictEqual(stopped);
  });

  it('lets exactly one of two writers racing from the same version win', async () => {
    // Prepare
    const { store } = await makeStore();
    const first = backfill();
    await store.create(first);
    const one = advanced(first, { nextOccurrence: '2030-01-04T08:00:00Z' });
    const other = advanced(first, { nextOccurrence: '2030-01-06T08:00:00Z' });

    // Act
    const outcomes = await Promise.allSettled([store.update(one, first.version), store.update(other, first.version)]);

    // Assess
    const won = outcomes.flatMap((outcome, index) => (outcome.status === 'fulfilled' ? [[one, other][index]!] : []));
    const lost = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toBeInstanceOf(StaleVersionError);
    expect(await store.get(TENANT, SCHEDULE_ID, ID)).toStrictEqual(won[0]);
  });

  it('refuses an update of a backfill that does not exist, or of another tenant’s, and creates nothing', async () => {
    // Prepare
    const { store } = await makeStore();
    await store.create(backfill());

    // Act
    const unknown = await failure(store.update(advanced(backfill({ id: 'bf_NeverStored1' })), 3));
    const otherTenant = await failure(store.update(advanced(backfill({ tenantId: OTHER_TENANT })), 3));

    // Assess
    expect(unknown).toBeInstanceOf(StaleVersionError);
    expect(otherTenant).toBeInstanceOf(StaleVersionError);
    expect(await store.get(TENANT, SCHEDULE_ID, 'bf_NeverStored1')).toBeUndefined();
    expect(await store.get(OTHER_TENANT, SCHEDULE_ID, ID)).toBeUndefined();
    expect(await store.get(TENANT, SCHEDULE_ID, ID)).toStrictEqual(backfill());
  });

  it('returns copies: changing a backfill that get returned does not change the stored one', async () => {
    // Prepare
    const { store } = await makeStore();
    await store.create(backfill());

    // Act
    const read = await store.get(TENANT, SCHEDULE_ID, ID);
    read!.counts.ran = 42;
    read!.status = 'done';

    // Assess
    expect(await store.get(TENANT, SCHEDULE_ID, ID)).toStrictEqual(backfill());
  });
}
