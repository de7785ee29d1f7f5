// The DynamoDB stores against DynamoDB Local: round trips, conditional writes, counters, tenant isolation and list paging.
import { BatchWriteCommand, type BatchWriteCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoAgentStore } from '../../shared/adapters/dynamodb/agent-store.ts';
import { DynamoApiKeyStore } from '../../shared/adapters/dynamodb/api-key-store.ts';
import { DynamoScheduleStore, MAX_QUERIES_PER_SCOPE, scheduleItems } from '../../shared/adapters/dynamodb/schedule-store.ts';
import type { Agent } from '../../shared/domain/agent.ts';
import { AlreadyExistsError, StaleVersionError } from '../../shared/domain/errors.ts';
import type { Schedule } from '../../shared/domain/schedule.ts';
import type { ApiKeyRecord } from '../../shared/ports/api-key-store.ts';
import { scheduleSortKey, type ScheduleFilters } from '../../shared/ports/schedule-store.ts';
import { schedule as fullSchedule } from '../contracts/builders.ts';
import { freshTable } from './dynamodb-local.ts';

const endpoint = inject('dynamoEndpoint');

function agent(overrides: Partial<Agent> = {}): Agent {
  return {
    tenantId: 'tenant-a',
    id: 'finance_agent',
    kind: 'openai',
    name: 'Finance',
    description: null,
    metadata: { team: 'finance' },
    baseUrl: 'https://api.example.com/v1',
    model: 'gpt-x',
    systemPrompt: 'Be brief.',
    secretRef: 'env:OPENAI_KEY',
    createdAt: '2030-01-01T00:00:00.000Z',
    updatedAt: '2030-01-01T00:00:00.000Z',
    version: 1,
    ...overrides,
  } as Agent;
}

/** What the promise rejected with (undefined if it resolved); awaited at once so no rejection goes unhandled. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error;
  }
}

async function scheduleStore(options: { maxQueriesPerScope?: number } = {}) {
  const table = await freshTable(endpoint);
  return { ...table, store: new DynamoScheduleStore({ ...table, ...options }) };
}

/** Counts every request the client sends from now on. */
function countRequests(client: DynamoDBDocumentClient): { readonly count: number; reset(): void } {
  let count = 0;
  client.middlewareStack.add(
    (next) => async (args) => {
      count++;
      return next(args);
    },
    { step: 'initialize' },
  );
  return {
    get count() {
      return count;
    },
    reset() {
      count = 0;
    },
  };
}

/** Writes schedules straight to the table (no counters), 25 per BatchWrite, several batches at once. */
async function seed(client: DynamoDBDocumentClient, tableName: string, schedules: Schedule[]): Promise<void> {
  const batches: Schedule[][] = [];
  // Two items each (definition and state): 12 schedules per BatchWrite of at most 25 items.
  for (let start = 0; start < schedules.length; start += 12) batches.push(schedules.slice(start, start + 12));
  const write = async (batch: Schedule[]) => {
    let requests: NonNullable<ConstructorParameters<typeof BatchWriteCommand>[0]['RequestItems']>[string] | undefined = batch.flatMap((schedule) =>
      scheduleItems(schedule).map((Item) => ({ PutRequest: { Item } })),
    );
    while (requests !== undefined && requests.length > 0) {
      const result: BatchWriteCommandOutput = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
      requests = result.UnprocessedItems?.[tableName];
    }
  };
  const queue = [...batches];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let batch = queue.shift(); batch !== undefined; batch = queue.shift()) await write(batch);
    }),
  );
}

/** Many schedules with deliberately repeated names (in mixed case) so the id tiebreak matters. */
function manySchedules(count: number, base: Partial<Schedule>, idPrefix: string): Schedule[] {
  const names = ['alpha', 'Alpha', 'beta report', 'Gamma', 'delta', 'Zeta daily', 'eta'];
  return Array.from({ length: count }, (_, i) =>
    fullSchedule({
      ...base,
      id: `sched_${idPrefix}${String(i).padStart(6, '0')}`,
      name: `${names[i % names.length]} ${i % 97}`,
      enabled: i % 5 !== 0,
      agentId: i % 7 === 0 ? 'rare_agent' : 'finance_agent',
      scheduleType: i % 3 === 0 ? 'one-time' : 'recurring',
      version: 1,
    }),
  );
}

