// The batch routes' input checks: every rule answers one 400 that names the field and says what is wrong, before
// anything is stored.
import { describe, expect, it } from 'vitest';
import { MAX_BATCH_ITEMS, MAX_ITEM_BYTES } from '#shared/domain/batch.ts';
import { ValidationError } from '#shared/domain/errors.ts';
import {
  batchListBinding,
  parseAppendItems,
  parseBatchInput,
  parseBatchItemsQuery,
  parseBatchListQuery,
  parseBatchPatch,
  parseBatchResultsQuery,
} from '#shared/http/batches.ts';

const valid = { name: 'Accounts', agentId: 'summariser', task: 'Summarise {{item}}', items: ['acme', { name: 'globex' }] };

/** The ValidationError `run` throws (fails the test when it throws nothing or something else). */
function rejection(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}

const messageOf = (run: () => unknown): string => rejection(run).message;

describe('parseBatchInput', () => {
  it('takes a valid body and fills the defaults', () => {
    expect(parseBatchInput(valid)).toEqual({ ...valid, maxConcurrency: 10, timeoutSeconds: 300, toleratedFailurePercent: 100 });
  });

  it('keeps every optional field given', () => {
    const body = {
      ...valid,
      maxConcurrency: 1000,
      timeoutSeconds: 86_400,
      retry: { maxAttempts: 5, backoffSeconds: 3600 },
      toleratedFailurePercent: 12.5,
      metadata: { team: 'ops' },
      team: false,
      start: false,
    };
    expect(parseBatchInput(body)).toEqual(body);
    expect(parseBatchInput({ ...valid, retry: null, metadata: null }).retry).toBeNull();
    expect(parseBatchInput({ ...valid, maxConcurrency: 1, timeoutSeconds: 1, toleratedFailurePercent: 0 })).toMatchObject({
      maxConcurrency: 1,
      timeoutSeconds: 1,
      toleratedFailurePercent: 0,
    });
  });

  it('refuses a body that is not a JSON object', () => {
    for (const body of [null, [valid], 'text', 3]) expect(messageOf(() => parseBatchInput(body))).toBe('The request body must be a JSON object.');
  });

  it('names every missing required field', () => {
    const error = rejection(() => parseBatchInput({}));
    expect(error.message).toBe('name: required; agentId: required; task: required; items: required');
    expect(error.details?.field).toBe('name');
  });

  it('names wrong types and what was sent', () => {
    expect(messageOf(() => parseBatchInput({ name: 5, agentId: true, task: [], items: 'acme' }))).toBe(
      'name: must be a string, got number; agentId: must be a string, got boolean; task: must be a string, got array; items: must be an array of strings or JSON objects, got string',
    );
    expect(messageOf(() => parseBatchInput({ ...valid, start: 'no', team: 1 }))).toBe(
      'team: must be true or false, got number; start: must be true or false, got string',
    );
    expect(messageOf(() => parseBatchInput({ ...valid, name: '  ' }))).toBe('name: must not be empty');
    expect(messageOf(() => parseBatchInput({ ...valid, agentId: 'no spaces' }))).toBe('agentId: must be 1–64 letters, digits, "_" or "-"');
    expect(messageOf(() => parseBatchInput({ ...valid, task: 'x'.repeat(32 * 1024 + 1) }))).toBe('task: must be at most 32768 bytes (32 KiB)');
  });

  it('refuses unknown fields, naming them', () => {
    const error = rejection(() => parseBatchInput({ ...valid, prompt: 'x', concurrency: 3 }));
    expect(error.message).toBe('unknown fields "prompt", "concurrency"');
    expect(error.details?.field).toBe('prompt');
    expect(messageOf(() => parseBatchInput({ ...valid, retry: { attempts: 3 } }))).toBe('unknown field "attempts"');
  });

  it('takes only strings and JSON objects as items, naming the first other', () => {
    for (const [item, kind] of [
      [5, 'number'],
      [null, 'null'],
      [['a'], 'array'],
      [true, 'boolean'],
    ] as const) {
      const error = rejection(() => parseBatchInput({ ...valid, items: ['a', item, 7] }));
      expect(error.message).toBe(`items[1]: must be a string or a JSON object, got ${kind}`);
      expect(error.details?.field).toBe('items[1]');
    }
  });

  it('needs at least one item unless the batch is a draft', () => {
    expect(messageOf(() => parseBatchInput({ ...valid, items: [] }))).toBe(
      'items: at least 1 item to start a batch now; send "start": false to append items later',
    );
    expect(parseBatchInput({ ...valid, items: [], start: false }).items).toEqual([]);
  });

  it(`takes ${MAX_BATCH_ITEMS} items and no more, saying how many were sent`, () => {
    expect(parseBatchInput({ ...valid, items: Array.from({ length: MAX_BATCH_ITEMS }, (_, index) => `item ${index}`) }).items).toHaveLength(MAX_BATCH_ITEMS);
    const error = rejection(() => parseBatchInput({ ...valid, items: Array.from({ length: MAX_BATCH_ITEMS + 1 }, () => 'x') }));
    expect(error.message).toBe('items: at most 10000 items, got 10001');
    expect(error.details?.field).toBe('items');
  });

  it('reports the count before a wrong item, and one wrong item, not all of them', () => {
    const tooMany = Array.from({ length: MAX_BATCH_ITEMS + 1 }, (_, index) => (index % 2 ? 7 : 'x'));
    expect(messageOf(() => parseBatchInput({ ...valid, items: tooMany }))).toBe('items: at most 10000 items, got 10001');
    expect(messageOf(() => parseBatchInput({ ...valid, items: [1, 2, 3], name: 4 }))).toBe(
      'name: must be a string, got number; items[0]: must be a string or a JSON object, got number',
    );
  });

  it(`refuses an item over ${MAX_ITEM_BYTES} bytes of JSON, string or object`, () => {
    const fits = 'x'.repeat(MAX_ITEM_BYTES - 2);
    expect(parseBatchInput({ ...valid, items: [fits] }).items).toEqual([fits]);
    expect(messageOf(() => parseBatchInput({ ...valid, items: ['a', `${fits}y`] }))).toBe(
      'items[1]: is 65537 bytes of JSON; an item may be at most 65536 bytes (64 KiB)',
    );
    expect(messageOf(() => parseBatchInput({ ...valid, items: [{ text: 'x'.repeat(MAX_ITEM_BYTES) }] }))).toBe(
      'items[0]: is 65547 bytes of JSON; an item may be at most 65536 bytes (64 KiB)',
    );
  });

  it('refuses an object item DynamoDB cannot keep exactly, with the path inside it', () => {
    expect(messageOf(() => parseBatchInput({ ...valid, items: [{ a: { b: 1e300 } }] }))).toBe(
      'items[0].a.b: number 1e+300 cannot be stored exactly (beyond ±9007199254740991); use a string',
    );
    expect(messageOf(() => parseBatchInput({ ...valid, items: ['ok', { '': 1 }] }))).toBe(
      'items[1]: has an empty key (""), which cannot be stored; name every key',
    );
  });

  it('names the first item that lacks a field the task names, and the field', () => {
    const items = [...Array.from({ length: 17 }, (_, index) => ({ account: `a${index}` })), { owner: 'x' }, { other: 1 }];
    const error = rejection(() => parseBatchInput({ ...valid, task: 'Review {{item.account}}', items }));
    expect(error.message).toBe('items[17]: no field "account" for {{item.account}} in task');
    expect(error.details?.field).toBe('items[17]');
    expect(messageOf(() => parseBatchInput({ ...valid, task: 'For {{ item.owner.email }}', items: [{ owner: { name: 'x' } }] }))).toBe(
      'items[0]: no field "owner.email" for {{item.owner.email}} in task',
    );
    expect(parseBatchInput({ ...valid, task: '{{item.account}} of {{item.owner.email}}', items: [{ account: 1, owner: { email: 'e' } }] }).items).toHaveLength(
      1,
    );
  });

  it('refuses a string item where the task names a field', () => {
    expect(messageOf(() => parseBatchInput({ ...valid, task: 'Review {{item.account}}', items: [{ account: 'a' }, 'b'] }))).toBe(
      'items[1]: a string item has no field "account" for {{item.account}} in task; use {{item}} for the whole item',
    );
  });

  it('takes maxConcurrency 1–1000 (default 10)', () => {
    for (const value of [0, 1001, 2.5]) {
      expect(messageOf(() => parseBatchInput({ ...valid, maxConcurrency: value }))).toBe('maxConcurrency: must be a whole number from 1 to 1000, e.g. 10');
    }
    expect(messageOf(() => parseBatchInput({ ...valid, maxConcurrency: '10' }))).toBe('maxConcurrency: must be a number, got string');
  });

  it('takes timeoutSeconds 1–86400 (default 300)', () => {
    for (const value of [0, 86_401, 1.5]) {
      expect(messageOf(() => parseBatchInput({ ...valid, timeoutSeconds: value }))).toBe('timeoutSeconds: must be a whole number from 1 to 86400, e.g. 300');
    }
  });

  it('takes retry {maxAttempts 1–5, backoffSeconds 1–3600}', () => {
    expect(messageOf(() => parseBatchInput({ ...valid, retry: { maxAttempts: 6, backoffSeconds: 0 } }))).toBe(
      'retry.maxAttempts: must be a whole number from 1 to 5, e.g. 3; retry.backoffSeconds: must be a whole number from 1 to 3600, e.g. 30',
    );
    expect(messageOf(() => parseBatchInput({ ...valid, retry: { maxAttempts: 0 } }))).toBe('retry.maxAttempts: must be a whole number from 1 to 5, e.g. 3');
    expect(messageOf(() => parseBatchInput({ ...valid, retry: { backoffSeconds: 3601 } }))).toBe(
      'retry.backoffSeconds: must be a whole number from 1 to 3600, e.g. 30',
    );
    expect(messageOf(() => parseBatchInput({ ...valid, retry: 3 }))).toBe('retry: must be an object or null, got number');
    expect(parseBatchInput({ ...valid, retry: { maxAttempts: 2 } }).retry).toEqual({ maxAttempts: 2 });
  });

  it('takes toleratedFailurePercent 0–100 (default 100)', () => {
    for (const value of [-1, 100.5]) {
      expect(messageOf(() => parseBatchInput({ ...valid, toleratedFailurePercent: value }))).toBe('toleratedFailurePercent: must be from 0 to 100');
    }
  });

  it('takes metadata as a storable JSON object of at most 8 KiB', () => {
    expect(messageOf(() => parseBatchInput({ ...valid, metadata: [1] }))).toMatch(/^metadata: /);
    expect(messageOf(() => parseBatchInput({ ...valid, metadata: 'x' }))).toMatch(/^metadata: /);
    expect(messageOf(() => parseBatchInput({ ...valid, metadata: { blob: 'x'.repeat(9000) } }))).toBe('metadata: must be at most 8192 bytes of JSON');
  });

  it('names several wrong fields in one answer', () => {
    expect(messageOf(() => parseBatchInput({ ...valid, maxConcurrency: 0, toleratedFailurePercent: 101, extra: true }))).toBe(
      'maxConcurrency: must be a whole number from 1 to 1000, e.g. 10; toleratedFailurePercent: must be from 0 to 100; unknown field "extra"',
    );
  });
});

