// The SDK's types are generated from the OpenAPI document: a schema change must come with regenerated types, so a
// change that breaks a client breaks `tsc` (which compiles client/, cli/ and examples/sdk.ts against them).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_FILE, apiTypesSource } from '../../../client/generate.ts';

describe('client/api-types.ts', () => {
  it('is what `npm run generate:client` writes from the current OpenAPI document', async () => {
    const committed = readFileSync(API_TYPES_FILE, 'utf8');
    const fresh = await apiTypesSource();
    expect(fresh === committed, 'client/api-types.ts is stale: run `npm run generate:client` and commit it').toBe(true);
  });

  it('types the canonical routes only (the /api/v1 and /agent aliases answer the same)', () => {
    const committed = readFileSync(API_TYPES_FILE, 'utf8');
    expect(committed).toContain('"/v1/schedules/{id}/trigger": {');
    expect(committed).not.toContain('"/api/v1/');
    expect(committed).not.toContain('"/agent/');
  });
});
