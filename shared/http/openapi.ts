// The OpenAPI 3.1 document: request and response schemas from the domain's zod schemas, paths from the route table.
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { ZodObject } from 'zod';
import * as z from 'zod/mini';
import { AgentDefinition } from '../domain/agent.ts';
import { AgentView } from './agents.ts';
import { BackfillInput, BackfillView } from './backfills.ts';
import { CallbackInput } from './callbacks.ts';
import { NotificationDeliveryList, NotificationListQuery, NotificationSettingsInput, NotificationSettingsView } from './notifications.ts';
import { CreateApiKeyInput } from './api-keys.ts';
import { PreviewInput } from './preview.ts';
import { PutSecretInput } from './secrets.ts';
import { RunView } from './runs.ts';
import { ScheduleListQuery, ScheduleView } from './schedules.ts';
import { ScheduleFields } from '../domain/schedule.ts';
import { ROUTES, type Route } from '../routes.ts';
import { BATCH_OPERATIONS } from './batch-openapi.ts';
import { classicTwin } from './openapi-classic.ts';

const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().check(z.meta({ example: 'invalid_request' })),
      message: z.string().check(z.meta({ example: 'cronExpression: "0 9 1 * 1" restricts both day-of-month and day-of-week…' })),
      details: z.optional(z.record(z.string(), z.unknown())),
    }),
  })
  .check(z.meta({ id: 'Error' }));

const ScheduleInput = ScheduleFields.check(
  z.meta({
    id: 'ScheduleInput',
    description: 'Aliases accepted: prompt/message → task, cron_schedule/cadence → cronExpression, active → enabled, chat_id → agentId.',
  }),
);
const ScheduleEnvelope = z.object({ schedule: ScheduleView }).check(z.meta({ id: 'ScheduleEnvelope' }));
const ScheduleListBody = z
  .object({
    object: z.literal('list'),
    data: z.array(ScheduleView),
    has_more: z.boolean(),
    total_count: z.nullable(z.number().check(z.int())),
    stats: z.object({ total: z.number().check(z.int()), enabled: z.number().check(z.int()), disabled: z.number().check(z.int()) }),
    next_cursor: z.nullable(z.string()),
  })
  .check(z.meta({ id: 'ScheduleList' }));
const AgentEnvelope = z.object({ agent: AgentView }).check(z.meta({ id: 'AgentEnvelope' }));
const ScheduledAgent = z
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
const ScheduledAgentList = z
  .catchall(z.object({ object: z.literal('list'), data: z.array(ScheduledAgent), has_more: z.boolean(), next_cursor: z.nullable(z.string()) }), z.unknown())
  .check(z.meta({ id: 'ScheduledAgentList' }));
const ToolhouseEnvelope = z
  .object({ data: z.record(z.string(), z.unknown()).check(z.meta({ description: 'snake_case schedule with cadence and active' })), schedule: ScheduleView })
  .check(z.meta({ id: 'ToolhouseScheduleEnvelope' }));
