// What DynamoDB can store, checked before anything is written: free-form JSON (metadata), schedule names (part of a
// 1,024-byte index key) and list cursors. Every refusal is a ValidationError (a 400) naming the field, never a throw
// from deeper down (a stack overflow, the marshaller, timingSafeEqual).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAgentInput } from '#shared/domain/agent.ts';
import { cursorCodec } from '#shared/domain/cursor.ts';

const { encode: encodeCursor, decode: decodeCursor } = cursorCodec('test-cursor-key-0123456789');
import { ValidationError } from '#shared/domain/errors.ts';
import { LIMITS } from '#shared/domain/limits.ts';
import { normalizeAliases, parseScheduleInput } from '#shared/http/schedules.ts';
import { describeStorableJsonProblem, formatJsonPath, sameJson, storableJsonProblem } from '#shared/domain/storable-json.ts';
import { scheduleSortKey, SORT_KEY_MAX_BYTES } from '#shared/ports/schedule-store.ts';
import { ownerIndexSk } from '#shared/table.ts';
import { thrownBy } from '../../support/rejections.ts';

const limits = { maxBytes: LIMITS.metadataBytes };
const deepObject = (levels: number): unknown => JSON.parse(`${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`);
const deepArray = (levels: number): unknown => JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);

const validationError = (call: () => unknown): ValidationError => thrownBy(call, ValidationError);

const schedule = { name: 'Daily report', task: 'Summarise yesterday', cronExpression: '0 9 * * *' };

