// The deployment's Lambda functions, derived from the route table: one per function folder, plus the authorizer and the runner.
import { envNamesFor, type FunctionRole } from '../shared/config.ts';
import { ROUTES, type Route, type TableAccess } from '../shared/routes.ts';

/** What one function may touch; the CDK stack grants exactly this and the tests expect exactly this. */
export type SchedulerAccess = 'none' | 'update' | 'manage';

export interface FunctionAccess {
  table: TableAccess;
  /**
   * EventBridge Scheduler, only in the deployment's group: 'manage' = create, update, delete and read (the routes that
   * change schedules); 'update' = update, recreating a schedule that is gone (the runner pausing a failing schedule).
   * Either one also passes the Scheduler role, and only to EventBridge Scheduler.
   */
  scheduler: SchedulerAccess;
  /** Invoke the runner asynchronously. */
  invokeRunner: boolean;
  /** Create, write and delete tenants' agent secrets under the agent secrets prefix. */
  secrets: boolean;
  /** Read the deployment's cursor key (list routes sign and check their cursors with it). */
  cursorKey: boolean;
  /** Read the deployment's signing secret (the agent callback route checks per-run tokens with it). @default false */
  signingSecret?: boolean;
  /** Queue notifications (sqs:SendMessage on the notification queue). @default false */
  notify?: boolean;
  /** Start batch items (sqs:SendMessage on the batch queue). @default false */
  batchQueue?: boolean;
}

export interface FunctionSpec {
  /** Folder under functions/. */
  name: string;
  role: FunctionRole;
  access: FunctionAccess;
  /** The API routes it serves (none for the authorizer and the runner). */
  routes: readonly Route[];
}

export const AUTHORIZER_FUNCTION = 'authorize';
export const RUNNER_FUNCTION = 'runner';
export const SWEEPER_FUNCTION = 'sweep-runs';
export const NOTIFIER_FUNCTION = 'deliver-notifications';

/** The routes API Gateway serves without the authorizer, and why each may. */
export const PUBLIC_ROUTES: Readonly<Record<string, string>> = {
  '/health': "liveness for load balancers and the API's own OpenAPI document; it reads no data.",
  '/openapi.json': "liveness for load balancers and the API's own OpenAPI document; it reads no data.",
  '/console': 'the web console: static files only (it signs in with an API key in the browser); it reads no data.',
  '/console/assets/{file}': 'the web console: static files only (it signs in with an API key in the browser); it reads no data.',
  '/v1/callbacks/{handle}':
    'a long-running agent finishes its own run here with the per-run token it was given (an HMAC under the signing secret, checked in the function); no API key is involved.',
};
export const PUBLIC_ROUTE_PATHS: readonly string[] = Object.keys(PUBLIC_ROUTES);

function accessOf(route: Route): FunctionAccess {
  return {
    table: route.table,
    scheduler: route.scheduler ? 'manage' : 'none',
    invokeRunner: route.invokeRunner ?? false,
    secrets: route.secrets ?? false,
    cursorKey: route.cursorKey ?? false,
    signingSecret: route.signingSecret ?? false,
    notify: route.notify ?? false,
    batchQueue: route.batchQueue ?? false,
  };
}

const sameAccess = (a: FunctionAccess, b: FunctionAccess): boolean =>
  a.table === b.table &&
  a.scheduler === b.scheduler &&
  a.invokeRunner === b.invokeRunner &&
  a.secrets === b.secrets &&
  a.cursorKey === b.cursorKey &&
  (a.signingSecret ?? false) === (b.signingSecret ?? false) &&
  (a.notify ?? false) === (b.notify ?? false) &&
  (a.batchQueue ?? false) === (b.batchQueue ?? false);

/**
 * One spec per function folder the route table names, in first-appearance order. Routes sharing a folder share one
 * Lambda and so one role: if their flags differ the table is contradictory and this throws rather than over-grant.
 */
export function apiFunctionSpecs(routes: readonly Route[] = ROUTES): FunctionSpec[] {
  const byFunction = new Map<string, Route[]>();
  for (const route of routes) byFunction.set(route.function, [...(byFunction.get(route.function) ?? []), route]);
  return [...byFunction].map(([name, served]) => {
    const access = accessOf(served[0]!);
    const conflicting = served.find((route) => !sameAccess(accessOf(route), access) || (route.auth === 'none') !== (served[0]!.auth === 'none'));
    if (conflicting) {
      throw new Error(
        `Routes served by functions/${name} disagree on access: ${served[0]!.method} ${served[0]!.path} vs ${conflicting.method} ${conflicting.path}.`,
      );
    }
    return { name, role: 'api', access, routes: served };
  });
}

/**
 * The authorizer reads API keys (and the admin key secret); the runner reads and writes everything a run touches, and
 * invokes itself (asynchronously) to start a backfill's next occurrence when one of its runs ends.
 */
export const AUTHORIZER_SPEC: FunctionSpec = {
  name: AUTHORIZER_FUNCTION,
  role: 'authorizer',
  access: { table: 'read', scheduler: 'none', invokeRunner: false, secrets: false, cursorKey: false },
  routes: [],
};
export const RUNNER_SPEC: FunctionSpec = {
  name: RUNNER_FUNCTION,
  role: 'runner',
  access: { table: 'write', scheduler: 'update', invokeRunner: true, secrets: false, cursorKey: false },
  routes: [],
};

/**
 * The sweeper ends runs whose runner died: it reads the due index and writes runs and their schedules' counters; ending
 * a backfill's run, it records the backfill's next occurrence and invokes the runner with it.
 */
export const SWEEPER_SPEC: FunctionSpec = {
  name: SWEEPER_FUNCTION,
  role: 'sweeper',
  access: { table: 'write', scheduler: 'none', invokeRunner: true, secrets: false, cursorKey: false },
  routes: [],
};

/**
 * The notifier takes queued notifications (SQS) and POSTs them: it writes the delivery log (the table) and reads the
 * signing secret; its queue access comes with its event source (AgentSchedulesNotifications).
 */
export const NOTIFIER_SPEC: FunctionSpec = {
  name: NOTIFIER_FUNCTION,
  role: 'notifier',
  access: { table: 'write', scheduler: 'none', invokeRunner: false, secrets: false, cursorKey: false },
  routes: [],
};

export function allFunctionSpecs(): FunctionSpec[] {
  return [AUTHORIZER_SPEC, RUNNER_SPEC, SWEEPER_SPEC, NOTIFIER_SPEC, ...apiFunctionSpecs()];
}

/** A function folder's construct id (and, with a suffix, its integration's): create-schedule → CreateSchedule. */
export const constructIdOf = (functionFolder: string): string =>
  functionFolder.replace(/(^|-)([a-z0-9])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());

/** The environment variables the function's code reads on AWS (from shared/config.ts, never listed here by hand). */
export function envNamesOf(spec: FunctionSpec): string[] {
  return envNamesFor({
    role: spec.role,
    table: spec.access.table !== 'none',
    scheduler: spec.access.scheduler !== 'none',
    invokeRunner: spec.access.invokeRunner,
    cursorKey: spec.access.cursorKey,
    signingSecret: spec.access.signingSecret ?? false,
    notify: spec.access.notify ?? false,
    batchQueue: spec.access.batchQueue ?? false,
  });
}
