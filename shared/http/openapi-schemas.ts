// The OpenAPI document's own schemas (shared/http/openapi.ts): error bodies, envelopes and lists around the views.
import * as z from 'zod/mini';
import { AgentDefinition } from '../domain/agent.ts';
import { ScheduleFields } from '../domain/schedule.ts';
import { AgentView } from './agents.ts';
import { BackfillView } from './backfills.ts';
import { RunFields, RunView } from './runs.ts';
import { ScheduleView } from './schedules.ts';

/** One documented answer of an operation. */
export interface DocumentedResponse {
  status: number;
  schema?: z.ZodMiniType;
  description: string;
  /** Default application/json (GET …/results answers JSON Lines). */
  contentType?: string;
  /** Headers this answer carries besides x-request-id (and Idempotent-Replayed on idempotent operations). */
  headers?: Record<string, { description: string; schema: { type: 'string' | 'integer' } }>;
}

/** One route's operation in the document; the route table gives its method, path, operationId and auth. */
export interface Operation {
  summary: string;
  body?: z.ZodMiniType;
  query?: z.ZodMiniObject;
  success: DocumentedResponse;
  /** Other answers than the usual errors: alternative successes, 402, 409, 503. */
  also?: DocumentedResponse[];
  /** Honours an Idempotency-Key header: a retry answers what the first call did, with Idempotent-Replayed: true. */
  idempotent?: boolean;
}

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().check(z.meta({ example: 'invalid_request' })),
      message: z.string().check(z.meta({ example: 'cronExpression: "0 9 1 * 1" restricts both day-of-month and day-of-week…' })),
      details: z.optional(z.record(z.string(), z.unknown())),
    }),
  })
  .check(z.meta({ id: 'Error', description: 'Every refusal and failure the service itself answers: a machine-readable code, a message, details.' }));

export const GatewayError = z.strictObject({ message: z.string().check(z.meta({ example: 'Too Many Requests' })) }).check(
  z.meta({
    id: 'GatewayError',
    description:
      'What API Gateway answers by itself on AWS, before or instead of the service: {"message": "Unauthorized"} (401, no Authorization header), {"message": "Forbidden"} (403, the authorizer refused the key), {"message": "Too Many Requests"} (429, throttled), {"message": "Internal Server Error"} (500, the function failed). It carries the apigw-requestid header, not x-request-id.',
  }),
);

export const ScheduleInput = ScheduleFields.check(
  z.meta({
    id: 'ScheduleInput',
    description: 'Aliases accepted: prompt/message → task, cron_schedule/cadence → cronExpression, active → enabled, chat_id → agentId.',
  }),
);
export const ScheduleEnvelope = z.object({ schedule: ScheduleView }).check(z.meta({ id: 'ScheduleEnvelope' }));
export const ScheduleListBody = z
  .object({
    object: z.literal('list'),
    data: z.array(ScheduleView),
    has_more: z.boolean(),
    total_count: z.nullable(z.number().check(z.int())),
    stats: z.object({ total: z.number().check(z.int()), enabled: z.number().check(z.int()), disabled: z.number().check(z.int()) }),
    next_cursor: z.nullable(z.string()),
  })
  .check(z.meta({ id: 'ScheduleList' }));
export const ToolhouseEnvelope = z
  .object({ data: z.record(z.string(), z.unknown()).check(z.meta({ description: 'snake_case schedule with cadence and active' })), schedule: ScheduleView })
  .check(
    z.meta({
      id: 'ToolhouseScheduleEnvelope',
      description: 'The answer when the body used Toolhouse’s names (cadence, chat_id, active): its snake_case shape in data, the schedule as usual.',
    }),
  );
export const ScheduledAgent = z
  .catchall(
    z.object({
      id: z.string(),
      name: z.string(),
      cron_schedule: z.nullable(z.string()),
      enabled: z.boolean(),
      prompt: z.string(),
      last_spawn_error: z.nullable(z.string()),
      created_at: z.string(),
      updated_at: z.string(),
    }),
    z.unknown(),
  )
  .check(
    z.meta({
      id: 'ScheduledAgent',
      description: 'The scheduled-agents API shape: every schedule field in snake_case, plus cron_schedule, prompt and last_spawn_error.',
    }),
  );