describe('storableJsonProblem', () => {
  it.each([
    ['an empty object', {}],
    ['null, booleans, strings and arrays', { a: null, b: true, c: false, d: 'x', e: [1, 'two', [3]], f: [] }],
    ['0, -0, fractions and the safe integer bounds', { a: 0, b: -0, c: 0.1, d: Number.MAX_SAFE_INTEGER, e: Number.MIN_SAFE_INTEGER, f: -2.5e-7 }],
    ['the smallest magnitude DynamoDB stores', { a: 1e-130, b: -1e-130 }],
    ['exactly 16 levels', deepObject(16)],
    ['unicode keys and values', { 가: 'é', '😀': ['\u0000'], 'a.b': { 'c d': 1 } }],
  ])('accepts %s', (_what, value) => {
    expect(storableJsonProblem(value, limits)).toBeUndefined();
  });

  it.each([
    ['1e20', { a: { b: 1e20 } }, ['a', 'b'], /number 100000000000000000000 cannot be stored exactly.*use a string/],
    ['2^53 (9007199254740993 as parsed)', JSON.parse('{"n": 9007199254740993}'), ['n'], /cannot be stored exactly/],
    ['-1e300', { n: [0, -1e300] }, ['n', 1], /cannot be stored exactly/],
    ['1e-300', { a: 1e-300 }, ['a'], /too small to store \(the smallest is 1e-130\)/],
    ['-1e-131', { a: -1e-131 }, ['a'], /too small/],
    ['NaN', { a: Number.NaN }, ['a'], /NaN cannot be stored/],
    ['Infinity', { a: [Number.POSITIVE_INFINITY] }, ['a', 0], /Infinity cannot be stored/],
    ['an empty key', { a: { '': 1 } }, ['a'], /empty key/],
    ['a nested "__proto__" key', JSON.parse('{"a": {"__proto__": {"x": 1}}}'), ['a'], /__proto__/],
    ['a "constructor" key (the marshaller reads it as the type)', { a: [{ constructor: 'Bob' }] }, ['a', 0], /"constructor".*rename it/],
    ['a "constructor" naming Set', JSON.parse('{"constructor": {"name": "Set"}}'), [], /"constructor"/],
    ['17 levels', deepObject(17), Array(16).fill('a'), /deeper than 16 levels/],
    ['undefined', { a: undefined }, ['a'], /undefined is not JSON/],
  ])('refuses %s, at its path', (_what, value, path, message) => {
    const problem = storableJsonProblem(value, limits);
    expect(problem?.path).toEqual(path);
    expect(problem?.message).toMatch(message);
  });

  it('stops at the first problem in document order', () => {
    expect(storableJsonProblem({ a: 1, b: { c: 1e-200 }, d: { '': 1e30 } }, limits)?.path).toEqual(['b', 'c']);
    expect(storableJsonProblem({ a: [1, 2, { x: 1e20 }], b: 1e20 }, limits)?.path).toEqual(['a', 2, 'x']);
  });

  it('walks any depth without recursion (no stack overflow): 5,000 and 200,000 levels of objects and arrays', () => {
    for (const value of [deepObject(5000), deepArray(5000), deepArray(200_000)]) {
      expect(storableJsonProblem({ m: value }, limits)?.message).toMatch(/deeper than 16 levels/);
    }
  });

  it('counts the bytes of compact JSON exactly, as JSON.stringify writes them (property)', () => {
    const leaf = fc.oneof(
      fc.constant(null),
      fc.boolean(),
      fc.string({ unit: 'binary', maxLength: 20 }),
      fc.integer(),
      fc.double({ min: -1e6, max: 1e6, noNaN: true }).filter((n) => n === 0 || Math.abs(n) >= 1e-130),
    );
    const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.array(tie('tree'), { maxLength: 4 }),
        fc.dictionary(
          fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }).filter((key) => key !== '__proto__' && key !== 'constructor'),
          tie('tree'),
          { maxKeys: 4 },
        ),
      ),
    }));
    fc.assert(
      fc.property(tree, (value) => {
        const bytes = Buffer.byteLength(JSON.stringify(value));
        expect(storableJsonProblem(value, { maxBytes: bytes, maxDepth: 100 })).toBeUndefined();
        expect(storableJsonProblem(value, { maxBytes: bytes - 1, maxDepth: 100 })?.message).toMatch(/at most \d+ bytes of JSON/);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('describes the problem with its path, quoting keys that are not plain names', () => {
    expect(describeStorableJsonProblem('metadata', storableJsonProblem({ a: { b: 1e20 } }, limits)!)).toMatch(
      /^metadata\.a\.b: number 100000000000000000000 cannot be stored exactly/,
    );
    expect(formatJsonPath('metadata', ['a b', 3, 'ok', ''])).toBe('metadata["a b"][3].ok[""]');
    expect(formatJsonPath('metadata', ['x'.repeat(100)])).toBe(`metadata["${'x'.repeat(40)}…"]`);
  });
});

describe('sameJson', () => {
  it('agrees with comparing JSON.stringify outputs (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 4 }), (a, b) => {
        expect(sameJson(a, b)).toBe(JSON.stringify(a) === JSON.stringify(b));
        expect(sameJson(a, JSON.parse(JSON.stringify(a)))).toBe(true);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it('compares two spellings of one field nested 5,000 levels deep without a stack overflow', () => {
    const error = validationError(() => normalizeAliases({ task: deepObject(5000), prompt: deepArray(5000) }));
    expect(error.details?.field).toBe('task');
  });
});

describe('metadata of schedules and agents (runs: test/e2e/bad-inputs.test.ts)', () => {
  it.each([
    ['1e20', { a: { b: 1e20 } }, 'metadata.a.b', /^metadata\.a\.b: number 100000000000000000000 cannot be stored exactly/],
    ['9007199254740993', JSON.parse('{"big": 9007199254740993}'), 'metadata.big', /cannot be stored exactly/],
    ['1e-300', { tiny: 1e-300 }, 'metadata.tiny', /too small/],
    ['an empty key', { '': 'x' }, 'metadata', /^metadata: has an empty key/],
    ['5,000 levels', deepObject(5000), `metadata${'.a'.repeat(16)}`, /deeper than 16 levels/],
    ['more than 8 KiB', { blob: 'x'.repeat(LIMITS.metadataBytes) }, 'metadata', /at most 8192 bytes of JSON/],
  ])('a schedule metadata with %s is a ValidationError naming the path', (_what, metadata, field, message) => {
    const error = validationError(() => parseScheduleInput({ ...schedule, metadata }));
    expect(error.details?.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  it.each([
    ['1e20', { a: 1e20 }, /metadata\.a: number/],
    ['5,000 levels', deepObject(5000), /deeper than 16 levels/],
    ['more than 8 KiB (agents had no limit)', { blob: 'x'.repeat(LIMITS.metadataBytes) }, /metadata: must be at most 8192 bytes of JSON/],
    ['an empty key', { '': 1 }, /empty key/],
  ])('an agent metadata with %s is a ValidationError', (_what, metadata, message) => {
    const error = validationError(() => parseAgentInput({ name: 'Assistant', kind: 'bedrock', modelId: 'm', metadata }));
    expect(error.message).toMatch(message);
    expect(String(error.details?.field)).toMatch(/^metadata/);
  });

  it('an agent keeps storable metadata as given', () => {
    const metadata = { team: 'finance', limits: [1, 2.5, -3], nested: { ok: true, none: null } };
    expect(parseAgentInput({ name: 'Assistant', kind: 'bedrock', modelId: 'm', metadata })).toMatchObject({ metadata });
  });
});

describe('schedule names and their list sort key', () => {
  const id = `sched_${'A'.repeat(40)}`;

  it('accepts 200 characters of Hangul (600 bytes) and 200 emoji (800 bytes)', () => {
    expect(parseScheduleInput({ ...schedule, name: '가'.repeat(200) }).input.name).toBe('가'.repeat(200));
    expect(parseScheduleInput({ ...schedule, name: '😀'.repeat(200) }).input.name).toBe('😀'.repeat(200));
  });

  it('refuses 201 characters, saying both limits', () => {
    const error = validationError(() => parseScheduleInput({ ...schedule, name: '가'.repeat(201) }));
    expect(error.details?.field).toBe('name');
    expect(error.message).toMatch(/at most 200 characters and 800 bytes of UTF-8/);
  });

  it('keeps the sort key of a 111- or 200-syllable Hangul name within 1,024 bytes, ending in #id', () => {
    for (const name of ['가'.repeat(111), '가'.repeat(200), '힣'.repeat(200), 'ﷺ'.repeat(200)]) {
      const key = scheduleSortKey({ name, id });
      expect(Buffer.byteLength(key)).toBeLessThanOrEqual(SORT_KEY_MAX_BYTES);
      expect(key.endsWith(`#${id}`)).toBe(true);
      expect(ownerIndexSk({ name, id })).toBe(key);
    }
  });

  it('leaves short names alone', () => {
    expect(scheduleSortKey({ name: 'Café Report', id: 'sched_12345678' })).toBe('cafe report#sched_12345678');
  });

  it('is at most 1,024 bytes for any name of at most 200 characters, never splits a character, and keeps the name order (property)', () => {
    const name = fc.string({ unit: fc.constantFrom('가', '힣', 'ﷺ', 'é', '😀', 'a', 'Z', ' ', 'ǅ', 'ß', '\u0301'), minLength: 1, maxLength: 200 });
    fc.assert(
      fc.property(name, name, (a, b) => {
        const keyA = scheduleSortKey({ name: a, id });
        const keyB = scheduleSortKey({ name: b, id: `sched_${'B'.repeat(40)}` });
        for (const key of [keyA, keyB]) {
          expect(Buffer.byteLength(key)).toBeLessThanOrEqual(SORT_KEY_MAX_BYTES);
          expect(Buffer.from(key).toString(), 'no character split').toBe(key);
        }
        const full = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
        const partA = keyA.slice(0, keyA.length - id.length - 1);
        expect(full(a).startsWith(partA)).toBe(true);
        // Two names whose cut parts differ are in the order of those parts: the order by name is kept up to the cut.
        const partB = keyB.slice(0, keyB.length - id.length - 1);
        if (partA !== partB && !partA.startsWith(partB) && !partB.startsWith(partA)) {
          expect(keyA < keyB).toBe(full(a) < full(b));
        }
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});

describe('list cursors', () => {
  const binding = 'tenant\nuser';

  it('reads back a cursor it wrote', () => {
    expect(decodeCursor(encodeCursor('name#sched_1', binding), binding)).toBe('name#sched_1');
  });

  it("refuses a cursor signed with another deployment's key, and a key too short to be one", () => {
    const other = cursorCodec('another-deployment-key-000');
    expect(validationError(() => decodeCursor(other.encode('name#sched_1', binding), binding)).details?.field).toBe('cursor');
    expect(() => cursorCodec('short')).toThrow(/at least 16/);
  });

  it('refuses a signature of 22 multi-byte characters (equal string length, unequal bytes) with a 400 naming cursor', () => {
    const error = validationError(() => decodeCursor(`abc.${'é'.repeat(22)}`, binding));
    expect(error.details?.field).toBe('cursor');
  });

  it('refuses any other string with a 400 naming cursor, never another error (property)', () => {
    const valid = encodeCursor('name#sched_1', binding);
    const garbage = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.tuple(fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', minLength: 22, maxLength: 22 })).map(([a, b]) => `${a}.${b}`),
      fc.string({ unit: 'binary', minLength: 22, maxLength: 22 }).map((signature) => `${valid.split('.')[0]}.${signature}`),
    );
    fc.assert(
      fc.property(garbage, (cursor) => {
        fc.pre(cursor !== valid);
        expect(validationError(() => decodeCursor(cursor, binding)).details?.field).toBe('cursor');
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});
