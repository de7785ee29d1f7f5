// What clients send to the batch routes: the create, append and change bodies and the list queries. Every body is
// checked whole before anything is stored — each item's type and size, and each item against the task template — and
// answered with one 400 naming what is wrong (for the items, the first wrong one).
import * as z from 'zod/mini';
import { $ZodCheckMaxLength, $ZodCheckMinLength } from 'zod/v4/core';
import {
  BATCH_ITEM_STATUSES,
  BATCH_STATUSES,
  type BatchItemInput,
  type BatchItemStatus,
  type BatchStatus,
  DEFAULT_BATCH_CONCURRENCY,
  DEFAULT_BATCH_TIMEOUT_SECONDS,
  MAX_BATCH_CONCURRENCY,
  MAX_BATCH_ITEMS,
  MAX_ITEM_BYTES,
  missingField,
} from '../domain/batch.ts';
import { ValidationError } from '../domain/errors.ts';
import { maxChars, minChars } from '../domain/length-checks.ts';
import { LIMITS } from '../domain/limits.ts';
import { storableMetadata } from '../domain/metadata.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import { AGENT_ID_PATTERN, MAX_RETRY_ATTEMPTS, MAX_RETRY_BACKOFF_SECONDS, MAX_TIMEOUT_SECONDS, SCHEDULE_ID_PATTERN } from '../domain/schedule.ts';
import { storableJsonProblem } from '../domain/storable-json.ts';
import { toValidationError } from '../domain/validation.ts';
import type { BatchInput } from '../use-cases/batches/create-batch.ts';
import { parseWith } from './validation.ts';

/** What a value is, in a message: "number", "array", "null"… */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** "required" when the field is missing, else what it should have been and what it was. */
const typed = (expected: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? 'required' : `must be ${expected}, got ${kindOf(issue.input)}`),
});

const int = (low: number, high: number, example: number) => {
  const range = `must be a whole number from ${low} to ${high}, e.g. ${example}`;
  return z.number(typed('a number')).check(z.int(range), z.gte(low, range), z.lte(high, range));
};

/** Array length checks that run even when an element failed (so the count is reported first), and only on arrays. */
const onArrays = (payload: { value: unknown }): boolean => Array.isArray(payload.value);
const atMostItems = (maximum: number) =>
  new $ZodCheckMaxLength({
    check: 'max_length',
    maximum,
    when: onArrays,
    error: (issue: { input?: unknown }) => `at most ${maximum} items, got ${(issue.input as unknown[]).length}`,
  });
const atLeastItems = (minimum: number, message: string) => new $ZodCheckMinLength({ check: 'min_length', minimum, when: onArrays, error: () => message });

const ItemSchema = z
  .union([z.string(), z.record(z.string(), z.unknown())], { error: (issue) => `must be a string or a JSON object, got ${kindOf(issue.input)}` })
  .check(
    z.meta({
      description: `A string, or a JSON object whose fields {{item.field}} placeholders name; at most ${MAX_ITEM_BYTES / 1024} KiB of JSON.`,
    }),
  );

/** The first item too big (or not storable) as an issue at its index; none when every item fits. */
function checkItemSizes(items: BatchItemInput[], context: z.core.$RefinementCtx<BatchItemInput[]>): void {
  for (const [index, item] of items.entries()) {
    const bytes = Buffer.byteLength(JSON.stringify(item));
    if (bytes > MAX_ITEM_BYTES) {
      context.addIssue({ code: 'custom', path: [index], message: `is ${bytes} bytes of JSON; an item may be at most ${MAX_ITEM_BYTES} bytes (64 KiB)` });
      return;
    }
    const problem = typeof item === 'string' ? undefined : storableJsonProblem(item, { maxBytes: MAX_ITEM_BYTES });
    if (problem) {
      context.addIssue({ code: 'custom', path: [index, ...problem.path], message: problem.message });
      return;
    }
  }
}

const itemList = (minimum: number, emptyMessage: string) =>
  z
    .array(ItemSchema, typed('an array of strings or JSON objects'))
    .check(
      atLeastItems(minimum, emptyMessage),
      atMostItems(MAX_BATCH_ITEMS),
      z.superRefine(checkItemSizes),
      z.meta({ description: `1–${MAX_BATCH_ITEMS} items; each is one run of the task, with its placeholders filled from the item.` }),
    );

