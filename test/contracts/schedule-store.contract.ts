// The ScheduleStore contract (shared/ports/schedule-store.ts), run against the in-memory fake and the DynamoDB adapter:
// versioned writes, idempotency records, per-owner counters, tenant scoping and the name-sorted, paged list.
import { expect, it } from 'vitest';
import { AlreadyExistsError, StaleVersionError } from '#shared/domain/errors.ts';
import type { Schedule } from '#shared/domain/schedule.ts';
import { scheduleSortKey, type ListSchedulesQuery, type ScheduleFilters, type ScheduleStore } from '#shared/ports/schedule-store.ts';
import { failure, nextVersion, OTHER_TENANT, schedule, TENANT } from './builders.ts';

export interface ScheduleStoreSubject {
  store: ScheduleStore;
}

const ids = (items: Schedule[]) => items.map((item) => item.id);

/** Every page of a list, following nextAfter to the end. */
async function pages(store: ScheduleStore, query: Omit<ListSchedulesQuery, 'after'>): Promise<{ pageIds: string[][]; afters: (string | undefined)[] }> {
  const pageIds: string[][] = [];
  const afters: (string | undefined)[] = [];
  let after: string | undefined;
  do {
    const page = await store.list({ ...query, after });
    pageIds.push(ids(page.items));
    afters.push(page.nextAfter);
    after = page.nextAfter;
    if (pageIds.length > 50) throw new Error('paging did not end');
  } while (after !== undefined);
  return { pageIds, afters };
}

