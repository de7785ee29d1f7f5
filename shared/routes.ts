// The one route table: method, path, the function that serves it, who may call it and what it may touch.
// The CDK stack builds one Lambda per function and its IAM policy from this; the local server routes by it.
import { BATCH_BODY_LIMIT_BYTES } from './domain/batch.ts';

export type TableAccess = 'none' | 'read' | 'write';

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** API Gateway path syntax: literal segments and {param}. */
  path: string;
  /** The OpenAPI operationId: the name an SDK user calls it by (createSchedule, listScheduleRuns); unique per route. */
  operation: string;
  /** Folder under functions/ holding handler.ts. */
  function: string;
  auth: 'tenant' | 'admin' | 'none';
  table: TableAccess;
  /** May create, update or delete EventBridge Scheduler schedules in the deployment's group. */
  scheduler?: boolean;
  /** May invoke the runner function. */
  invokeRunner?: boolean;
  /** May create, write and delete tenants' agent secrets in Secrets Manager (under the deployment's agent prefix). */
  secrets?: boolean;
  /** Pages with signed cursors: reads the deployment's cursor key. */
  cursorKey?: boolean;
  /** Reads the deployment's signing secret (agent callbacks: their per-run tokens derive from it). */
  signingSecret?: boolean;
  /** Ends runs, so queues their notifications (sqs:SendMessage on the notification queue, nothing else). */
  notify?: boolean;
  /** Starts batch items: sends their runs to the batch queue (sqs:SendMessage on it, nothing else). */
  batchQueue?: boolean;
  /** The largest request body the route takes, in bytes (default 256 KiB; batch items up to 5 MiB). */
  bodyLimitBytes?: number;
}

const read = { auth: 'tenant', table: 'read' } as const;
const mutate = { auth: 'tenant', table: 'write', scheduler: true } as const;
const list = { ...read, cursorKey: true } as const;
const agentWrite = { auth: 'tenant', table: 'write' } as const;