export const ScheduledAgentList = z
  .catchall(z.object({ object: z.literal('list'), data: z.array(ScheduledAgent), has_more: z.boolean(), next_cursor: z.nullable(z.string()) }), z.unknown())
  .check(z.meta({ id: 'ScheduledAgentList' }));

export const AgentEnvelope = z.object({ agent: AgentView }).check(z.meta({ id: 'AgentEnvelope' }));
export const AgentList = z
  .object({ object: z.literal('list'), data: z.array(AgentView), has_more: z.boolean(), next_cursor: z.nullable(z.string()) })
  .check(z.meta({ id: 'AgentList' }));
const [firstPatch, ...otherPatches] = AgentDefinition.def.options.map((definition) => z.partial(definition));
export const AgentPatch = z.union([firstPatch!, ...otherPatches]).check(
  z.meta({
    id: 'AgentPatch',
    description: 'Any settings of the agent’s kind, merged into it (null clears description or metadata); kind changes only with PUT.',
  }),
);

const SecretView = z
  .object({
    object: z.literal('secret'),
    name: z.string(),
    reference: z.string().check(z.meta({ example: 'secret:openai-key' })),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .check(z.meta({ id: 'Secret' }));
export const SecretEnvelope = z.object({ secret: SecretView }).check(z.meta({ id: 'SecretEnvelope' }));
export const SecretList = z
  .object({ object: z.literal('list'), data: z.array(SecretView), has_more: z.boolean(), next_cursor: z.nullable(z.string()) })
  .check(z.meta({ id: 'SecretList' }));

export const RunEnvelope = z.object({ run: RunView }).check(z.meta({ id: 'RunEnvelope' }));
export const RunList = z
  .object({ object: z.literal('list'), data: z.array(RunView), has_more: z.boolean(), next_cursor: z.nullable(z.string()) })
  .check(z.meta({ id: 'RunList' }));
export const Triggered = z
  .object({ run: RunView, thread: z.object({ id: z.string(), status: z.string() }), message: z.string(), schedule: z.optional(ScheduleView) })
  .check(z.meta({ id: 'RunStarted' }));

/** A run's schedule block: also create this schedule (a ref to ScheduleInput; metadata here would inline it). */
const RunSchedule = z.optional(ScheduleInput);
const SCHEDULE_BLOCK = 'A schedule block also creates that schedule: task and agentId default to the run’s; type is an alias of scheduleType.';
const RunInput = z.extend(RunFields, { schedule: RunSchedule }).check(
  z.meta({
    id: 'RunInput',
    description: `Aliases accepted: prompt/message → task, agent_id → agentId, environment_id → environmentId. ${SCHEDULE_BLOCK}`,
  }),
);
const ThreadInput = z
  .extend(z.omit(RunFields, { task: true }), {
    messages: z
      .array(z.object({ role: z.string(), content: z.string() }))
      .check(z.meta({ description: 'Seed 001’s thread: the last message with role "user" (and text content) is the task.' })),
    schedule: RunSchedule,
  })
  .check(z.meta({ id: 'ThreadInput', description: SCHEDULE_BLOCK }));
/** POST /v1/runs' (and /v1/threads') body: a task, or a thread whose last user message is the task. */
export const RunRequestBody = z.union([RunInput, ThreadInput]);

export const BackfillEnvelope = z.object({ backfill: BackfillView }).check(z.meta({ id: 'BackfillEnvelope' }));

export const Health = z.object({ status: z.literal('ok'), storage: z.literal('ok') }).check(z.meta({ id: 'Health' }));
export const HealthDegraded = z
  .object({
    status: z.literal('degraded'),
    storage: z.literal('unavailable'),
    error: z.object({ code: z.literal('storage_unavailable'), message: z.string() }),
  })
  .check(z.meta({ id: 'HealthDegraded' }));

export const OpenApiJson = z.record(z.string(), z.unknown()).check(z.meta({ description: 'This OpenAPI 3.1 document.' }));