export function scheduleStoreContract(makeStore: () => Promise<ScheduleStoreSubject>): void {
  it('returns the stored schedule with every field, as a copy the caller may change freely', async () => {
    // Prepare
    const { store } = await makeStore();
    const stored = schedule();
    await store.create(stored);

    // Act
    const read = await store.get(TENANT, stored.id);
    read!.name = 'Changed by the caller';
    (read!.metadata!.nested as { list: unknown[] }).list.push('more');
    const again = await store.get(TENANT, stored.id);

    // Assess
    expect(again).toStrictEqual(schedule());
  });

  it('finds a schedule only in its own tenant; the same id in another tenant is another schedule', async () => {
    // Prepare
    const { store } = await makeStore();
    await store.create(schedule());

    // Act
    const fromOtherTenant = await store.get(OTHER_TENANT, 'sched_AbCdEf12');
    const unknown = await store.get(TENANT, 'sched_Unknown01');
    await store.create(schedule({ tenantId: OTHER_TENANT, name: 'Theirs' }));

    // Assess
    expect(fromOtherTenant).toBeUndefined();
    expect(unknown).toBeUndefined();
    expect((await store.get(TENANT, 'sched_AbCdEf12'))?.name).toBe('Daily report');
    expect((await store.get(OTHER_TENANT, 'sched_AbCdEf12'))?.name).toBe('Theirs');
    expect(await store.counts(TENANT, ['user#u1'])).toEqual({ total: 1, enabled: 1 });
    expect(await store.counts(OTHER_TENANT, ['user#u1'])).toEqual({ total: 1, enabled: 1 });
  });

  it('refuses a second create with a taken id and writes nothing', async () => {
    // Prepare
    const { store } = await makeStore();
    await store.create(schedule());

    // Act
    const error = await failure(store.create(schedule({ name: 'Other', enabled: false }), { key: 'k1', requestHash: 'h1', scheduleId: 'sched_AbCdEf12' }));

    // Assess
    expect(error).toBeInstanceOf(AlreadyExistsError);
    expect(await store.get(TENANT, 'sched_AbCdEf12')).toStrictEqual(schedule());
    expect(await store.counts(TENANT, ['user#u1'])).toEqual({ total: 1, enabled: 1 });
    expect(await store.findIdempotency(TENANT, 'u1', 'k1')).toBeUndefined();
  });

  it('keeps the idempotency record for its tenant and user, and refuses its key on a second create without writing anything', async () => {
    // Prepare
    const { store } = await makeStore();
    const record = { key: 'key-1', requestHash: 'hash-1', scheduleId: 'sched_First001' };
    await store.create(schedule({ id: 'sched_First001' }), record);

    // Act
    const found = await store.findIdempotency(TENANT, 'u1', 'key-1');
    const error = await failure(store.create(schedule({ id: 'sched_Second02' }), { ...record, scheduleId: 'sched_Second02' }));

    // Assess
    expect(found).toEqual(record);
    expect(await store.findIdempotency(TENANT, 'u2', 'key-1')).toBeUndefined();
    expect(await store.findIdempotency(OTHER_TENANT, 'u1', 'key-1')).toBeUndefined();
    expect(await store.findIdempotency(TENANT, 'u1', 'key-2')).toBeUndefined();
    expect(error).toBeInstanceOf(AlreadyExistsError);
    expect(await store.get(TENANT, 'sched_Second02')).toBeUndefined();
    expect(await store.findIdempotency(TENANT, 'u1', 'key-1')).toEqual(record);
    expect(await store.counts(TENANT, ['user#u1'])).toEqual({ total: 1, enabled: 1 });
  });

  it('lets another user or another tenant use the same idempotency key', async () => {
    // Prepare
    const { store } = await makeStore();
    await store.create(schedule({ id: 'sched_First001' }), { key: 'key-1', requestHash: 'hash-1', scheduleId: 'sched_First001' });

    // Act
    await store.create(schedule({ id: 'sched_OtherU01', userId: 'u2' }), { key: 'key-1', requestHash: 'hash-2', scheduleId: 'sched_OtherU01' });
    await store.create(schedule({ id: 'sched_OtherT01', tenantId: OTHER_TENANT }), { key: 'key-1', requestHash: 'hash-3', scheduleId: 'sched_OtherT01' });

    // Assess
    expect(await store.findIdempotency(TENANT, 'u1', 'key-1')).toEqual({ key: 'key-1', requestHash: 'hash-1', scheduleId: 'sched_First001' });
    expect(await store.findIdempotency(TENANT, 'u2', 'key-1')).toEqual({ key: 'key-1', requestHash: 'hash-2', scheduleId: 'sched_OtherU01' });
    expect(await store.findIdempotency(OTHER_TENANT, 'u1', 'key-1')).toEqual({ key: 'key-1', requestHash: 'hash-3', scheduleId: 'sched_OtherT01' });
  });

  it('forgets a released idempotency key so the same key creates afresh, and ignores the release of an unknown key', async () => {
    // Prepare
    const { store } = await makeStore();
    await store.create(schedule({ id: 'sched_First001' }), { key: 'key-1', requestHash: 'hash-1', scheduleId: 'sched_First001' });

    // Act
    await store.releaseIdempotency(TENANT, 'u1', 'key-1');
    const afterRelease = await store.findIdempotency(TENANT, 'u1', 'key-1');
    await store.releaseIdempotency(TENANT, 'u1', 'never-used');
    await store.create(schedule({ id: 'sched_Second02' }), { key: 'key-1', requestHash: 'hash-2', scheduleId: 'sched_Second02' });

    // Assess
    expect(afterRelease).toBeUndefined();
    expect(await store.findIdempotency(TENANT, 'u1', 'key-1')).toEqual({ key: 'key-1', requestHash: 'hash-2', scheduleId: 'sched_Second02' });
    // Releasing the key never touches the schedule it created.
    expect(await store.get(TENANT, 'sched_First001')).toBeDefined();
    expect(await store.counts(TENANT, ['user#u1'])).toEqual({ total: 2, enabled: 2 });
  });

  it('replaces the schedule when updated from its stored version, then refuses that old version', async () => {
    // Prepare
    const { store } = await makeStore();
    const read = schedule();
    await store.create(read);
    const next = nextVersion(read, { name: 'Weekly report', task: 'New task', metadata: null, description: null, updatedAt: '2030-01-03T00:00:00.000Z' });

    // Act
    await store.update(next, read);
    const afterUpdate = await store.get(TENANT, read.id);
    const replay = await failure(store.update(nextVersion(read, { name: 'Late writer' }), read));

    // Assess
    expect(afterUpdate).toStrictEqual(next);
    expect(replay).toBeInstanceOf(StaleVersionError);
    expect(await store.get(TENANT, read.id)).toStrictEqual(next);
  });

  it('refuses an update from a stale version and keeps the stored schedule and counters', async () => {
    // Prepare
    const { store } = await makeStore();
    const stored = schedule({ version: 5 });
    await store.create(stored);
    const staleRead = { ...stored, version: 4 };

    // Act
    const error = await failure(store.update(nextVersion(staleRead, { name: 'Changed', enabled: false, status: 'paused' }), staleRead));

    // Assess
    expect(error).toBeInstanceOf(StaleVersionError);
    expect(await store.get(TENANT, stored.id)).toStrictEqual(stored);
    expect(await store.counts(TENANT, ['user#u1'])).toEqual({ total: 1, enabled: 1 });
  });

  it('refuses to update a schedule that does not exist, never created or deleted meanwhile, and does not create it', async () => {
    // Prepare
    const { store } = await makeStore();
    const deleted = schedule({ id: 'sched_Deleted01' });
    await store.create(deleted);
    await store.delete(deleted);
    const neverCreated = schedule({ id: 'sched_NeverMade' });

    // Act
    const afterDelete = await failure(store.update(nextVersion(deleted), deleted));
    const unknown = await failure(store.update(nextVersion(neverCreated), neverCreated));
    const otherTenant = await failure(store.update(nextVersion(schedule({ tenantId: OTHER_TENANT })), schedule({ tenantId: OTHER_TENANT })));

    // Assess
    expect(afterDelete).toBeInstanceOf(StaleVersionError);
    expect(unknown).toBeInstanceOf(StaleVersionError);
    expect(otherTenant).toBeInstanceOf(StaleVersionError);
    expect(await store.get(TENANT, deleted.id)).toBeUndefined();
    expect(await store.get(TENANT, neverCreated.id)).toBeUndefined();
    expect(await store.get(OTHER_TENANT, 'sched_AbCdEf12')).toBeUndefined();
    expect(await store.counts(TENANT, ['user#u1'])).toEqual({ total: 0, enabled: 0 });
  });

  it('lets exactly one of two concurrent updates from the same version win', async () => {
    // Prepare
    const { store } = await makeStore();
    const read = schedule({ version: 1 });
    await store.create(read);

    // Act
    const results = await Promise.allSettled([
      store.update(nextVersion(read, { name: 'First writer', enabled: false }), read),
      store.update(nextVersion(read, { name: 'Second writer', enabled: false }), read),
    ]);

    // Assess
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toBeInstanceOf(StaleVersionError);
    const stored = await store.get(TENANT, read.id);
    expect(stored?.version).toBe(2);
    expect(['First writer', 'Second writer']).toContain(stored?.name);
    expect(await store.counts(TENANT, ['user#u1'])).toEqual({ total: 1, enabled: 0 });
  });

  it('deletes only from the stored version: a stale or a repeated delete is refused', async () => {
    // Prepare
    const { store } = await makeStore();
    const first = schedule({ version: 1 });
    await store.create(first);
    const second = nextVersion(first, { name: 'Renamed' });
    await store.update(second, first);

    // Act
    const stale = await failure(store.delete(first));
    const stillThere = await store.get(TENANT, first.id);
    await store.delete(second);
    const gone = await store.get(TENANT, first.id);
    const repeated = await failure(store.delete(second));

    // Assess
    expect(stale).toBeInstanceOf(StaleVersionError);
    expect(stillThere).toStrictEqual(second);
    expect(gone).toBeUndefined();
    expect(repeated).toBeInstanceOf(StaleVersionError);
    expect(await store.counts(TENANT, ['user#u1'])).toEqual({ total: 0, enabled: 0 });
  });

  it('keeps each owner’s counters through creates, enable toggles, renames and deletes, summing each scope once', async () => {
    // Prepare
    const { store } = await makeStore();
    const mine = schedule({ id: 'sched_Mine0001', version: 1 });
    const paused = schedule({ id: 'sched_Mine0002', enabled: false, status: 'paused', version: 1 });
    const team = schedule({ id: 'sched_Team0001', ownerType: 'team', version: 1 });

    // Act
    await store.create(mine);
    await store.create(paused);
    await store.create(team);
    const afterCreates = await store.counts(TENANT, ['user#u1', 'team#t1']);
    const minePaused = nextVersion(mine, { enabled: false, status: 'paused' });
    await store.update(minePaused, mine);
    await store.update(nextVersion(paused, { enabled: true, status: 'active' }), paused);
    const teamPaused = nextVersion(team, { enabled: false });
    await store.update(teamPaused, team);
    const teamRenamed = nextVersion(teamPaused, { name: 'Renamed' });
    await store.update(teamRenamed, teamPaused);
    const afterToggles = await store.counts(TENANT, ['user#u1', 'team#t1']);
    const repeatedScope = await store.counts(TENANT, ['user#u1', 'team#t1', 'user#u1']);
    await store.delete(teamRenamed);
    await store.delete(minePaused);

    // Assess
    expect(afterCreates).toEqual({ total: 3, enabled: 2 });
    expect(afterToggles).toEqual({ total: 3, enabled: 1 });
    expect(repeatedScope).toEqual({ total: 3, enabled: 1 });
    expect(await store.counts(TENANT, ['user#u1'])).toEqual({ total: 1, enabled: 1 });
    expect(await store.counts(TENANT, ['team#t1'])).toEqual({ total: 0, enabled: 0 });
    expect(await store.counts(TENANT, ['user#nobody'])).toEqual({ total: 0, enabled: 0 });
    expect(await store.counts(TENANT, [])).toEqual({ total: 0, enabled: 0 });
    expect(await store.counts(OTHER_TENANT, ['user#u1'])).toEqual({ total: 0, enabled: 0 });
  });

  it('moves the counters and the list entry to the new owner when an update changes the owner', async () => {
    // Prepare
    const { store } = await makeStore();
    const mine = schedule({ id: 'sched_Moving01', version: 1 });
    await store.create(mine);
    await store.create(schedule({ id: 'sched_Staying1', enabled: false, status: 'paused', version: 1 }));

    // Act
    const toTeam = nextVersion(mine, { ownerType: 'team' });
    await store.update(toTeam, mine);
    const toOtherUserPaused = nextVersion(toTeam, { ownerType: 'user', userId: 'u2', enabled: false, status: 'paused' });
    await store.update(toOtherUserPaused, toTeam);

    // Assess
    expect(await store.counts(TENANT, ['user#u1'])).toEqual({ total: 1, enabled: 0 });
    expect(await store.counts(TENANT, ['team#t1'])).toEqual({ total: 0, enabled: 0 });
    expect(await store.counts(TENANT, ['user#u2'])).toEqual({ total: 1, enabled: 0 });
    const filters = {};
    expect(ids((await store.list({ tenantId: TENANT, ownerScopes: ['user#u1'], filters, limit: 10 })).items)).toEqual(['sched_Staying1']);
    expect((await store.list({ tenantId: TENANT, ownerScopes: ['team#t1'], filters, limit: 10 })).items).toEqual([]);
    expect((await store.list({ tenantId: TENANT, ownerScopes: ['user#u2'], filters, limit: 10 })).items).toStrictEqual([toOtherUserPaused]);
  });

  it('lists the owner scopes merged, by name without case or accents then by id, and nothing of other owners or tenants', async () => {
    // Prepare
    const { store } = await makeStore();
    const entries: Array<[string, Partial<Schedule>]> = [
      ['sched_Zulu0001', { name: 'zulu' }],
      ['sched_Alpha003', { name: 'Álpha', ownerType: 'team' }],
      ['sched_Alpha001', { name: 'alpha' }],
      ['sched_Alpha002', { name: 'ALPHA', ownerType: 'team', userId: 'u9' }],
      ['sched_Beta0001', { name: 'Beta' }],
      ['sched_Echo0001', { name: 'écho' }],
      ['sched_Delta001', { name: 'delta' }],
      ['sched_Alpha000', { name: 'alpha', userId: 'u2' }],
      ['sched_Alpha00T', { name: 'alpha', tenantId: OTHER_TENANT }],
      ['sched_Alpha00O', { name: 'alpha', ownerType: 'team', teamId: 't2' }],
    ];
    for (const [id, fields] of entries) await store.create(schedule({ id, ...fields }));

    // Act
    const page = await store.list({ tenantId: TENANT, ownerScopes: ['user#u1', 'team#t1'], filters: {}, limit: 50 });
    const duplicatedScopes = await store.list({ tenantId: TENANT, ownerScopes: ['team#t1', 'user#u1', 'team#t1'], filters: {}, limit: 50 });

    // Assess
    const expected = ['sched_Alpha001', 'sched_Alpha002', 'sched_Alpha003', 'sched_Beta0001', 'sched_Delta001', 'sched_Echo0001', 'sched_Zulu0001'];
    expect(ids(page.items)).toEqual(expected);
    expect(page.nextAfter).toBeUndefined();
    expect(page.items[0]).toStrictEqual(schedule({ id: 'sched_Alpha001', name: 'alpha' }));
    expect(ids(duplicatedScopes.items)).toEqual(expected);
  });

  it('orders names as DynamoDB does, by their UTF-8 bytes: a character past U+FFFF sorts after U+E000–U+FFFF', async () => {
    // Prepare
    const { store } = await makeStore();
    // U+FA0E (a CJK compatibility ideograph NFKD keeps) is EF A8 8E in UTF-8, the rocket F0 9F 9A 80; in UTF-16 the
    // rocket's surrogate (D83D) sorts first.
    await store.create(schedule({ id: 'sched_Rocket01', name: '🚀 launch' }));
    await store.create(schedule({ id: 'sched_Kanji001', name: '\uFA0E report' }));
    await store.create(schedule({ id: 'sched_Zulu0001', name: 'zulu' }));
    const query = { tenantId: TENANT, ownerScopes: ['user#u1'], filters: {} };

    // Act
    const whole = await store.list({ ...query, limit: 10 });
    const paged = await pages(store, { ...query, limit: 1 });
    const afterKanji = await store.list({ ...query, limit: 10, after: scheduleSortKey({ id: 'sched_Kanji001', name: '\uFA0E report' }) });

    // Assess
    expect(ids(whole.items)).toEqual(['sched_Zulu0001', 'sched_Kanji001', 'sched_Rocket01']);
    expect(paged.pageIds.flat()).toEqual(['sched_Zulu0001', 'sched_Kanji001', 'sched_Rocket01']);
    expect(ids(afterKanji.items)).toEqual(['sched_Rocket01']);
  });

  it('pages with limit and nextAfter (the last item’s list position), with no nextAfter once the rest fits', async () => {
    // Prepare
    const { store } = await makeStore();
    const made: Schedule[] = [];
    for (let i = 7; i >= 1; i--) {
      const item = schedule({ id: `sched_Report0${i}`, name: `Report ${i}`, ownerType: i % 2 === 0 ? 'team' : 'user' });
      made.push(item);
      await store.create(item);
    }
    const query = { tenantId: TENANT, ownerScopes: ['user#u1', 'team#t1'], filters: {} };

    // Act
    const byThree = await pages(store, { ...query, limit: 3 });
    const firstOfThree = await store.list({ ...query, limit: 3 });
    const exact = await store.list({ ...query, limit: 7 });
    const lastTwo = await store.list({ ...query, limit: 2, after: scheduleSortKey({ id: 'sched_Report05', name: 'Report 5' }) });

    // Assess
    expect(byThree.pageIds).toEqual([
      ['sched_Report01', 'sched_Report02', 'sched_Report03'],
      ['sched_Report04', 'sched_Report05', 'sched_Report06'],
      ['sched_Report07'],
    ]);
    expect(firstOfThree.nextAfter).toBe(scheduleSortKey({ id: 'sched_Report03', name: 'Report 3' }));
    expect(byThree.afters.at(-1)).toBeUndefined();
    expect(exact.items).toHaveLength(7);
    expect(exact.nextAfter).toBeUndefined();
    expect(ids(lastTwo.items)).toEqual(['sched_Report06', 'sched_Report07']);
    expect(lastTwo.nextAfter).toBeUndefined();
  });

  it('resumes strictly after a position that is no schedule’s, and after the last one gives an empty last page', async () => {
    // Prepare
    const { store } = await makeStore();
    for (const name of ['apple', 'banana', 'cherry']) await store.create(schedule({ id: `sched_${name}01`, name }));
    const query = { tenantId: TENANT, ownerScopes: ['user#u1'], filters: {}, limit: 10 };

    // Act
    const fromB = await store.list({ ...query, after: 'b' });
    const fromBanana = await store.list({ ...query, after: 'banana#sched_banana01' });
    const pastEnd = await store.list({ ...query, after: 'zzz' });

    // Assess
    expect(ids(fromB.items)).toEqual(['sched_banana01', 'sched_cherry01']);
    expect(ids(fromBanana.items)).toEqual(['sched_cherry01']);
    expect(pastEnd).toEqual({ items: [], nextAfter: undefined });
  });

  it('returns only the schedules matching every filter given, in list order and pages', async () => {
    // Prepare
    const { store } = await makeStore();
    const rows: Array<[string, Partial<Schedule>]> = [
      ['sched_A0000001', { agentId: 'bot', environmentId: 'prod', appId: 'app-1', scheduleType: 'recurring', enabled: true }],
      ['sched_A0000002', { agentId: 'bot', environmentId: 'dev', appId: 'app-2', scheduleType: 'one-time', enabled: true }],
      ['sched_A0000003', { agentId: 'other', environmentId: 'prod', appId: 'app-1', scheduleType: 'one-time', enabled: false }],
      ['sched_A0000004', { agentId: 'bot', environmentId: 'prod', appId: null, scheduleType: 'recurring', enabled: false, ownerType: 'team' }],
      ['sched_A0000005', { agentId: null, environmentId: null, appId: 'app-1', scheduleType: 'recurring', enabled: true, ownerType: 'team' }],
      ['sched_A0000006', { agentId: 'bot', environmentId: 'prod', appId: 'app-1', scheduleType: 'recurring', enabled: true, userId: 'u2' }],
    ];
    for (const [id, fields] of rows) await store.create(schedule({ id, name: `Job ${id.slice(-1)}`, ...fields }));
    const list = async (filters: ScheduleFilters, limit = 10) =>
      (await pages(store, { tenantId: TENANT, ownerScopes: ['user#u1', 'team#t1'], filters, limit })).pageIds.flat();

    // Act
    const results = {
      agent: await list({ agentId: 'bot' }),
      environment: await list({ environmentId: 'prod' }),
      app: await list({ appId: 'app-1' }),
      oneTime: await list({ scheduleType: 'one-time' }),
      disabled: await list({ enabled: false }),
      enabled: await list({ enabled: true }, 1),
      combined: await list({ agentId: 'bot', environmentId: 'prod', enabled: true, scheduleType: 'recurring', appId: 'app-1' }),
      none: await list({ agentId: 'no_such_agent' }),
    };

    // Assess
    expect(results).toEqual({
      agent: ['sched_A0000001', 'sched_A0000002', 'sched_A0000004'],
      environment: ['sched_A0000001', 'sched_A0000003', 'sched_A0000004'],
      app: ['sched_A0000001', 'sched_A0000003', 'sched_A0000005'],
      oneTime: ['sched_A0000002', 'sched_A0000003'],
      disabled: ['sched_A0000003', 'sched_A0000004'],
      enabled: ['sched_A0000001', 'sched_A0000002', 'sched_A0000005'],
      combined: ['sched_A0000001'],
      none: [],
    });
  });

  it('follows renames and deletes: the list shows each schedule once, where its current name puts it', async () => {
    // Prepare
    const { store } = await makeStore();
    const first = schedule({ id: 'sched_First001', name: 'aaa', version: 1 });
    const second = schedule({ id: 'sched_Second02', name: 'bbb', version: 1 });
    const third = schedule({ id: 'sched_Third003', name: 'ccc', version: 1 });
    for (const item of [first, second, third]) await store.create(item);

    // Act
    await store.update(nextVersion(first, { name: 'zzz' }), first);
    await store.delete(second);
    const page = await store.list({ tenantId: TENANT, ownerScopes: ['user#u1'], filters: {}, limit: 10 });

    // Assess
    expect(page.items.map((item) => [item.id, item.name])).toEqual([
      ['sched_Third003', 'ccc'],
      ['sched_First001', 'zzz'],
    ]);
  });

  it('lists nothing for no owner scopes', async () => {
    // Prepare
    const { store } = await makeStore();
    await store.create(schedule());

    // Act
    const page = await store.list({ tenantId: TENANT, ownerScopes: [], filters: {}, limit: 10 });

    // Assess
    expect(page).toEqual({ items: [], nextAfter: undefined });
  });
}
