// The batch routes in the OpenAPI document (shared/http/openapi.ts): their queries, bodies and answers.
import * as z from 'zod/mini';
import { AppendItemsSchema, BatchInputSchema, BatchItemsQuery, BatchListQuery, BatchPatchSchema, BatchResultsQuery } from './batches.ts';
import { BatchItemView, BatchResultLine, BatchView } from './batch-views.ts';
import type { Operation } from './openapi-schemas.ts';

const BatchEnvelope = z.object({ batch: BatchView }).check(z.meta({ id: 'BatchEnvelope' }));
const BatchList = z
  .object({ object: z.literal('list'), data: z.array(BatchView), has_more: z.boolean(), next_cursor: z.nullable(z.string()) })
  .check(z.meta({ id: 'BatchList' }));
const BatchItemList = z
  .object({
    object: z.literal('list'),
    data: z.array(BatchItemView),
    has_more: z.boolean(),
    next_after: z.nullable(z.number().check(z.int())).check(z.meta({ description: 'Pass as ?after= for the next page; null on the last one.' })),
  })
  .check(z.meta({ id: 'BatchItemList' }));

const BUDGET = { status: 402, description: 'The monthly run budget cannot take the items; nothing started' };
const ENDED = { status: 409, description: 'Not possible in the batch’s state (details.status says which), or it changed meanwhile: read it again' };

export const BATCH_OPERATIONS: Record<string, Operation> = {
  'create-batch': {
    summary:
      'Run one agent task over up to 10,000 items ({{item}} / {{item.field}} placeholders), every item checked first; bodies up to 5 MiB. An Idempotency-Key header answers a retry with the same batch',
    body: BatchInputSchema,
    success: {
      status: 202,
      schema: BatchEnvelope,
      description: 'Started: its first items are queued',
    },
    also: [
      { status: 201, schema: BatchEnvelope, description: 'A draft ("start": false): append items with POST …/items, then POST …/start' },
      BUDGET,
      { status: 409, description: 'The Idempotency-Key was already used with another body' },
    ],
    idempotent: true,
  },
  'list-batches': {
    summary:
      'List batches, newest first: all you may see (GET /v1/batches; Agent Manager’s GET /v1/schedules/batches is the same list), or those one schedule made (…/schedules/{id}/batches, or ?scheduleId=)',
    query: BatchListQuery,
    success: { status: 200, schema: BatchList, description: 'A page' },
  },
  'get-batch': {
    summary: 'A batch: counts, progress, rate, ETA, cost, compute and errors',
    success: { status: 200, schema: BatchEnvelope, description: 'The batch' },
  },
  'list-batch-items': {
    summary: 'A batch’s items in index order, each with its latest run; filter by status, page with ?after=',
    query: BatchItemsQuery,
    success: { status: 200, schema: BatchItemList, description: 'A page' },
  },
  'get-batch-results': {
    summary:
      'The finished items as JSON Lines, in index order: at most `limit` lines (default and most 1,000, fewer when outputs are large); when more remain, Link: <…?after=N>; rel="next" and X-Next-After: N',
    query: BatchResultsQuery,
    success: {
      status: 200,
      schema: BatchResultLine,
      contentType: 'application/x-ndjson',
      description: 'One JSON object per line, one line per finished item',
      headers: {
        Link: { description: 'When more lines remain: <…/results?after=N>; rel="next"', schema: { type: 'string' } },
        'X-Next-After': { description: 'When more lines remain: the ?after= of the next page', schema: { type: 'integer' } },
      },
    },
  },
  'append-batch-items': {
    summary: 'Append items to a draft batch (bodies up to 5 MiB), checked against its task; the batch holds at most 10,000',
    body: AppendItemsSchema,
    success: { status: 200, schema: BatchEnvelope, description: 'Appended: the batch with its new total' },
    also: [{ status: 409, description: 'The batch is not a draft any more (details.status)' }],
  },
  'start-batch': {
    summary: 'Start a draft batch: its budget is checked, its cost estimated and its first items queued',
    success: { status: 202, schema: BatchEnvelope, description: 'Started' },
    also: [BUDGET, ENDED],
  },
  'cancel-batch': {
    summary: 'Cancel a batch: no more items start, pending ones end cancelled, running ones finish on their own',
    success: { status: 200, schema: BatchEnvelope, description: 'Cancelled' },
    also: [ENDED],
  },
  'retry-batch': {
    summary: 'Run the failed and timed-out items of an ended batch again, as a new round (each a new attempt, a new run)',
    success: { status: 202, schema: BatchEnvelope, description: 'The new round started' },
    also: [BUDGET, ENDED],
  },
  'update-batch': {
    summary: 'Change maxConcurrency while the batch runs (a higher limit starts more items now)',
    body: BatchPatchSchema,
    success: { status: 200, schema: BatchEnvelope, description: 'Changed' },
    also: [ENDED],
  },
};
