// What each function's routes take and answer in the OpenAPI document (shared/http/openapi.ts), by function name.
import * as z from 'zod/mini';
import { AgentDefinition } from '../domain/agent.ts';
import { AgentListQuery } from './agents.ts';
import { CreateApiKeyInput, IssuedApiKey } from './api-keys.ts';
import { BackfillInput } from './backfills.ts';
import { BATCH_OPERATIONS } from './batch-openapi.ts';
import { CallbackInput } from './callbacks.ts';
import { NotificationDeliveryList, NotificationListQuery, NotificationSettingsInput, NotificationSettingsView } from './notifications.ts';
import {
  AgentEnvelope,
  AgentList,
  AgentPatch,
  BackfillEnvelope,
  Health,
  HealthDegraded,
  OpenApiJson,
  type Operation,
  RunEnvelope,
  RunList,
  RunRequestBody,
  ScheduleEnvelope,
  ScheduleInput,
  ScheduleListBody,
  SecretEnvelope,
  SecretList,
  ToolhouseEnvelope,
  Triggered,
} from './openapi-schemas.ts';
import { PreviewInput, PreviewView, TextToCronQuery, TextToCronView } from './preview.ts';
import { RunListQuery } from './runs.ts';
import { ScheduleListQuery } from './schedules.ts';
import { PutSecretInput, SecretListQuery } from './secrets.ts';

const CONFLICT = { status: 409, description: 'Conflict: a reused Idempotency-Key with another body, a taken id, or a schedule that kept changing' };
const SCHEDULER_DOWN = { status: 503, description: 'EventBridge Scheduler failed; the change was undone, retry' };
const BUDGET = { status: 402, description: 'The monthly run budget is used up' };
const TOOLHOUSE = 'answered in Toolhouse’s shape because the body used its names (cadence, chat_id, active)';

export const OPERATIONS: Record<string, Operation> = {
  'get-health': {
    summary: 'Liveness, and whether storage answers',
    success: { status: 200, schema: Health, description: 'Up' },
    also: [{ status: 503, schema: HealthDegraded, description: 'Up, but DynamoDB does not answer' }],
  },
  'get-openapi': { summary: 'This document', success: { status: 200, schema: OpenApiJson, description: 'OpenAPI 3.1' } },
  'get-console': {
    summary: 'The web console (index.html at /console, hashed files under /console/assets/)',
    success: { status: 200, schema: z.string(), contentType: 'text/html', description: 'The page or file (text/javascript and text/css for assets)' },
    also: [{ status: 404, description: 'No such file, or the console is not built into this deployment' }],
  },
  'create-schedule': {
    summary: 'Create a schedule (Idempotency-Key header makes retries safe)',
    body: ScheduleInput,
    success: { status: 201, schema: ScheduleEnvelope, description: 'Created (or, for a repeated Idempotency-Key, the schedule it created)' },
    also: [{ status: 200, schema: ToolhouseEnvelope, description: `Created, ${TOOLHOUSE}` }, CONFLICT, SCHEDULER_DOWN],
    idempotent: true,
  },
  'list-schedules': {
    summary: 'List schedules, sorted by name',
    query: ScheduleListQuery,
    success: { status: 200, schema: ScheduleListBody, description: 'A page' },
  },
  'text-to-cron': {
    summary: 'Plain English to cron',
    query: TextToCronQuery,
    success: { status: 200, schema: TextToCronView, description: 'The cron expression, its description and next runs' },
  },
  'preview-schedule': {
    summary: 'Preview a cron, a rate or a one-time instant',
    body: PreviewInput,
    success: { status: 200, schema: PreviewView, description: 'The preview' },
  },
  'get-schedule': { summary: 'Get a schedule', success: { status: 200, schema: ScheduleEnvelope, description: 'The schedule' } },
  'update-schedule': {
    summary: 'Change a schedule (PATCH and PUT merge the given fields)',
    body: ScheduleInput,
    success: { status: 200, schema: z.union([ScheduleEnvelope, ToolhouseEnvelope]), description: `Changed (ToolhouseScheduleEnvelope when ${TOOLHOUSE})` },
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
    idempotent: true,
  },
  'list-runs': {
    summary: 'A schedule’s runs, newest first',
    query: RunListQuery,
    success: { status: 200, schema: RunList, description: 'A page' },
  },
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
    body: RunRequestBody,
    success: { status: 202, schema: Triggered, description: 'Queued (or, for a repeated Idempotency-Key, the run it queued)' },
    also: [BUDGET, CONFLICT, { status: 503, description: 'EventBridge Scheduler (for a schedule block) or the runner could not be reached' }],
    idempotent: true,
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
  'list-agents': { summary: 'List agents, by id', query: AgentListQuery, success: { status: 200, schema: AgentList, description: 'A page' } },
  'get-agent': { summary: 'Get an agent', success: { status: 200, schema: AgentEnvelope, description: 'The agent' } },
  'update-agent': {
    summary: 'Change an agent (merge)',
    body: AgentPatch,
    success: { status: 200, schema: AgentEnvelope, description: 'Changed' },
    also: [CONFLICT],
  },
  'replace-agent': {
    summary: 'Replace an agent',
    body: AgentDefinition,
    success: { status: 200, schema: AgentEnvelope, description: 'Replaced' },
    also: [CONFLICT],
  },
  'delete-agent': { summary: 'Delete an agent', success: { status: 204, description: 'Deleted' } },
  'create-api-key': {
    summary: 'Issue an API key (admin key only); the key is shown once',
    body: CreateApiKeyInput,
    success: { status: 201, schema: IssuedApiKey, description: 'Issued: apiKey is shown this once' },
  },
  'put-secret': {
    summary: 'Store an agent secret (write-only; agents reference it as secret:NAME)',
    body: PutSecretInput,
    success: { status: 201, schema: SecretEnvelope, description: 'Stored' },
    also: [{ status: 200, schema: SecretEnvelope, description: 'Replaced' }],
  },
  'list-secrets': {
    summary: 'List the names of your agent secrets (never their values)',
    query: SecretListQuery,
    success: { status: 200, schema: SecretList, description: 'A page' },
  },
  'delete-secret': { summary: 'Delete an agent secret', success: { status: 204, description: 'Deleted' } },
  'delete-api-key': { summary: 'Revoke an API key (admin key only)', success: { status: 204, description: 'Revoked' } },
  ...BATCH_OPERATIONS,
};