/** The first item that cannot fill the task's placeholders, as an issue at its index. */
function checkTemplate(input: { task: string; items: BatchItemInput[] }, context: z.core.$RefinementCtx<unknown>): void {
  for (const [index, item] of input.items.entries()) {
    const field = missingField(input.task, item);
    if (field === undefined) continue;
    context.addIssue({
      code: 'custom',
      path: ['items', index],
      message:
        typeof item === 'string'
          ? `a string item has no field "${field}" for {{item.${field}}} in task; use {{item}} for the whole item`
          : `no field "${field}" for {{item.${field}}} in task`,
    });
    return;
  }
}

const NAME_LIMIT = `must be at most ${LIMITS.nameChars} characters and ${LIMITS.nameBytes} bytes of UTF-8`;

export const BatchInputSchema = z
  .strictObject(
    {
      name: z.string(typed('a string')).check(
        z.trim(),
        minChars(1, 'must not be empty'),
        maxChars(LIMITS.nameChars, NAME_LIMIT),
        z.refine((value) => Buffer.byteLength(value) <= LIMITS.nameBytes, { message: NAME_LIMIT }),
        z.meta({ description: `What the batch is for (≤ ${LIMITS.nameChars} characters).` }),
      ),
      agentId: z
        .string(typed('a string'))
        .check(z.regex(AGENT_ID_PATTERN, 'must be 1–64 letters, digits, "_" or "-"'), z.meta({ description: 'The agent every item runs (GET /v1/agents).' })),
      task: z.string(typed('a string')).check(
        minChars(1, 'must not be empty'),
        z.refine((value) => Buffer.byteLength(value) <= LIMITS.taskBytes, { message: `must be at most ${LIMITS.taskBytes} bytes (32 KiB)` }),
        z.meta({
          description:
            'The template each item fills: {{item}} is the whole item (a string as it is, an object as JSON), {{item.field}} one field of an object item (every item must have it).',
          example: 'Summarise the account {{item.account}} for {{item.owner}}',
        }),
      ),
      items: itemList(0, 'at least 1 item'),
      maxConcurrency: z._default(int(1, MAX_BATCH_CONCURRENCY, 10), DEFAULT_BATCH_CONCURRENCY).check(
        z.meta({
          description: `How many items run at once (1–${MAX_BATCH_CONCURRENCY}, default ${DEFAULT_BATCH_CONCURRENCY}); PATCH changes it while it runs.`,
        }),
      ),
      timeoutSeconds: z
        ._default(int(1, MAX_TIMEOUT_SECONDS, 300), DEFAULT_BATCH_TIMEOUT_SECONDS)
        .check(z.meta({ description: `Each item's run deadline in seconds (1–${MAX_TIMEOUT_SECONDS}, default ${DEFAULT_BATCH_TIMEOUT_SECONDS}).` })),
      retry: z
        .optional(
          z.nullable(
            z.partial(
              z.strictObject({ maxAttempts: int(1, MAX_RETRY_ATTEMPTS, 3), backoffSeconds: int(1, MAX_RETRY_BACKOFF_SECONDS, 30) }, typed('an object or null')),
            ),
          ),
        )
        .check(
          z.meta({ description: `Retries of an item's agent call after a retryable failure: maxAttempts 1–${MAX_RETRY_ATTEMPTS}, backoffSeconds 1–3600.` }),
        ),
      toleratedFailurePercent: z._default(z.number(typed('a number')).check(z.gte(0, 'must be from 0 to 100'), z.lte(100, 'must be from 0 to 100')), 100).check(
        z.meta({
          description: 'Once failed and timed-out items pass this share of all items, the batch stops and ends failed (0–100, default 100: never).',
        }),
      ),
      metadata: z.optional(z.nullable(storableMetadata())),
      team: z
        .optional(z.boolean(typed('true or false')))
        .check(z.meta({ description: 'Owned by your key’s team, visible to its members (default: true when your key has a team).' })),
      start: z.optional(z.boolean(typed('true or false'))).check(
        z.meta({
          description: 'false: a draft (201) to append items to (POST …/items) and start later (POST …/start). Default true: started now (202).',
        }),
      ),
    },
    typed('a JSON object'),
  )
  .check(
    z.superRefine((input, context) => {
      if (input.items.length === 0 && input.start !== false) {
        context.addIssue({ code: 'custom', path: ['items'], message: 'at least 1 item to start a batch now; send "start": false to append items later' });
        return;
      }
      checkTemplate(input, context);
    }),
    z.meta({ id: 'BatchInput' }),
  );

export const AppendItemsSchema = z
  .strictObject({ items: itemList(1, 'at least 1 item') }, typed('a JSON object'))
  .check(z.meta({ id: 'BatchItemsInput', description: 'More items for a draft batch: its indices continue from its total; the batch holds at most 10,000.' }));