async function listAll(
  store: DynamoScheduleStore,
  scopes: string[],
  filters: ScheduleFilters,
  perPage: (requests: number) => void,
  counter: { readonly count: number; reset(): void },
) {
  const seen: Schedule[] = [];
  let after: string | undefined;
  let pages = 0;
  do {
    counter.reset();
    const page = await store.list({ tenantId: 'tenant-a', ownerScopes: scopes, filters, limit: 100, after });
    perPage(counter.count);
    seen.push(...page.items);
    after = page.nextAfter;
    pages++;
    if (pages > 500) throw new Error('paging did not end');
  } while (after !== undefined);
  return seen;
}

describe('DynamoScheduleStore', () => {
  it('returns exactly the schedule it stored, every field included', async () => {
    // Prepare
    const { store } = await scheduleStore();
    const schedule = fullSchedule();

    // Act
    await store.create(schedule);
    const stored = await store.get('tenant-a', schedule.id);

    // Assess
    expect(stored).toStrictEqual(schedule);
    expect(await store.get('tenant-b', schedule.id)).toBeUndefined();
  });

  it('refuses a second schedule with a taken id', async () => {
    // Prepare
    const { store } = await scheduleStore();
    await store.create(fullSchedule());

    // Act
    const error = await failure(store.create(fullSchedule({ name: 'Other' })));

    // Assess
    expect(error).toBeInstanceOf(AlreadyExistsError);
    expect((error as Error).message).toMatch(/id "sched_AbCdEf12" is taken/);
    expect((await store.get('tenant-a', 'sched_AbCdEf12'))?.name).toBe('Daily report');
    expect(await store.counts('tenant-a', ['user#u1'])).toEqual({ total: 1, enabled: 1 });
  });

  it('keeps the idempotency record and refuses a second create with the same key without writing anything', async () => {
    // Prepare
    const { store } = await scheduleStore();
    const record = { key: 'key-1', requestHash: 'hash-1', scheduleId: 'sched_First001' };
    await store.create(fullSchedule({ id: 'sched_First001' }), record);

    // Act
    const found = await store.findIdempotency('tenant-a', 'u1', 'key-1');
    const error = await failure(store.create(fullSchedule({ id: 'sched_Second02' }), { ...record, scheduleId: 'sched_Second02' }));

    // Assess
    expect(found).toEqual(record);
    expect(await store.findIdempotency('tenant-a', 'u2', 'key-1')).toBeUndefined();
    expect(await store.findIdempotency('tenant-b', 'u1', 'key-1')).toBeUndefined();
    expect(error).toBeInstanceOf(AlreadyExistsError);
    expect((error as Error).message).toMatch(/Idempotency key "key-1" is taken/);
    expect(await store.get('tenant-a', 'sched_Second02')).toBeUndefined();
    expect(await store.counts('tenant-a', ['user#u1'])).toEqual({ total: 1, enabled: 1 });
  });

  it('forgets a released idempotency key so the same key can create again', async () => {
    // Prepare
    const { store } = await scheduleStore();
    await store.create(fullSchedule({ id: 'sched_First001' }), { key: 'key-1', requestHash: 'hash-1', scheduleId: 'sched_First001' });

    // Act
    await store.releaseIdempotency('tenant-a', 'u1', 'key-1');
    const afterRelease = await store.findIdempotency('tenant-a', 'u1', 'key-1');
    await store.create(fullSchedule({ id: 'sched_Second02' }), { key: 'key-1', requestHash: 'hash-2', scheduleId: 'sched_Second02' });

    // Assess
    expect(afterRelease).toBeUndefined();
    expect(await store.findIdempotency('tenant-a', 'u1', 'key-1')).toEqual({ key: 'key-1', requestHash: 'hash-2', scheduleId: 'sched_Second02' });
  });

  it('keeps the counters exact through creates, enable toggles and deletes', async () => {
    // Prepare
    const { store } = await scheduleStore();
    const mine = fullSchedule({ id: 'sched_Mine0001', version: 1 });
    const paused = fullSchedule({ id: 'sched_Mine0002', enabled: false, status: 'paused', version: 1 });
    const team = fullSchedule({ id: 'sched_Team0001', ownerType: 'team', version: 1 });

    // Act
    await store.create(mine);
    await store.create(paused);
    await store.create(team);
    const afterCreates = await store.counts('tenant-a', ['user#u1', 'team#t1']);
    const minePaused = { ...mine, enabled: false, status: 'paused' as const, version: 2 };
    await store.update(minePaused, mine);
    await store.update({ ...paused, enabled: true, status: 'active', version: 2 }, paused);
    const teamPaused = { ...team, enabled: false, version: 2 };
    await store.update(teamPaused, team);
    const teamRenamed = { ...team, name: 'Renamed', enabled: false, version: 3 };
    await store.update(teamRenamed, teamPaused);
    const afterToggles = await store.counts('tenant-a', ['user#u1', 'team#t1']);
    await store.delete(teamRenamed);
    await store.delete(minePaused);
    const afterDeletes = await store.counts('tenant-a', ['user#u1', 'team#t1', 'user#u1']);

    // Assess
    expect(afterCreates).toEqual({ total: 3, enabled: 2 });
    expect(afterToggles).toEqual({ total: 3, enabled: 1 });
    expect(afterDeletes).toEqual({ total: 1, enabled: 1 });
    expect(await store.counts('tenant-a', ['team#t1'])).toEqual({ total: 0, enabled: 0 });
    expect(await store.counts('tenant-a', ['user#nobody'])).toEqual({ total: 0, enabled: 0 });
    expect(await store.counts('tenant-b', ['user#u1'])).toEqual({ total: 0, enabled: 0 });
  });

  it('refuses an update from a stale version and leaves the stored schedule unchanged', async () => {
    // Prepare
    const { store } = await scheduleStore();
    const schedule = fullSchedule({ version: 5 });
    await store.create(schedule);

    // Act
    const error = await failure(store.update({ ...schedule, name: 'Changed', enabled: false, version: 5 }, { ...schedule, version: 4 }));

    // Assess
    expect(error).toBeInstanceOf(StaleVersionError);
    expect(await store.get('tenant-a', schedule.id)).toStrictEqual(schedule);
    expect(await store.counts('tenant-a', ['user#u1'])).toEqual({ total: 1, enabled: 1 });
  });

  it('refuses an update or a delete of a schedule that was deleted meanwhile', async () => {
    // Prepare
    const { store } = await scheduleStore();
    const schedule = fullSchedule({ version: 1 });
    await store.create(schedule);
    await store.delete(schedule);

    // Act
    const updateError = await failure(store.update({ ...schedule, version: 2 }, schedule));
    const deleteError = await failure(store.delete(schedule));

    // Assess
    expect(updateError).toBeInstanceOf(StaleVersionError);
    expect(deleteError).toBeInstanceOf(StaleVersionError);
    expect(await store.get('tenant-a', schedule.id)).toBeUndefined();
    expect(await store.counts('tenant-a', ['user#u1'])).toEqual({ total: 0, enabled: 0 });
  });

  it('lets exactly one of two concurrent updates from the same version win', async () => {
    // Prepare
    const { store } = await scheduleStore();
    const schedule = fullSchedule({ version: 1 });
    await store.create(schedule);
    const read = await store.get('tenant-a', schedule.id);
    if (read === undefined) throw new Error('schedule missing');

    // Act
    const results = await Promise.allSettled([
      store.update({ ...read, name: 'First writer', enabled: false, version: 2 }, read),
      store.update({ ...read, name: 'Second writer', enabled: false, version: 2 }, read),
    ]);

    // Assess
    const fulfilled = results.filter((result) => result.status === 'fulfilled');
    const rejected = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.reason).toBeInstanceOf(StaleVersionError);
    const stored = await store.get('tenant-a', schedule.id);
    expect(stored?.version).toBe(2);
    expect(['First writer', 'Second writer']).toContain(stored?.name);
    expect(await store.counts('tenant-a', ['user#u1'])).toEqual({ total: 1, enabled: 0 });
  });

  describe('listing', () => {
    let table: { client: DynamoDBDocumentClient; tableName: string };
    let visible: Schedule[];

    beforeAll(async () => {
      table = await freshTable(endpoint);
      const mine = manySchedules(1500, { ownerType: 'user', userId: 'u1', teamId: 't1' }, 'u1');
      const team = manySchedules(1500, { ownerType: 'team', userId: 'u9', teamId: 't1' }, 'tm');
      const otherUser = manySchedules(200, { ownerType: 'user', userId: 'u2', teamId: 't1' }, 'u2');
      const otherTenant = manySchedules(200, { tenantId: 'tenant-b', ownerType: 'user', userId: 'u1', teamId: 't1' }, 'ob');
      await seed(table.client, table.tableName, [...mine, ...team, ...otherUser, ...otherTenant]);
      visible = [...mine, ...team].sort((a, b) => (scheduleSortKey(a) < scheduleSortKey(b) ? -1 : 1));
    });

    it('pages through every visible schedule exactly once, in name-then-id order, and nothing of other owners or tenants', async () => {
      // Prepare
      const store = new DynamoScheduleStore(table);
      const counter = countRequests(table.client);
      const requestsPerPage: number[] = [];

      // Act
      const seen = await listAll(store, ['user#u1', 'team#t1'], {}, (requests) => requestsPerPage.push(requests), counter);

      // Assess
      expect(seen.map((schedule) => schedule.id)).toEqual(visible.map((schedule) => schedule.id));
      expect(seen[0]).toStrictEqual(visible[0]);
      expect(new Set(seen.map((schedule) => schedule.id)).size).toBe(3000);
      expect(seen.every((schedule) => schedule.tenantId === 'tenant-a' && schedule.userId !== 'u2')).toBe(true);
      expect(Math.max(...requestsPerPage)).toBeLessThanOrEqual(2 * MAX_QUERIES_PER_SCOPE);
    });

    it('returns only the schedules matching the filters, in order, never spending more than the request bound per page', async () => {
      // Prepare
      const store = new DynamoScheduleStore(table);
      const counter = countRequests(table.client);
      const cases: ScheduleFilters[] = [
        { enabled: false },
        { agentId: 'rare_agent' },
        { scheduleType: 'one-time', enabled: true },
        { agentId: 'no_such_agent' },
      ];

      for (const filters of cases) {
        const requestsPerPage: number[] = [];

        // Act
        const seen = await listAll(store, ['user#u1', 'team#t1'], filters, (requests) => requestsPerPage.push(requests), counter);

        // Assess
        const expected = visible.filter((schedule) => Object.entries(filters).every(([field, value]) => schedule[field as keyof ScheduleFilters] === value));
        expect(seen.map((schedule) => schedule.id)).toEqual(expected.map((schedule) => schedule.id));
        // The Query bound per scope, and 1 BatchGetItem for the page's states.
        expect(Math.max(...requestsPerPage)).toBeLessThanOrEqual(2 * MAX_QUERIES_PER_SCOPE + 1);
      }
    });

    it('still returns every match once when the request bound cuts pages short', async () => {
      // Prepare
      const store = new DynamoScheduleStore({ ...table, maxQueriesPerScope: 1 });
      const counter = countRequests(table.client);
      const requestsPerPage: number[] = [];

      // Act
      const seen = await listAll(store, ['user#u1', 'team#t1'], { agentId: 'rare_agent' }, (requests) => requestsPerPage.push(requests), counter);

      // Assess
      const expected = visible.filter((schedule) => schedule.agentId === 'rare_agent');
      expect(seen.map((schedule) => schedule.id)).toEqual(expected.map((schedule) => schedule.id));
      // 1 Query per scope, and 1 BatchGetItem for the page's states when the page is not empty.
      expect(requestsPerPage.every((requests) => requests <= 3)).toBe(true);
    });
  });
});