const NATIVE_ROUTES: readonly Route[] = [
  { method: 'GET', path: '/health', operation: 'getHealth', function: 'get-health', auth: 'none', table: 'read' },
  { method: 'GET', path: '/openapi.json', operation: 'getOpenApi', function: 'get-openapi', auth: 'none', table: 'none' },
  { method: 'GET', path: '/console', operation: 'getConsole', function: 'get-console', auth: 'none', table: 'none' },
  { method: 'GET', path: '/console/assets/{file}', operation: 'getConsoleAsset', function: 'get-console', auth: 'none', table: 'none' },

  { method: 'POST', path: '/v1/schedules', operation: 'createSchedule', function: 'create-schedule', ...mutate },
  { method: 'GET', path: '/v1/schedules', operation: 'listSchedules', function: 'list-schedules', ...list },
  { method: 'GET', path: '/v1/schedules/text-to-cron', operation: 'textToCron', function: 'text-to-cron', auth: 'tenant', table: 'none' },
  { method: 'POST', path: '/v1/schedules/preview', operation: 'previewSchedule', function: 'preview-schedule', auth: 'tenant', table: 'none' },
  { method: 'GET', path: '/v1/schedules/{id}', operation: 'getSchedule', function: 'get-schedule', ...read },
  { method: 'PATCH', path: '/v1/schedules/{id}', operation: 'updateSchedule', function: 'update-schedule', ...mutate },
  { method: 'PUT', path: '/v1/schedules/{id}', operation: 'putSchedule', function: 'update-schedule', ...mutate },
  { method: 'DELETE', path: '/v1/schedules/{id}', operation: 'deleteSchedule', function: 'delete-schedule', ...mutate },
  { method: 'PATCH', path: '/v1/schedules/{id}/enable', operation: 'enableSchedule', function: 'enable-schedule', ...mutate, invokeRunner: true },
  { method: 'PATCH', path: '/v1/schedules/{id}/disable', operation: 'disableSchedule', function: 'disable-schedule', ...mutate },
  { method: 'POST', path: '/v1/schedules/{id}/resume', operation: 'resumeSchedule', function: 'enable-schedule', ...mutate, invokeRunner: true },
  { method: 'POST', path: '/v1/schedules/{id}/pause', operation: 'pauseSchedule', function: 'disable-schedule', ...mutate },
  {
    method: 'POST',
    path: '/v1/schedules/{id}/trigger',
    operation: 'triggerSchedule',
    function: 'trigger-schedule',
    auth: 'tenant',
    table: 'write',
    invokeRunner: true,
  },
  { method: 'GET', path: '/v1/schedules/{id}/runs', operation: 'listScheduleRuns', function: 'list-runs', ...list },
  { method: 'GET', path: '/v1/schedules/{id}/runs/{runId}', operation: 'getScheduleRun', function: 'get-schedule-run', ...read },
  // Cancelling a schedule's batch run stops its batch, which may end it (batch.finished).
  {
    method: 'POST',
    path: '/v1/schedules/{id}/runs/{runId}/cancel',
    operation: 'cancelScheduleRun',
    function: 'cancel-run',
    auth: 'tenant',
    table: 'write',
    notify: true,
  },
  {
    method: 'POST',
    path: '/v1/schedules/{id}/backfill',
    operation: 'backfillSchedule',
    function: 'backfill-schedule',
    auth: 'tenant',
    table: 'write',
    invokeRunner: true,
  },
  { method: 'GET', path: '/v1/schedules/{id}/backfills/{backfillId}', operation: 'getBackfill', function: 'get-backfill', ...read },
  { method: 'GET', path: '/v1/schedules/{id}/notifications', operation: 'listScheduleNotifications', function: 'list-notifications', ...read },
  { method: 'GET', path: '/v1/notification-settings', operation: 'getNotificationSettings', function: 'get-notification-settings', ...read },
  {
    method: 'PUT',
    path: '/v1/notification-settings',
    operation: 'putNotificationSettings',
    function: 'put-notification-settings',
    auth: 'tenant',
    table: 'write',
  },

  { method: 'POST', path: '/v1/runs', operation: 'createRun', function: 'create-run', ...mutate, invokeRunner: true },
  { method: 'GET', path: '/v1/runs/{id}', operation: 'getRun', function: 'get-run', ...read },
  { method: 'POST', path: '/v1/runs/{id}/cancel', operation: 'cancelRun', function: 'cancel-run', auth: 'tenant', table: 'write', notify: true },
  // A long-running agent (it answered 202) ends its run: no API key, the per-run callback token is the auth. The
  // Scheduler is for the auto-pause that a failed run may cause (AUTO_DISABLE_AFTER_FAILURES), as in the runner; the
  // runner invoke starts a backfill's next occurrence when the run was a backfill's; the queue takes its notifications;
  // the batch queue a batch's next items when the run was a batch item.
  {
    method: 'POST',
    path: '/v1/callbacks/{handle}',
    operation: 'completeRunCallback',
    function: 'complete-run-callback',
    auth: 'none',
    table: 'write',
    scheduler: true,
    signingSecret: true,
    invokeRunner: true,
    notify: true,
    batchQueue: true,
  },
  // Seed 001 creates a schedule together with a thread (a run now); seed 000 posts scheduled runs to /v1/agent-runs.
  { method: 'POST', path: '/v1/threads', operation: 'createThread', function: 'create-run', ...mutate, invokeRunner: true },
  { method: 'POST', path: '/v1/agent-runs', operation: 'createAgentRun', function: 'create-schedule', ...mutate },

  // The scheduled-agents API's paths (seed 003), answered in its snake_case shapes by the same functions.
  { method: 'GET', path: '/agent/schedules', operation: 'listScheduledAgents', function: 'list-schedules', ...list },
  { method: 'POST', path: '/agent/schedules', operation: 'createScheduledAgent', function: 'create-schedule', ...mutate },
  { method: 'GET', path: '/agent/schedules/{id}', operation: 'getScheduledAgent', function: 'get-schedule', ...read },
  { method: 'PUT', path: '/agent/schedules/{id}', operation: 'updateScheduledAgent', function: 'update-schedule', ...mutate },
  { method: 'DELETE', path: '/agent/schedules/{id}', operation: 'deleteScheduledAgent', function: 'delete-schedule', ...mutate },
  { method: 'POST', path: '/agent/schedules/{id}/pause', operation: 'pauseScheduledAgent', function: 'disable-schedule', ...mutate },
  { method: 'POST', path: '/agent/schedules/{id}/resume', operation: 'resumeScheduledAgent', function: 'enable-schedule', ...mutate, invokeRunner: true },

  // Batches: one agent task over up to 10,000 items. Routes that start items send them to the batch queue; create and
  // start also reserve the runs in the tenant's budget (table writes). Cancel may end the batch, so it may notify.
  {
    method: 'POST',
    path: '/v1/batches',
    operation: 'createBatch',
    function: 'create-batch',
    auth: 'tenant',
    table: 'write',
    batchQueue: true,
    bodyLimitBytes: BATCH_BODY_LIMIT_BYTES,
  },
  { method: 'GET', path: '/v1/batches', operation: 'listBatches', function: 'list-batches', ...list },
  { method: 'GET', path: '/v1/schedules/batches', operation: 'listBatchJobs', function: 'list-batches', ...list },
  { method: 'GET', path: '/v1/schedules/{id}/batches', operation: 'listScheduleBatches', function: 'list-batches', ...list },
  { method: 'GET', path: '/v1/batches/{id}', operation: 'getBatch', function: 'get-batch', ...read },
  { method: 'PATCH', path: '/v1/batches/{id}', operation: 'updateBatch', function: 'update-batch', auth: 'tenant', table: 'write', batchQueue: true },
  { method: 'GET', path: '/v1/batches/{id}/items', operation: 'listBatchItems', function: 'list-batch-items', ...read },
  {
    method: 'POST',
    path: '/v1/batches/{id}/items',
    operation: 'appendBatchItems',
    function: 'append-batch-items',
    auth: 'tenant',
    table: 'write',
    bodyLimitBytes: BATCH_BODY_LIMIT_BYTES,
  },
  { method: 'GET', path: '/v1/batches/{id}/results', operation: 'getBatchResults', function: 'get-batch-results', ...read },
  { method: 'POST', path: '/v1/batches/{id}/start', operation: 'startBatch', function: 'start-batch', auth: 'tenant', table: 'write', batchQueue: true },
  { method: 'POST', path: '/v1/batches/{id}/cancel', operation: 'cancelBatch', function: 'cancel-batch', auth: 'tenant', table: 'write', notify: true },
  { method: 'POST', path: '/v1/batches/{id}/retry', operation: 'retryBatch', function: 'retry-batch', auth: 'tenant', table: 'write', batchQueue: true },

  { method: 'POST', path: '/v1/agents', operation: 'createAgent', function: 'create-agent', ...agentWrite },
  { method: 'GET', path: '/v1/agents', operation: 'listAgents', function: 'list-agents', ...list },
  { method: 'GET', path: '/v1/agents/{id}', operation: 'getAgent', function: 'get-agent', ...read },
  { method: 'PATCH', path: '/v1/agents/{id}', operation: 'updateAgent', function: 'update-agent', ...agentWrite },
  { method: 'PUT', path: '/v1/agents/{id}', operation: 'replaceAgent', function: 'replace-agent', ...agentWrite },
  { method: 'DELETE', path: '/v1/agents/{id}', operation: 'deleteAgent', function: 'delete-agent', ...agentWrite },

  { method: 'PUT', path: '/v1/secrets/{name}', operation: 'putSecret', function: 'put-secret', auth: 'tenant', table: 'write', secrets: true },
  { method: 'GET', path: '/v1/secrets', operation: 'listSecrets', function: 'list-secrets', ...list },
  { method: 'DELETE', path: '/v1/secrets/{name}', operation: 'deleteSecret', function: 'delete-secret', auth: 'tenant', table: 'write', secrets: true },

  { method: 'POST', path: '/v1/admin/api-keys', operation: 'createApiKey', function: 'create-api-key', auth: 'admin', table: 'write' },
  { method: 'DELETE', path: '/v1/admin/api-keys/{keyId}', operation: 'revokeApiKey', function: 'delete-api-key', auth: 'admin', table: 'write' },
];

