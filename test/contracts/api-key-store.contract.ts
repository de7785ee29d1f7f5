// The ApiKeyStore contract (shared/ports/api-key-store.ts), run against the in-memory fake and the DynamoDB adapter:
// keys found by hash within their tenant, unique by hash and by key id, deleted by key id once.
import { expect, it } from 'vitest';
import { AlreadyExistsError } from '#shared/domain/errors.ts';
import type { ApiKeyStore } from '#shared/ports/api-key-store.ts';
import { apiKey, failure, OTHER_TENANT, TENANT } from './builders.ts';

export interface ApiKeyStoreSubject {
  store: ApiKeyStore;
}

export function apiKeyStoreContract(makeStore: () => Promise<ApiKeyStoreSubject>): void {
  it('finds a key by its hash with every field, only in its own tenant', async () => {
    // Prepare
    const { store } = await makeStore();
    const personal = apiKey({ keyId: 'key_personal1', hash: 'a'.repeat(64), teamId: null, name: 'Laptop' });
    const team = apiKey({ keyId: 'key_team00001', hash: 'b'.repeat(64) });
    await store.create(personal);
    await store.create(team);

    // Act
    const found = [await store.findByHash(TENANT, personal.hash), await store.findByHash(TENANT, team.hash)];
    const elsewhere = await store.findByHash(OTHER_TENANT, personal.hash);
    const unknown = await store.findByHash(TENANT, 'c'.repeat(64));

    // Assess
    expect(found).toStrictEqual([personal, team]);
    expect(elsewhere).toBeUndefined();
    expect(unknown).toBeUndefined();
  });

  it('refuses a second key with a hash already stored in the tenant, and keeps the first', async () => {
    // Prepare
    const { store } = await makeStore();
    const first = apiKey();
    await store.create(first);

    // Act
    const error = await failure(store.create(apiKey({ keyId: 'key_0000000002', userId: 'intruder', name: 'Second' })));

    // Assess
    expect(error).toBeInstanceOf(AlreadyExistsError);
    expect(await store.findByHash(TENANT, first.hash)).toStrictEqual(first);
    expect(await store.delete(TENANT, 'key_0000000002')).toBe(false);
    expect(await store.findByHash(TENANT, first.hash)).toStrictEqual(first);
  });

  it('refuses a second key with a key id already stored in the tenant, writing neither', async () => {
    // Prepare
    const { store } = await makeStore();
    const first = apiKey();
    await store.create(first);
    const second = apiKey({ hash: 'e'.repeat(64), name: 'Second' });

    // Act
    const error = await failure(store.create(second));

    // Assess
    expect(error).toBeInstanceOf(AlreadyExistsError);
    expect(await store.findByHash(TENANT, second.hash)).toBeUndefined();
    expect(await store.delete(TENANT, first.keyId)).toBe(true);
    expect(await store.findByHash(TENANT, first.hash)).toBeUndefined();
    expect(await store.findByHash(TENANT, second.hash)).toBeUndefined();
  });

  it('keeps tenants apart: the same key id and hash may exist in two tenants', async () => {
    // Prepare
    const { store } = await makeStore();
    const mine = apiKey();
    const theirs = apiKey({ tenantId: OTHER_TENANT, userId: 'someone', name: 'Theirs' });
    await store.create(mine);

    // Act
    await store.create(theirs);

    // Assess
    expect(await store.findByHash(TENANT, mine.hash)).toStrictEqual(mine);
    expect(await store.findByHash(OTHER_TENANT, mine.hash)).toStrictEqual(theirs);
  });

  it('deletes a key by its id once (true, then false), only in its own tenant, and frees its id and hash', async () => {
    // Prepare
    const { store } = await makeStore();
    const key = apiKey();
    const kept = apiKey({ keyId: 'key_0000000002', hash: 'd'.repeat(64) });
    await store.create(key);
    await store.create(kept);

    // Act
    const fromOtherTenant = await store.delete(OTHER_TENANT, key.keyId);
    const stillFound = await store.findByHash(TENANT, key.hash);
    const deleted = await store.delete(TENANT, key.keyId);
    const gone = await store.findByHash(TENANT, key.hash);
    const deletedAgain = await store.delete(TENANT, key.keyId);
    const unknown = await store.delete(TENANT, 'key_unknown000');
    await store.create(apiKey({ name: 'Recreated' }));

    // Assess
    expect(fromOtherTenant).toBe(false);
    expect(stillFound).toStrictEqual(key);
    expect(deleted).toBe(true);
    expect(gone).toBeUndefined();
    expect(deletedAgain).toBe(false);
    expect(unknown).toBe(false);
    expect(await store.findByHash(TENANT, kept.hash)).toStrictEqual(kept);
    expect((await store.findByHash(TENANT, key.hash))?.name).toBe('Recreated');
  });

  it('returns a copy: changing a found record does not change the stored key', async () => {
    // Prepare
    const { store } = await makeStore();
    await store.create(apiKey());

    // Act
    const found = await store.findByHash(TENANT, apiKey().hash);
    found!.tenantId = OTHER_TENANT;
    found!.userId = 'admin';

    // Assess
    expect(await store.findByHash(TENANT, apiKey().hash)).toStrictEqual(apiKey());
  });
}