describe('DynamoAgentStore', () => {
  it('stores, refuses a taken id, updates only from the current version, deletes once and lists in pages', async () => {
    // Prepare
    const table = await freshTable(endpoint);
    const store = new DynamoAgentStore(table);
    const first = agent();

    // Act
    await store.create(first);
    const read = await store.get('tenant-a', first.id);
    const duplicate = await failure(store.create(agent({ name: 'Copy' })));
    const stale = await failure(store.update({ ...first, name: 'Stale', version: 2 }, 0));
    await store.update({ ...first, name: 'Renamed', version: 2 }, 1);
    const renamed = await store.get('tenant-a', first.id);
    const deleted = await store.delete('tenant-a', first.id);
    const deletedAgain = await store.delete('tenant-a', first.id);
    const staleAfterDelete = await failure(store.update({ ...first, version: 3 }, 2));

    // Assess
    expect(read).toStrictEqual(first);
    expect(duplicate).toBeInstanceOf(AlreadyExistsError);
    expect(stale).toBeInstanceOf(StaleVersionError);
    expect(renamed?.name).toBe('Renamed');
    expect(deleted).toBe(true);
    expect(deletedAgain).toBe(false);
    expect(staleAfterDelete).toBeInstanceOf(StaleVersionError);
    expect(await store.get('tenant-a', first.id)).toBeUndefined();
  });

  it('lists a tenant’s agents sorted by id, page after page, without other tenants’ agents or other items', async () => {
    // Prepare
    const table = await freshTable(endpoint);
    const store = new DynamoAgentStore(table);
    const ids = Array.from({ length: 7 }, (_, i) => `agent_${i}`);
    for (const id of [...ids].reverse()) await store.create(agent({ id }));
    await store.create(agent({ tenantId: 'tenant-b', id: 'agent_other' }));
    await new DynamoScheduleStore(table).create(fullSchedule());
    await new DynamoApiKeyStore(table).create({
      tenantId: 'tenant-a',
      keyId: 'key_1',
      hash: 'a'.repeat(64),
      userId: 'u1',
      teamId: null,
      name: 'k',
      createdAt: '2030-01-01T00:00:00.000Z',
    });

    // Act
    const pages: string[][] = [];
    let after: string | undefined;
    do {
      const page = await store.list('tenant-a', 3, after);
      pages.push(page.items.map((item) => item.id));
      after = page.nextAfter;
    } while (after !== undefined);
    const fromMissingId = await store.list('tenant-a', 10, 'agent_35');

    // Assess
    expect(pages).toEqual([ids.slice(0, 3), ids.slice(3, 6), ids.slice(6)]);
    expect(fromMissingId.items.map((item) => item.id)).toEqual(['agent_4', 'agent_5', 'agent_6']);
    expect(fromMissingId.nextAfter).toBeUndefined();
  });
});

