// What every item carries (its table key and `entity`), and the typed attribute names that expressions use.
// The key formats are shared/table.ts's; the files beside this one say how each kind of item is keyed and mapped.
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { KEY_ATTRIBUTES } from '../../../table.ts';

/** One entry of a TransactWriteItems request. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** An item as DynamoDB returns it, before it is mapped back to a domain value. */
export type StoredItem = Record<string, unknown>;

/** The `entity` attribute of each kind of item: what a Scan filters on. */
export const ENTITY = {
  schedule: 'schedule',
  scheduleState: 'scheduleState',
  counts: 'counts',
  idempotency: 'idempotency',
  agent: 'agent',
  apiKey: 'apiKey',
  apiKeyId: 'apiKeyId',
  secret: 'secret',
  run: 'run',
  runOutput: 'runOutput',
  usage: 'usage',
  backfill: 'backfill',
  batch: 'batch',
  batchItem: 'batchItem',
} as const;

export type Entity = (typeof ENTITY)[keyof typeof ENTITY];

/** The base table key of one item (a type, not an interface, so it is a StoredItem too). */
export type TableKey = { pk: string; sk: string };

/** The attributes every item carries besides its own fields. */
export type ItemKeys<E extends Entity> = TableKey & { entity: E };

/**
 * The attributes of one kind of item that a request's expressions name. `names('runCount')` gives the placeholder
 * `#runCount` and records it in `names.names`, the request's ExpressionAttributeNames. Only attributes of T are
 * accepted, so renaming a domain field breaks the build instead of writing a stale attribute.
 * One per request: DynamoDB refuses a request whose ExpressionAttributeNames hold a name no expression uses.
 */
export interface AttributeNames<T> {
  (attribute: keyof T & string): string;
  /** ExpressionAttributeNames: every placeholder handed out so far, mapped to its attribute. */
  readonly names: Record<string, string>;
}

export function attributeNames<T>(): AttributeNames<T> {
  const names: Record<string, string> = {};
  const placeholder = (attribute: keyof T & string): string => {
    names[`#${attribute}`] = attribute;
    return `#${attribute}`;
  };
  return Object.assign(placeholder, { names });
}

/** The domain value an item stores: the item without the attributes that only place it in the table or an index. */
export function withoutKeys<T>(item: StoredItem): T {
  const value: StoredItem = { ...item };
  for (const key of KEY_ATTRIBUTES) delete value[key];
  return value as unknown as T;
}