describe('parseAppendItems', () => {
  it('takes {items} with 1–10000 strings or objects', () => {
    expect(parseAppendItems({ items: ['a', { b: 1 }] })).toEqual(['a', { b: 1 }]);
    expect(messageOf(() => parseAppendItems({ items: [] }))).toBe('items: at least 1 item');
    expect(messageOf(() => parseAppendItems({}))).toBe('items: required');
    expect(messageOf(() => parseAppendItems({ items: Array.from({ length: MAX_BATCH_ITEMS + 1 }, () => 'x') }))).toBe('items: at most 10000 items, got 10001');
    expect(messageOf(() => parseAppendItems({ items: ['a', 2] }))).toBe('items[1]: must be a string or a JSON object, got number');
    expect(messageOf(() => parseAppendItems({ items: ['x'.repeat(MAX_ITEM_BYTES)] }))).toBe(
      'items[0]: is 65538 bytes of JSON; an item may be at most 65536 bytes (64 KiB)',
    );
  });

  it('refuses other bodies and fields', () => {
    expect(messageOf(() => parseAppendItems(['a']))).toBe('The request body must be a JSON object.');
    expect(messageOf(() => parseAppendItems({ items: ['a'], start: true }))).toBe('unknown field "start"');
  });
});

describe('parseBatchPatch', () => {
  it('takes maxConcurrency 1–1000 and nothing else', () => {
    expect(parseBatchPatch({ maxConcurrency: 25 })).toEqual({ maxConcurrency: 25 });
    expect(messageOf(() => parseBatchPatch({}))).toBe('maxConcurrency: required');
    expect(messageOf(() => parseBatchPatch({ maxConcurrency: 1001 }))).toBe('maxConcurrency: must be a whole number from 1 to 1000, e.g. 10');
    expect(messageOf(() => parseBatchPatch({ maxConcurrency: 5, name: 'x' }))).toBe('unknown field "name"');
  });
});