describe('DynamoApiKeyStore', () => {
  it('finds a key by hash only in its tenant and deletes both of its items once', async () => {
    // Prepare
    const table = await freshTable(endpoint);
    const store = new DynamoApiKeyStore(table);
    const record: ApiKeyRecord = {
      tenantId: 'tenant-a',
      keyId: 'key_1',
      hash: 'f'.repeat(64),
      userId: 'u1',
      teamId: 't1',
      name: 'CI',
      createdAt: '2030-01-01T00:00:00.000Z',
    };

    // Act
    await store.create(record);
    const found = await store.findByHash('tenant-a', record.hash);
    const otherTenant = await store.findByHash('tenant-b', record.hash);
    const duplicate = await failure(store.create(record));
    const deletedInOtherTenant = await store.delete('tenant-b', record.keyId);
    const deleted = await store.delete('tenant-a', record.keyId);
    const deletedAgain = await store.delete('tenant-a', record.keyId);

    // Assess
    expect(found).toStrictEqual(record);
    expect(otherTenant).toBeUndefined();
    expect(duplicate).toBeInstanceOf(AlreadyExistsError);
    expect(deletedInOtherTenant).toBe(false);
    expect(deleted).toBe(true);
    expect(deletedAgain).toBe(false);
    expect(await store.findByHash('tenant-a', record.hash)).toBeUndefined();
    await expect(store.create(record)).resolves.toBeUndefined();
  });
});
