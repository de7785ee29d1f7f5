// Storable JSON: a client's free-form JSON (metadata) that DynamoDB, through @aws-sdk/lib-dynamodb's marshaller, can keep
// exactly. Checked without recursion, so a body nested thousands of levels deep is a 400 and never a stack overflow.
// Kept free of zod so any handler can use it.

/** DynamoDB keeps at most 32 levels; 16 is plenty for anyone's key/values. */
export const STORABLE_JSON_MAX_DEPTH = 16;

/** DynamoDB's smallest non-zero magnitude; 1e-131 and below are refused by the service. */
export const DYNAMODB_MIN_MAGNITUDE = 1e-130;

/**
 * The largest magnitude stored exactly. DynamoDB itself goes to 9.99…e125, but the marshaller (without
 * allowImpreciseNumbers, which would store rounded values) refuses anything beyond Number.MAX_SAFE_INTEGER.
 */
export const STORABLE_MAX_MAGNITUDE = Math.min(9.99e125, Number.MAX_SAFE_INTEGER);

export interface StorableJsonOptions {
  /** Bytes of compact JSON (UTF-8) the whole value may take. */
  maxBytes: number;
  /** Levels of objects and arrays, the value itself counting as one when it is an object or array. */
  maxDepth?: number;
}

export type PathSegment = string | number;

export interface StorableJsonProblem {
  /** Where, below the value: object keys and array indexes; [] is the value itself. */
  path: PathSegment[];
  /** What is wrong there and what to do instead, without the path. */
  message: string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;
const SHOWN_KEY_CHARS = 40;

/** `a.b[2]["a key"]`: a path as a person reads it (long keys shortened), prefixed by the field's own name. */
export function formatJsonPath(field: string, path: readonly PathSegment[]): string {
  let text = field;
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (IDENTIFIER.test(segment) && segment.length <= SHOWN_KEY_CHARS) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment.length > SHOWN_KEY_CHARS ? `${[...segment].slice(0, SHOWN_KEY_CHARS).join('')}…` : segment)}]`;
  }
  return text;
}

function numberProblem(value: number): string | undefined {
  if (!Number.isFinite(value)) return `number ${value} cannot be stored; use a string`;
  const magnitude = Math.abs(value);
  if (magnitude > STORABLE_MAX_MAGNITUDE) {
    return `number ${value} cannot be stored exactly (beyond ±${Number.MAX_SAFE_INTEGER}); use a string`;
  }
  if (magnitude !== 0 && magnitude < DYNAMODB_MIN_MAGNITUDE) {
    return `number ${value} is too small to store (the smallest is ${DYNAMODB_MIN_MAGNITUDE}); use a string or 0`;
  }
  return undefined;
}

const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

interface Pending {
  value: unknown;
  path: PathSegment[];
  depth: number;
}

/**
 * The first problem, in document order, that keeps `value` from being stored exactly; undefined when there is none.
 * Storable: null, booleans, strings, numbers that are 0 or 1e-130 ≤ |n| ≤ Number.MAX_SAFE_INTEGER, and arrays and
 * objects (keys non-empty, not "__proto__" or "constructor") at most `maxDepth` levels deep, all of it at most
 * `maxBytes` of compact JSON.
 * Iterative: a value nested any number of levels deep costs no stack.
 */
export function storableJsonProblem(value: unknown, options: StorableJsonOptions): StorableJsonProblem | undefined {
  const maxDepth = options.maxDepth ?? STORABLE_JSON_MAX_DEPTH;
  const tooBig = (): StorableJsonProblem => ({ path: [], message: `must be at most ${options.maxBytes} bytes of JSON` });
  let bytes = 0;
  // Depth-first, children pushed in reverse so they are visited in document order.
  const stack: Pending[] = [{ value, path: [], depth: 0 }];
  while (stack.length > 0) {
    const { value: current, path, depth } = stack.pop()!;
    if (current === null) bytes += 4;
    else if (typeof current === 'boolean') bytes += current ? 4 : 5;
    else if (typeof current === 'string') bytes += utf8Bytes(JSON.stringify(current));
    else if (typeof current === 'number') {
      const problem = numberProblem(current);
      if (problem) return { path, message: problem };
      bytes += String(current).length;
    } else if (typeof current === 'object') {
      if (depth + 1 > maxDepth) return { path, message: `nests deeper than ${maxDepth} levels; flatten it` };
      if (Array.isArray(current)) {
        bytes += 2 + Math.max(0, current.length - 1);
        for (let index = current.length - 1; index >= 0; index -= 1) stack.push({ value: current[index], path: [...path, index], depth: depth + 1 });
      } else {
        const keys = Object.keys(current);
        bytes += 2 + Math.max(0, keys.length - 1);
        for (const key of keys) {
          if (key === '') return { path, message: 'has an empty key (""), which cannot be stored; name every key' };
          // Stored fine, but lost when read back (an assignment to "__proto__" sets the prototype instead).
          if (key === '__proto__') return { path, message: 'has a key "__proto__", which cannot be read back; rename it' };
          // The marshaller picks a value's DynamoDB type by `value.constructor.name`: an own "constructor" key makes it
          // take the object for a Set, a Buffer, a string… or throw.
          if (key === 'constructor') return { path, message: 'has a key "constructor", which DynamoDB\'s marshaller reads as the object\'s type; rename it' };
          bytes += utf8Bytes(JSON.stringify(key)) + 1;
        }
        for (let index = keys.length - 1; index >= 0; index -= 1) {
          const key = keys[index]!;
          stack.push({ value: (current as Record<string, unknown>)[key], path: [...path, key], depth: depth + 1 });
        }
      }
    } else {
      return { path, message: `${typeof current} is not JSON` };
    }
    if (bytes > options.maxBytes) return tooBig();
  }
  return undefined;
}

/** The problem as one line, e.g. `metadata.a.b: number 100000000000000000000 cannot be stored exactly (…); use a string`. */
export function describeStorableJsonProblem(field: string, problem: StorableJsonProblem): string {
  return `${formatJsonPath(field, problem.path)}: ${problem.message}`;
}

/**
 * Whether two parsed JSON values are the same JSON (same keys in the same order), as JSON.stringify would say, but
 * without recursion: two spellings of one field may each carry a value nested thousands of levels deep.
 */
export function sameJson(left: unknown, right: unknown): boolean {
  const stack: Array<[unknown, unknown]> = [[left, right]];
  while (stack.length > 0) {
    const [a, b] = stack.pop()!;
    if (a === b) continue;
    if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
      if (typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b)) continue;
      return false;
    }
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    const aKeys = Object.keys(a);
    const bKeys = Object.keys(b);
    if (aKeys.length !== bKeys.length) return false;
    for (let index = 0; index < aKeys.length; index += 1) {
      if (aKeys[index] !== bKeys[index]) return false;
      stack.push([(a as Record<string, unknown>)[aKeys[index]!], (b as Record<string, unknown>)[bKeys[index]!]]);
    }
  }
  return true;
}
