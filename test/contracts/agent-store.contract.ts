// The AgentStore contract (shared/ports/agent-store.ts), run against the in-memory fake and the DynamoDB adapter:
// create once, versioned updates, delete once, tenant scoping, and the id-sorted paged list.
import { expect, it } from 'vitest';
import type { Agent } from '#shared/domain/agent.ts';
import { AlreadyExistsError, StaleVersionError } from '#shared/domain/errors.ts';
import type { AgentStore } from '#shared/ports/agent-store.ts';
import { agent, failure, OTHER_TENANT, TENANT } from './builders.ts';

export interface AgentStoreSubject {
  store: AgentStore;
}

const ids = (items: Agent[]) => items.map((item) => item.id);

export function agentStoreContract(makeStore: () => Promise<AgentStoreSubject>): void {
  it('returns the stored agent with every field, for each kind', async () => {
    // Prepare
    const { store } = await makeStore();
    const common = { tenantId: TENANT, description: null, createdAt: '2030-01-01T00:00:00.000Z', updatedAt: '2030-01-01T00:00:00.000Z', version: 1 };
    const agents = [
      agent(),
      {
        ...common,
        id: 'http_bot',
        kind: 'http',
        name: 'Bot',
        metadata: null,
        url: 'https://agents.example.com/run',
        headers: { 'X-Team': 'finance' },
        secretRef: 'secret:bot-key',
      },
      {
        ...common,
        id: 'cmd_bot',
        kind: 'command',
        name: 'Echo',
        description: 'Prints ✓',
        metadata: { a: [] },
        command: '/usr/bin/echo',
        args: ['a', 'b c', ''],
      },
    ] as Agent[];
    for (const item of agents) await store.create(item);

    // Act
    const read = await Promise.all(agents.map((item) => store.get(TENANT, item.id)));

    // Assess
    expect(read).toStrictEqual(agents);
  });

  it('finds an agent only in its own tenant; the same id in another tenant is another agent', async () => {
    // Prepare
    const { store } = await makeStore();
    await store.create(agent());

    // Act
    const fromOtherTenant = await store.get(OTHER_TENANT, 'finance_agent');
    const unknown = await store.get(TENANT, 'no_such_agent');
    await store.create(agent({ tenantId: OTHER_TENANT, name: 'Theirs' }));

    // Assess
    expect(fromOtherTenant).toBeUndefined();
    expect(unknown).toBeUndefined();
    expect((await store.get(TENANT, 'finance_agent'))?.name).toBe('Finance');
    expect((await store.get(OTHER_TENANT, 'finance_agent'))?.name).toBe('Theirs');
  });

  it('refuses a second create with a taken id and keeps the first agent', async () => {
    // Prepare
    const { store } = await makeStore();
    await store.create(agent());

    // Act
    const error = await failure(store.create(agent({ name: 'Copy', version: 9 })));

    // Assess
    expect(error).toBeInstanceOf(AlreadyExistsError);
    expect(await store.get(TENANT, 'finance_agent')).toStrictEqual(agent());
  });

  it('replaces the agent when updated from its stored version, then refuses that old version', async () => {
    // Prepare
    const { store } = await makeStore();
    await store.create(agent({ version: 1 }));
    const next = agent({ name: 'Renamed', model: 'gpt-y', description: 'Now described', updatedAt: '2030-01-02T00:00:00.000Z', version: 2 } as Partial<Agent>);

    // Act
    await store.update(next, 1);
    const afterUpdate = await store.get(TENANT, 'finance_agent');
    const replay = await failure(store.update(agent({ name: 'Late writer', version: 2 }), 1));

    // Assess
    expect(afterUpdate).toStrictEqual(next);
    expect(replay).toBeInstanceOf(StaleVersionError);
    expect(await store.get(TENANT, 'finance_agent')).toStrictEqual(next);
  });

  it('refuses an update from a stale version, or of an agent that does not exist, and creates nothing', async () => {
    // Prepare
    const { store } = await makeStore();
    await store.create(agent({ version: 3 }));

    // Act
    const stale = await failure(store.update(agent({ name: 'Stale', version: 3 }), 2));
    const unknown = await failure(store.update(agent({ id: 'no_such_agent', version: 2 }), 1));
    const otherTenant = await failure(store.update(agent({ tenantId: OTHER_TENANT, version: 4 }), 3));

    // Assess
    expect(stale).toBeInstanceOf(StaleVersionError);
    expect(unknown).toBeInstanceOf(StaleVersionError);
    expect(otherTenant).toBeInstanceOf(StaleVersionError);
    expect(await store.get(TENANT, 'finance_agent')).toStrictEqual(agent({ version: 3 }));
    expect(await store.get(TENANT, 'no_such_agent')).toBeUndefined();
    expect(await store.get(OTHER_TENANT, 'finance_agent')).toBeUndefined();
  });

  it('deletes once (true, then false), only in its own tenant; a deleted agent cannot be updated and its id is free again', async () => {
    // Prepare
    const { store } = await makeStore();
    await store.create(agent());

    // Act
    const fromOtherTenant = await store.delete(OTHER_TENANT, 'finance_agent');
    const stillThere = await store.get(TENANT, 'finance_agent');
    const deleted = await store.delete(TENANT, 'finance_agent');
    const deletedAgain = await store.delete(TENANT, 'finance_agent');
    const update = await failure(store.update(agent({ version: 2 }), 1));
    await store.create(agent({ name: 'Recreated' }));

    // Assess
    expect(fromOtherTenant).toBe(false);
    expect(stillThere).toStrictEqual(agent());
    expect(deleted).toBe(true);
    expect(deletedAgain).toBe(false);
    expect(update).toBeInstanceOf(StaleVersionError);
    expect((await store.get(TENANT, 'finance_agent'))?.name).toBe('Recreated');
  });

  it('lists a tenant’s agents sorted by id (code point order), page after page, and no other tenant’s', async () => {
    // Prepare
    const { store } = await makeStore();
    // "-" < digits < upper case < "_" < lower case.
    const sorted = ['-dash', '0zero', '9nine', 'Alpha', 'Zulu', '_under', 'alpha', 'alpha-2', 'alpha_2', 'zulu'];
    for (const id of [...sorted].reverse()) await store.create(agent({ id }));
    await store.create(agent({ tenantId: OTHER_TENANT, id: 'beta' }));

    // Act
    const pages: string[][] = [];
    const afters: (string | undefined)[] = [];
    let after: string | undefined;
    do {
      const page = await store.list(TENANT, 4, after);
      pages.push(ids(page.items));
      afters.push(page.nextAfter);
      after = page.nextAfter;
    } while (after !== undefined && pages.length < 10);
    const exact = await store.list(TENANT, 10);

    // Assess
    expect(pages).toEqual([sorted.slice(0, 4), sorted.slice(4, 8), sorted.slice(8)]);
    expect(afters).toEqual(['Alpha', 'alpha-2', undefined]);
    expect(ids(exact.items)).toEqual(sorted);
    expect(exact.nextAfter).toBeUndefined();
    expect(ids((await store.list(OTHER_TENANT, 10)).items)).toEqual(['beta']);
  });

  it('resumes strictly after an id that need not exist, and past the last one lists nothing', async () => {
    // Prepare
    const { store } = await makeStore();
    for (const id of ['agent_1', 'agent_3', 'agent_5']) await store.create(agent({ id }));

    // Act
    const fromGap = await store.list(TENANT, 10, 'agent_2');
    const fromExisting = await store.list(TENANT, 10, 'agent_3');
    const pastEnd = await store.list(TENANT, 10, 'agent_9');

    // Assess
    expect(ids(fromGap.items)).toEqual(['agent_3', 'agent_5']);
    expect(ids(fromExisting.items)).toEqual(['agent_5']);
    expect(pastEnd).toEqual({ items: [], nextAfter: undefined });
  });

  it('returns copies: changing an agent that get or list returned does not change the stored one', async () => {
    // Prepare
    const { store } = await makeStore();
    await store.create(agent());

    // Act
    const read = await store.get(TENANT, 'finance_agent');
    read!.name = 'Changed by a caller';
    const [listed] = (await store.list(TENANT, 10)).items;
    listed!.name = 'Changed by another caller';
    (listed!.metadata as { limits: { tokens: number } }).limits.tokens = 1;

    // Assess
    expect(await store.get(TENANT, 'finance_agent')).toStrictEqual(agent());
    expect((await store.list(TENANT, 10)).items).toStrictEqual([agent()]);
  });
}
