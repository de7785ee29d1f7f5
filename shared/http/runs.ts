// What clients see of a run: the Run view (also the OpenAPI component) and its presenter.
import * as z from 'zod/mini';
import { ValidationError } from '../domain/errors.ts';
import { maxChars, minChars } from '../domain/length-checks.ts';
import { storableMetadata } from '../domain/metadata.ts';
import type { RunRequest } from '../use-cases/create-run.ts';
import { normalizeAliases, parseScheduleInput } from './schedules.ts';
import { RUN_STATUSES, type Run } from '../domain/run.ts';
import type { RunListParams } from '../use-cases/list-runs.ts';
import { parseWith } from './validation.ts';

const nullableString = z.nullable(z.string());
const errorView = z.nullable(z.object({ message: z.string(), kind: z.string() }));

export const RunView = z
  .object({
    id: z.string(),
    object: z.literal('run'),
    scheduleId: nullableString,
    trigger: z.enum(['schedule', 'manual', 'api', 'backfill', 'catch_up', 'batch']),
    status: z.enum(RUN_STATUSES),
    reason: nullableString.check(
      z.meta({
        description: 'Why a run was skipped: disabled, ended, not_started, overlap, budget, deleted, missed (the service found no run long after its time).',
      }),
    ),
    scheduledTime: nullableString,
    queuedAt: nullableString,
    startedAt: nullableString,
    finishedAt: nullableString,
    durationMs: z.nullable(z.number()),
    output: nullableString.check(z.meta({ description: 'The agent output, at most 64 KiB.' })),
    truncated: z.boolean(),
    error: errorView,
    usage: z.nullable(z.object({ inputTokens: z.optional(z.number()), outputTokens: z.optional(z.number()), totalTokens: z.optional(z.number()) })),
    agentId: nullableString,
    attempt: z.number().check(z.int()),
    backfillId: nullableString.check(z.meta({ description: 'The backfill that ran it (trigger "backfill"); null otherwise.' })),
    batchId: nullableString.check(z.meta({ description: 'The batch it is an item of (trigger "batch"); null otherwise.' })),
    itemIndex: z.nullable(z.number().check(z.int())).check(z.meta({ description: "Its item's index in that batch; null otherwise." })),
    attempts: z
      .array(z.object({ startedAt: z.string(), finishedAt: nullableString, error: errorView }))
      .check(z.meta({ description: "Each call of the agent: more than one when the schedule's retry policy retried a retryable failure." })),
    acceptedAt: nullableString.check(
      z.meta({ description: 'When the agent answered 202 Accepted; the run then ends through its callback (or at its deadline).' }),
    ),
    cancelledAt: nullableString.check(z.meta({ description: 'When POST …/cancel stopped it.' })),
  })
  .check(z.meta({ id: 'Run' }));

export type RunViewShape = z.infer<typeof RunView>;

export function presentRun(run: Run): RunViewShape {
  return {
    id: run.id,
    object: 'run',
    scheduleId: run.scheduleId,
    trigger: run.trigger,
    status: run.status,
    reason: run.reason,
    scheduledTime: run.scheduledTime,
    queuedAt: run.queuedAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    durationMs: run.durationMs,
    output: run.output,
    truncated: run.truncated,
    error: run.error,
    usage: run.usage,
    agentId: run.agentId,
    attempt: run.attempt,
    backfillId: run.backfillId ?? null,
    batchId: run.batchId ?? null,
    itemIndex: run.itemIndex ?? null,
    attempts: run.attempts ?? [],
    acceptedAt: run.acceptedAt ?? null,
    cancelledAt: run.cancelledAt ?? null,
  };
}

/** GET /v1/schedules/{id}/runs' query string. */
export const RunListQuery = z.strictObject({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20),
  cursor: z.optional(z.string().check(maxChars(512))),
  status: z.optional(z.enum(RUN_STATUSES)),
});

export const parseRunListQuery = (raw: unknown): RunListParams => parseWith(RunListQuery, raw);

/** POST /v1/runs' body (and seed 001's POST /v1/threads), after aliases; the document's RunInput extends it. */
export const RunFields = z.strictObject({
  task: z.string().check(
    minChars(1, 'task is required: what the agent should do'),
    z.refine((value) => Buffer.byteLength(value) <= 32 * 1024, 'task must be at most 32 KiB'),
    z.meta({ description: 'What the agent is asked to do (≤ 32 KiB). Aliases: prompt, message.' }),
  ),
  agentId: z
    .optional(z.nullable(z.string().check(maxChars(64))))
    .check(z.meta({ description: 'The agent to run (GET /v1/agents); omitted: the deployment default.' })),
  environmentId: z.optional(z.nullable(z.string().check(maxChars(128)))),
  metadata: z.optional(z.nullable(storableMetadata())),
  schedule: z.optional(z.record(z.string(), z.unknown())),
});

/** Seed 001's thread shape: the last user message is the task; `schedule.type` is the scheduleType. */
function fromThreadShape(raw: Record<string, unknown>): Record<string, unknown> {
  const { messages, ...rest } = raw;
  if (!Array.isArray(messages)) return raw;
  const last = [...messages].reverse().find((message) => message && typeof message === 'object' && (message as { role?: unknown }).role === 'user') as
    | { content?: unknown }
    | undefined;
  if (!last || typeof last.content !== 'string') throw new ValidationError('messages needs a user message with text content.', { field: 'messages' });
  return { ...rest, task: last.content };
}

/** The run request, and its `schedule` block as a schedule that inherits the run's task and agent unless it names its own. */
export function parseRunRequest(raw: unknown): RunRequest {
  const { body } = normalizeAliases(raw);
  const input = parseWith(RunFields, fromThreadShape(body));
  if (!input.schedule) return { ...input, schedule: undefined };
  const { type, ...scheduleFields } = input.schedule;
  const schedule = parseScheduleInput({
    task: input.task,
    ...(input.agentId ? { agentId: input.agentId } : {}),
    ...(type !== undefined ? { scheduleType: type } : {}),
    ...scheduleFields,
  }).input;
  return { ...input, schedule };
}