export const BatchPatchSchema = z
  .strictObject({ maxConcurrency: int(1, MAX_BATCH_CONCURRENCY, 10) }, typed('a JSON object'))
  .check(z.meta({ id: 'BatchPatch', description: 'A higher limit starts more items now; a lower one takes effect as running items end.' }));

/**
 * One 400 for a body: a body that is not an object says so; of the item problems only the first is kept (10,000 bad
 * items are one message, not 10,000), the count before any single item.
 */
function parseBody<T extends z.ZodMiniType>(schema: T, raw: unknown, example: string): z.output<T> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ValidationError('The request body must be a JSON object.', { hint: `Send e.g. ${example}.` });
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const itemIssues = result.error.issues.filter((issue) => issue.path[0] === 'items');
  const firstItemIssue = itemIssues.find((issue) => issue.path.length === 1) ?? itemIssues[0];
  const issues = result.error.issues.filter((issue) => issue.path[0] !== 'items' || issue === firstItemIssue);
  throw toValidationError({ issues });
}

export function parseBatchInput(raw: unknown): BatchInput {
  return parseBody(BatchInputSchema, raw, '{"name": "Accounts", "agentId": "summariser", "task": "Summarise {{item}}", "items": ["acme", "globex"]}');
}

export function parseAppendItems(raw: unknown): BatchItemInput[] {
  return parseBody(AppendItemsSchema, raw, '{"items": ["acme", "globex"]}').items;
}

export function parseBatchPatch(raw: unknown): { maxConcurrency: number } {
  return parseBody(BatchPatchSchema, raw, '{"maxConcurrency": 20}');
}

const queryInt = (low: number, high: number) => {
  const range = `must be a whole number from ${low} to ${high}`;
  return z.coerce.number({ error: range }).check(z.int(range), z.gte(low, range), z.lte(high, range));
};

/** GET /v1/batches (and …/schedules/batches, …/schedules/{id}/batches): newest first. */
export const BatchListQuery = z.strictObject({
  limit: z._default(queryInt(1, 100), 20),
  cursor: z.optional(z.string().check(maxChars(2048))).check(z.meta({ description: 'next_cursor of the previous page, with the same filters.' })),
  status: z.optional(z.enum(BATCH_STATUSES)),
  scheduleId: z
    .optional(z.string().check(z.regex(SCHEDULE_ID_PATTERN, 'must be a schedule id (sched_…)')))
    .check(z.meta({ description: 'Only batches a schedule made.' })),
});

export interface BatchListParams {
  limit: number;
  cursor?: string | undefined;
  status?: BatchStatus | undefined;
  scheduleId?: string | undefined;
}

/** The list query; on /v1/schedules/{id}/batches the path names the schedule (a different scheduleId is a 400). */
export function parseBatchListQuery(raw: unknown, pathScheduleId?: string): BatchListParams {
  const query = parseWith(BatchListQuery, raw);
  if (pathScheduleId === undefined) return query;
  if (query.scheduleId !== undefined && query.scheduleId !== pathScheduleId) {
    throw new ValidationError(`scheduleId: "${query.scheduleId}" is not the schedule the path names ("${pathScheduleId}").`, { field: 'scheduleId' });
  }
  return { ...query, scheduleId: pathScheduleId };
}

/** What a list cursor is bound to: who asked, and with which filters (a cursor used with others is a 400). */
export function batchListBinding(principal: TenantPrincipal, query: Pick<BatchListParams, 'scheduleId' | 'status'>): string {
  return JSON.stringify(['batches', principal.tenantId, query.scheduleId ?? null, query.status ?? null]);
}

const afterIndex = z
  .optional(queryInt(0, MAX_BATCH_ITEMS - 1))
  .check(z.meta({ description: 'Resume after this item index (next_after / X-Next-After of the previous page).' }));

/** GET /v1/batches/{id}/items: in index order. */
export const BatchItemsQuery = z.strictObject({ limit: z._default(queryInt(1, 100), 50), after: afterIndex, status: z.optional(z.enum(BATCH_ITEM_STATUSES)) });

export const parseBatchItemsQuery = (raw: unknown): { limit: number; after?: number | undefined; status?: BatchItemStatus | undefined } =>
  parseWith(BatchItemsQuery, raw);

/** GET /v1/batches/{id}/results: JSON Lines, at most 1,000 lines a response. */
export const RESULTS_PAGE_LIMIT = 1000;
export const BatchResultsQuery = z.strictObject({ limit: z._default(queryInt(1, RESULTS_PAGE_LIMIT), RESULTS_PAGE_LIMIT), after: afterIndex });

export const parseBatchResultsQuery = (raw: unknown): { limit: number; after?: number | undefined } => parseWith(BatchResultsQuery, raw);