describe('list queries', () => {
  it('lists batches 20 at a time by default, up to 100, filtered by status and schedule', () => {
    expect(parseBatchListQuery({})).toEqual({ limit: 20 });
    expect(parseBatchListQuery({ limit: '100', status: 'running', cursor: 'abc', scheduleId: 'sched_abcdefgh12' })).toEqual({
      limit: 100,
      status: 'running',
      cursor: 'abc',
      scheduleId: 'sched_abcdefgh12',
    });
    expect(messageOf(() => parseBatchListQuery({ limit: '0' }))).toBe('limit: must be a whole number from 1 to 100');
    expect(messageOf(() => parseBatchListQuery({ limit: 'ten' }))).toBe('limit: must be a whole number from 1 to 100');
    expect(messageOf(() => parseBatchListQuery({ status: 'done' }))).toMatch(/^status: /);
    expect(messageOf(() => parseBatchListQuery({ scheduleId: 'x' }))).toBe('scheduleId: must be a schedule id (sched_…)');
    expect(messageOf(() => parseBatchListQuery({ sort: 'name' }))).toBe('unknown field "sort"');
  });

  it('takes the schedule from the path, and refuses another in the query', () => {
    expect(parseBatchListQuery({}, 'sched_abcdefgh12')).toEqual({ limit: 20, scheduleId: 'sched_abcdefgh12' });
    expect(parseBatchListQuery({ scheduleId: 'sched_abcdefgh12' }, 'sched_abcdefgh12').scheduleId).toBe('sched_abcdefgh12');
    expect(messageOf(() => parseBatchListQuery({ scheduleId: 'sched_abcdefgh12' }, 'sched_zzzzzzzz12'))).toBe(
      'scheduleId: "sched_abcdefgh12" is not the schedule the path names ("sched_zzzzzzzz12").',
    );
  });

  it('binds cursors to the tenant and the filters', () => {
    const principal = { role: 'tenant', tenantId: 't1', userId: 'u1', keyId: 'k' } as const;
    const plain = batchListBinding(principal, {});
    expect(batchListBinding(principal, { status: 'running' })).not.toBe(plain);
    expect(batchListBinding(principal, { scheduleId: 'sched_abcdefgh12' })).not.toBe(plain);
    expect(batchListBinding({ ...principal, tenantId: 't2' }, {})).not.toBe(plain);
  });

  it('pages items by index, 50 by default and up to 100, filtered by status', () => {
    expect(parseBatchItemsQuery({})).toEqual({ limit: 50 });
    expect(parseBatchItemsQuery({ after: '0', limit: '100', status: 'failed' })).toEqual({ after: 0, limit: 100, status: 'failed' });
    expect(messageOf(() => parseBatchItemsQuery({ after: 'abc' }))).toBe('after: must be a whole number from 0 to 9999');
    expect(messageOf(() => parseBatchItemsQuery({ after: '-1', limit: '101' }))).toBe(
      'limit: must be a whole number from 1 to 100; after: must be a whole number from 0 to 9999',
    );
    expect(messageOf(() => parseBatchItemsQuery({ status: 'queued' }))).toMatch(/^status: /);
  });

  it('pages results 1000 lines at most', () => {
    expect(parseBatchResultsQuery({})).toEqual({ limit: 1000 });
    expect(parseBatchResultsQuery({ limit: '10', after: '99' })).toEqual({ limit: 10, after: 99 });
    expect(messageOf(() => parseBatchResultsQuery({ limit: '1001' }))).toBe('limit: must be a whole number from 1 to 1000');
    expect(messageOf(() => parseBatchResultsQuery({ status: 'failed' }))).toBe('unknown field "status"');
  });
});