const SecretView = z
  .object({
    object: z.literal('secret'),
    name: z.string(),
    reference: z.string().check(z.meta({ example: 'secret:openai-key' })),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .check(z.meta({ id: 'Secret' }));
const SecretEnvelope = z.object({ secret: SecretView }).check(z.meta({ id: 'SecretEnvelope' }));
const SecretList = z
  .object({ object: z.literal('list'), data: z.array(SecretView), has_more: z.boolean(), next_cursor: z.nullable(z.string()) })
  .check(z.meta({ id: 'SecretList' }));
const RunEnvelope = z.object({ run: RunView }).check(z.meta({ id: 'RunEnvelope' }));
const RunList = z
  .object({ object: z.literal('list'), data: z.array(RunView), has_more: z.boolean(), next_cursor: z.nullable(z.string()) })
  .check(z.meta({ id: 'RunList' }));
const Triggered = z
  .object({ run: RunView, thread: z.object({ id: z.string(), status: z.string() }), message: z.string(), schedule: z.optional(ScheduleView) })
  .check(z.meta({ id: 'RunStarted' }));
const BackfillEnvelope = z.object({ backfill: BackfillView }).check(z.meta({ id: 'BackfillEnvelope' }));
const Preview = z
  .object({
    scheduleType: z.enum(['recurring', 'one-time']),
    cronExpression: z.optional(z.string()),
    scheduledTime: z.optional(z.string()),
    timezone: z.string(),
    schedulerExpression: z.string(),
    schedulerTimezone: z.string(),
    description: z.string(),
    nextRuns: z.array(z.string()),
  })
  .check(z.meta({ id: 'Preview' }));

interface Response {
  status: number;
  schema?: z.ZodMiniType;
  description: string;
  /** Default application/json (GET …/results answers JSON Lines). */
  contentType?: string;
}

interface Operation {
  summary: string;
  body?: z.ZodMiniType;
  query?: z.ZodMiniObject;
  success: Response;
  /** Other answers than the usual errors: alternative successes, 402, 409, 503. */
  also?: Response[];
}

const CONFLICT = { status: 409, description: 'Conflict: a reused Idempotency-Key with another body, a taken id, or a schedule that kept changing' };
const SCHEDULER_DOWN = { status: 503, description: 'EventBridge Scheduler failed; the change was undone, retry' };
const BUDGET = { status: 402, description: 'The monthly run budget is used up' };

const OPERATIONS: Record<string, Operation> = {
  'get-health': {
    summary: 'Liveness, and whether storage answers',
    success: { status: 200, schema: z.object({ status: z.literal('ok'), storage: z.literal('ok') }), description: 'Up' },
    also: [{ status: 503, description: 'Up, but DynamoDB does not answer: {status: "degraded", storage: "unavailable", error}' }],
  },
  'get-openapi': { summary: 'This document', success: { status: 200, description: 'OpenAPI 3.1' } },
  'create-schedule': {
    summary: 'Create a schedule (Idempotency-Key header makes retries safe)',
    body: ScheduleInput,
    success: { status: 201, schema: ScheduleEnvelope, description: 'Created' },
    also: [
      {
        status: 200,
        schema: ToolhouseEnvelope,
        description: 'Created, answered in Toolhouse’s shape because the body used its names (cadence, chat_id, active)',
      },
      CONFLICT,
      SCHEDULER_DOWN,
    ],
  },
  'list-schedules': {
    summary: 'List schedules, sorted by name',
    query: ScheduleListQuery,
    success: { status: 200, schema: ScheduleListBody, description: 'A page' },
  },
  'text-to-cron': {
    summary: 'Plain English to cron',
    query: z.object({ cron: z.string().check(z.meta({ example: 'sundays at 5pm UTC' })), timezone: z.optional(z.string()) }),
    success: { status: 200, description: '{data, cronExpression, timezone, description, nextRuns}' },
  },
  'preview-schedule': {
    summary: 'Preview a cron or one-time instant',
    body: PreviewInput,
    success: { status: 200, schema: Preview, description: 'The preview' },
  },
  'get-schedule': { summary: 'Get a schedule', success: { status: 200, schema: ScheduleEnvelope, description: 'The schedule' } },
  'update-schedule': {
    summary: 'Change a schedule (PATCH and PUT merge the given fields)',
    body: ScheduleInput,
    success: { status: 200, schema: ScheduleEnvelope, description: 'Changed' },
    also: [CONFLICT, SCHEDULER_DOWN],
  },
  'delete-schedule': {
    summary: 'Delete a schedule and its EventBridge schedule',
    success: { status: 204, description: 'Deleted' },
    also: [CONFLICT, SCHEDULER_DOWN],
  },
  'enable-schedule': {
    summary: 'Enable (resume) a schedule',
    success: { status: 200, schema: ScheduleEnvelope, description: 'Enabled' },
    also: [CONFLICT, SCHEDULER_DOWN],
  },
  'disable-schedule': {
    summary: 'Disable (pause) a schedule',
    success: { status: 200, schema: ScheduleEnvelope, description: 'Disabled' },
    also: [CONFLICT, SCHEDULER_DOWN],
  },
  'trigger-schedule': {
    summary: 'Run a schedule now (same runner as scheduled runs; an Idempotency-Key header answers a retry with the same run)',
    success: {
      status: 202,
      schema: Triggered,
      description: 'Queued (or, for a repeated Idempotency-Key, the run it queued: header Idempotent-Replayed: true)',
    },
    also: [BUDGET, CONFLICT, { status: 503, description: 'The runner could not be started; the run is recorded as failed' }],
  },
  'list-runs': { summary: 'A schedule’s runs, newest first', success: { status: 200, schema: RunList, description: 'A page' } },
  'get-schedule-run': { summary: 'One run of a schedule, with its output', success: { status: 200, schema: RunEnvelope, description: 'The run' } },
  'backfill-schedule': {
    summary: "Run the schedule's past occurrences in [from, to), one at a time; an occurrence that already ran is not run again",
    body: BackfillInput,
    success: { status: 202, schema: BackfillEnvelope, description: 'Started: its progress (its first run is queued), or done when every occurrence had run' },
    also: [BUDGET],
  },
  'get-backfill': { summary: 'A backfill’s progress', success: { status: 200, schema: BackfillEnvelope, description: 'The backfill' } },
  'list-notifications': {
    summary: 'A schedule’s recent webhook deliveries, newest first: status, attempts, last response code and error',
    query: NotificationListQuery,
    success: { status: 200, schema: NotificationDeliveryList, description: 'The deliveries' },
  },
  'get-notification-settings': {
    summary: 'The tenant default: webhooks of every schedule whose notify is null',
    success: { status: 200, schema: NotificationSettingsView, description: 'The tenant default' },
  },
  'put-notification-settings': {
    summary: 'Replace the tenant default webhooks',
    body: NotificationSettingsInput,
    success: { status: 200, schema: NotificationSettingsView, description: 'Replaced' },
  },
  'create-run': {
    summary:
      'Run an agent once now; a schedule block also creates that schedule (also POST /v1/threads with messages). An Idempotency-Key header answers a retry with the same run',
    body: z.record(z.string(), z.unknown()),
    success: { status: 202, schema: Triggered, description: 'Queued' },
    also: [BUDGET, CONFLICT],
  },
  'get-run': { summary: 'A one-off run started with POST /v1/runs', success: { status: 200, schema: RunEnvelope, description: 'The run' } },
  'cancel-run': {
    summary: 'Cancel a queued or running run: it ends "cancelled" (a running agent call is aborted within seconds)',
    success: { status: 200, schema: RunEnvelope, description: 'Cancelled' },
    also: [{ status: 409, description: 'The run has already ended: code run_finished, details.status says how' }],
  },
  'complete-run-callback': {
    summary:
      'A long-running agent (it answered 202 Accepted) ends its run: the callbackUrl it was given, with "Authorization: Bearer <callbackToken>" (no API key)',
    body: CallbackInput,
    success: { status: 200, schema: RunEnvelope, description: 'Recorded: the run as it ended' },
    also: [
      { status: 401, description: 'Missing or wrong callback token (whether or not the run exists)' },
      { status: 409, description: 'The run has already ended (run_finished, details.status), or its deadline passed (deadline_passed: it ended timed_out)' },
    ],
  },
  'create-agent': {
    summary: 'Define an agent',
    body: AgentDefinition,
    success: { status: 201, schema: AgentEnvelope, description: 'Created' },
    also: [CONFLICT],
  },
  'list-agents': { summary: 'List agents', success: { status: 200, description: 'A page' } },
  'get-agent': { summary: 'Get an agent', success: { status: 200, schema: AgentEnvelope, description: 'The agent' } },
  'update-agent': {
    summary: 'Change an agent (merge)',
    body: z.record(z.string(), z.unknown()),
    success: { status: 200, schema: AgentEnvelope, description: 'Changed' },
  },
  'replace-agent': { summary: 'Replace an agent', body: AgentDefinition, success: { status: 200, schema: AgentEnvelope, description: 'Replaced' } },
  'delete-agent': { summary: 'Delete an agent', success: { status: 204, description: 'Deleted' } },
  'create-api-key': {
    summary: 'Issue an API key (admin key only); the key is shown once',
    body: CreateApiKeyInput,
    success: { status: 201, description: '{apiKey, keyId, tenantId, userId, teamId, name, createdAt}' },
  },
  'put-secret': {
    summary: 'Store an agent secret (write-only; agents reference it as secret:NAME)',
    body: PutSecretInput,
    success: { status: 201, schema: SecretEnvelope, description: 'Stored' },
    also: [{ status: 200, schema: SecretEnvelope, description: 'Replaced' }],
  },
  'list-secrets': { summary: 'List the names of your agent secrets (never their values)', success: { status: 200, schema: SecretList, description: 'A page' } },
  'delete-secret': { summary: 'Delete an agent secret', success: { status: 204, description: 'Deleted' } },
  'delete-api-key': { summary: 'Revoke an API key (admin key only)', success: { status: 204, description: 'Revoked' } },
  ...BATCH_OPERATIONS,
};

/** The /agent/schedules routes answer in the scheduled-agents API's snake_case shapes. */
function inDialect(route: Route, operation: Operation): Operation {
  if (!route.path.startsWith('/agent/')) return operation;
  if (route.function === 'delete-schedule')
    return { ...operation, success: { status: 200, schema: z.object({ success: z.literal(true) }), description: 'Deleted' } };
  if (route.function === 'list-schedules') return { ...operation, success: { ...operation.success, schema: ScheduledAgentList } };
  return {
    ...operation,
    success: { ...operation.success, schema: ScheduledAgent },
    also: (operation.also ?? []).filter((response) => response.status !== 200),
  };
}

function register(registry: OpenAPIRegistry, route: Route): void {
  const known = OPERATIONS[route.function];
  if (!known) throw new Error(`No OpenAPI operation for function ${route.function}`);
  const operation = inDialect(route, known);
  const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  const errors = Object.fromEntries(
    [
      [400, 'Bad input: which field and why'],
      ...(route.auth === 'none'
        ? []
        : [
            [401, 'Missing or unknown API key'],
            [403, 'Wrong kind of key'],
          ]),
      ...(params.length ? [[404, 'Not found (also for another tenant’s ids)']] : []),
      [413, route.bodyLimitBytes ? `Body over ${route.bodyLimitBytes / (1024 * 1024)} MiB` : 'Body over 256 KiB'],
      [500, 'Our fault; the message carries a request id'],
    ].map(([status, description]) => [
      String(status),
      { description: String(description), content: { 'application/json': { schema: classicTwin(ErrorBody) } } },
    ]),
  );
  registry.registerPath({
    method: route.method.toLowerCase() as 'get',
    path: route.path,
    operationId: `${route.method.toLowerCase()}${route.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)/g, (_m, c: string) => c.toUpperCase())}`,
    summary: operation.summary,
    ...(route.auth === 'none' ? { security: [] } : {}),
    request: {
      ...(params.length ? { params: classicTwin(z.object(Object.fromEntries(params.map((name) => [name, z.string()])))) as ZodObject } : {}),
      ...(operation.query ? { query: classicTwin(operation.query) as ZodObject } : {}),
      ...(operation.body ? { body: { content: { 'application/json': { schema: classicTwin(operation.body) } } } } : {}),
    },
    responses: {
      ...errors,
      ...Object.fromEntries(
        [operation.success, ...(operation.also ?? [])].map((response) => [
          String(response.status),
          {
            description: response.description,
            ...(response.schema || response.status >= 400
              ? { content: { [response.contentType ?? 'application/json']: { schema: classicTwin(response.schema ?? ErrorBody) } } }
              : {}),
          },
        ]),
      ),
    },
  });
}

let document: ReturnType<OpenApiGeneratorV31['generateDocument']> | undefined;

export function openApiDocument() {
  if (document) return document;
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer', description: 'An API key from POST /v1/admin/api-keys' });
  for (const route of ROUTES) register(registry, route);
  document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'agent-schedules', version: '1.0.0', description: 'Run AI agents on a schedule, in your own AWS account.' },
    security: [{ apiKey: [] }],
  });
  return document;
}