/** Agent Manager's clients (seed 002) call `http://your-host/api/v1/…`: with only the host changed, they reach these. */
export const AGENT_MANAGER_PREFIX = '/api';
const AGENT_MANAGER_PATHS = /^\/v1\/(schedules|runs|batches)(\/|$)/;

/**
 * Every route: the service's own, then each schedules, runs and batches route again under /api (Agent Manager's
 * prefix), answered by the same function in the same shapes, its operation named with an AgentManager suffix.
 * API Gateway cannot rewrite paths, so they are routes.
 */
export const ROUTES: readonly Route[] = [
  ...NATIVE_ROUTES,
  ...NATIVE_ROUTES.filter((route) => AGENT_MANAGER_PATHS.test(route.path)).map((route) => ({
    ...route,
    path: `${AGENT_MANAGER_PREFIX}${route.path}`,
    operation: `${route.operation}AgentManager`,
  })),
];

/** API Gateway's route key, e.g. "GET /v1/schedules/{id}". */
export const routeKey = (route: Pick<Route, 'method' | 'path'>): string => `${route.method} ${route.path}`;

/** Matches a request path against the table the way API Gateway does: literal segments win over {params}. */
export function matchRoute(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
  const segments = path.split('/').filter(Boolean);
  let best: { route: Route; params: Record<string, string>; literals: number } | undefined;
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const pattern = route.path.split('/').filter(Boolean);
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let literals = 0;
    const matches = pattern.every((part, index) => {
      const segment = segments[index]!;
      if (part.startsWith('{') && part.endsWith('}')) {
        params[part.slice(1, -1)] = safeDecode(segment);
        return true;
      }
      literals += 1;
      return part === segment;
    });
    if (matches && (!best || literals > best.literals)) best = { route, params, literals };
  }
  return best && { route: best.route, params: best.params };
}

/** A segment that is not valid percent-encoding stays as written (and then matches no id). */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Whether any route serves this path with another method (405 rather than 404). */
export function pathExists(path: string): boolean {
  return ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].some((method) => matchRoute(method, path));
}
