// The SecretCatalog contract (shared/ports/secret-vault.ts): the names and dates of a tenant's secrets, upserted
// (createdAt kept from the first write), listed by name in pages, deleted once, each tenant apart.
import { expect, it } from 'vitest';
import type { SecretCatalog, SecretEntry } from '#shared/ports/secret-vault.ts';
import { OTHER_TENANT, TENANT } from './builders.ts';

export interface SecretCatalogSubject {
  catalog: SecretCatalog;
}

const FIRST = '2030-01-01T00:00:00.000Z';
const LATER = '2030-02-01T00:00:00.000Z';

const names = (items: SecretEntry[]) => items.map((item) => item.name);

export function secretCatalogContract(makeCatalog: () => Promise<SecretCatalogSubject>): void {
  it('records a new secret as created, then keeps its createdAt and moves updatedAt on each later upsert', async () => {
    // Prepare
    const { catalog } = await makeCatalog();

    // Act
    const first = await catalog.upsert(TENANT, 'openai-key', FIRST);
    const second = await catalog.upsert(TENANT, 'openai-key', LATER);
    const listed = await catalog.list(TENANT, 10);

    // Assess
    expect(first).toStrictEqual({ entry: { tenantId: TENANT, name: 'openai-key', createdAt: FIRST, updatedAt: FIRST }, created: true });
    expect(second).toStrictEqual({ entry: { tenantId: TENANT, name: 'openai-key', createdAt: FIRST, updatedAt: LATER }, created: false });
    expect(listed).toStrictEqual({ items: [second.entry], nextAfter: undefined });
  });

  it('keeps tenants apart: the same name in another tenant is another secret', async () => {
    // Prepare
    const { catalog } = await makeCatalog();
    await catalog.upsert(TENANT, 'openai-key', FIRST);

    // Act
    const theirs = await catalog.upsert(OTHER_TENANT, 'openai-key', LATER);
    const deletedThere = await catalog.delete(OTHER_TENANT, 'unknown');

    // Assess
    expect(theirs.created).toBe(true);
    expect(deletedThere).toBe(false);
    expect((await catalog.list(TENANT, 10)).items).toStrictEqual([{ tenantId: TENANT, name: 'openai-key', createdAt: FIRST, updatedAt: FIRST }]);
    expect((await catalog.list(OTHER_TENANT, 10)).items).toStrictEqual([{ tenantId: OTHER_TENANT, name: 'openai-key', createdAt: LATER, updatedAt: LATER }]);
  });

  it('lists a tenant’s secrets by name (code point order) in pages, with no nextAfter once the rest fits', async () => {
    // Prepare
    const { catalog } = await makeCatalog();
    // "-" < "." < digits < upper case < "_" < lower case.
    const sorted = ['0key', 'A', 'B.x', 'a', 'a-1', 'a.1', 'a1', 'a_1', 'b'];
    for (const name of [...sorted].reverse()) await catalog.upsert(TENANT, name, FIRST);
    await catalog.upsert(OTHER_TENANT, 'c', FIRST);

    // Act
    const pages: string[][] = [];
    const afters: (string | undefined)[] = [];
    let after: string | undefined;
    do {
      const page = await catalog.list(TENANT, 4, after);
      pages.push(names(page.items));
      afters.push(page.nextAfter);
      after = page.nextAfter;
    } while (after !== undefined && pages.length < 10);
    const exact = await catalog.list(TENANT, sorted.length);

    // Assess
    expect(pages).toEqual([sorted.slice(0, 4), sorted.slice(4, 8), sorted.slice(8)]);
    expect(afters).toEqual(['a', 'a_1', undefined]);
    expect(names(exact.items)).toEqual(sorted);
    expect(exact.nextAfter).toBeUndefined();
  });

  it('resumes strictly after a name that need not exist, and past the last one lists nothing', async () => {
    // Prepare
    const { catalog } = await makeCatalog();
    for (const name of ['key-1', 'key-3', 'key-5']) await catalog.upsert(TENANT, name, FIRST);

    // Act
    const fromGap = await catalog.list(TENANT, 10, 'key-2');
    const fromExisting = await catalog.list(TENANT, 10, 'key-3');
    const pastEnd = await catalog.list(TENANT, 10, 'key-9');

    // Assess
    expect(names(fromGap.items)).toEqual(['key-3', 'key-5']);
    expect(names(fromExisting.items)).toEqual(['key-5']);
    expect(pastEnd).toEqual({ items: [], nextAfter: undefined });
  });

  it('deletes once (true, then false), only in its own tenant; upserting the name again creates it afresh', async () => {
    // Prepare
    const { catalog } = await makeCatalog();
    await catalog.upsert(TENANT, 'openai-key', FIRST);
    await catalog.upsert(TENANT, 'other-key', FIRST);

    // Act
    const fromOtherTenant = await catalog.delete(OTHER_TENANT, 'openai-key');
    const deleted = await catalog.delete(TENANT, 'openai-key');
    const deletedAgain = await catalog.delete(TENANT, 'openai-key');
    const afterDelete = await catalog.list(TENANT, 10);
    const recreated = await catalog.upsert(TENANT, 'openai-key', LATER);

    // Assess
    expect(fromOtherTenant).toBe(false);
    expect(deleted).toBe(true);
    expect(deletedAgain).toBe(false);
    expect(names(afterDelete.items)).toEqual(['other-key']);
    expect(recreated).toStrictEqual({ entry: { tenantId: TENANT, name: 'openai-key', createdAt: LATER, updatedAt: LATER }, created: true });
  });
}
