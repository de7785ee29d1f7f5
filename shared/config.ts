// Configuration read once at cold start from the environment; a missing required variable fails fast with its name.
import type { SecretPolicy } from './domain/secret-ref.ts';

export interface Settings {
  /** Shortest cadence a schedule may have, in minutes (EventBridge's precision is 1). */
  minIntervalMinutes: number;
  /** Agent used by schedules without an agentId; none means such runs fail with `no_agent`. */
  defaultAgentId: string | undefined;
  /** Days a run record is kept (DynamoDB TTL). */
  runRetentionDays: number;
  /** Pause a schedule after this many consecutive failed runs; 0 = never. */
  autoDisableAfterFailures: number;
  /** Monthly run quotas: per tenant, else `default`; none = unlimited. */
  runQuotas: { default?: number; tenants: Record<string, number> };
  /** Which secrets agents may reference: the tenant prefix in Secrets Manager and the allow-listed env names. */
  secretPolicy: SecretPolicy;
  /** The API's own URL (https://…/, no trailing path): callback URLs given to agents and run links in notifications. */
  publicBaseUrl: string | undefined;
  /** Seconds after a schedule's fire time (plus its flexible window) with no run recorded before the sweeper calls it missed. */
  missedRunGraceSeconds: number;
}

export function quotaFor(settings: Pick<Settings, 'runQuotas'>, tenantId: string): number | undefined {
  return settings.runQuotas.tenants[tenantId] ?? settings.runQuotas.default;
}

export const ENV = {
  tableName: 'TABLE_NAME',
  dynamoEndpoint: 'DYNAMODB_ENDPOINT',
  minInterval: 'MIN_INTERVAL_MINUTES',
  defaultAgent: 'DEFAULT_AGENT_ID',
  adminKey: 'ADMIN_API_KEY',
  adminKeySecretArn: 'ADMIN_KEY_SECRET_ARN',
  runRetentionDays: 'RUN_RETENTION_DAYS',
  autoDisable: 'AUTO_DISABLE_AFTER_FAILURES',
  runQuotas: 'RUN_QUOTAS',
  runnerFunction: 'RUNNER_FUNCTION_ARN',
  signingSecret: 'AGENT_SIGNING_SECRET',
  signingSecretArn: 'AGENT_SIGNING_SECRET_ARN',
  cursorKey: 'AGENT_CURSOR_KEY',
  cursorKeyArn: 'AGENT_CURSOR_KEY_ARN',
  allowedAgentHosts: 'ALLOWED_AGENT_HOSTS',
  allowPrivateAgentTargets: 'ALLOW_PRIVATE_AGENT_TARGETS',
  agentSecretsPrefix: 'AGENT_SECRETS_PREFIX',
  agentSecretEnvNames: 'AGENT_SECRET_ENV_NAMES',
  localApiKey: 'AGENT_SCHEDULES_API_KEY',
  localAdminKey: 'AGENT_SCHEDULES_ADMIN_KEY',
  publicBaseUrl: 'PUBLIC_BASE_URL',
  missedRunGrace: 'MISSED_RUN_GRACE_SECONDS',
  notificationQueueUrl: 'NOTIFICATION_QUEUE_URL',
  batchQueueUrl: 'BATCH_QUEUE_URL',
  modelPrices: 'MODEL_PRICES',
  runnerMemory: 'RUNNER_MEMORY_MB',
  consoleAssetsDir: 'CONSOLE_ASSETS_DIR',
} as const;

/** EventBridge Scheduler target settings, read by every function that writes Scheduler schedules. */
export const SCHEDULER_ENV = {
  groupName: 'SCHEDULE_GROUP_NAME',
  runnerArn: 'RUNNER_FUNCTION_ARN',
  roleArn: 'SCHEDULER_ROLE_ARN',
  deadLetterArn: 'SCHEDULER_DLQ_ARN',
  maxRetryAttempts: 'SCHEDULER_MAX_RETRY_ATTEMPTS',
  maxEventAgeSeconds: 'SCHEDULER_MAX_EVENT_AGE_SECONDS',
} as const;

/** Variables only the local server sets (DynamoDB Local, keys in plain text); never set on AWS. */
export const LOCAL_ONLY_ENV: readonly string[] = [
  ENV.dynamoEndpoint,
  ENV.adminKey,
  ENV.signingSecret,
  ENV.cursorKey,
  ENV.agentSecretEnvNames,
  // The console's built files: console/dist locally; on AWS they sit beside the function's bundle.
  ENV.consoleAssetsDir,
];

const SETTINGS_ENV = [ENV.minInterval, ENV.defaultAgent, ENV.runRetentionDays, ENV.autoDisable, ENV.runQuotas, ENV.agentSecretsPrefix, ENV.modelPrices];

/** How long a fire may be late before the sweeper records it missed: 10 minutes. */
export const DEFAULT_MISSED_RUN_GRACE_SECONDS = 600;

/** Secrets Manager prefix of agent secrets when none is configured (the local server). */
export const DEFAULT_AGENT_SECRETS_PREFIX = 'agent-schedules/local/agents/';

/**
 * Variables an `env:NAME` secret reference may never name, whatever the allow-list says: the service's own
 * configuration and keys, and the runtime's (AWS_* holds the function role's credentials).
 */
export function isServiceEnvName(name: string): boolean {
  const own = new Set<string>([...Object.values(ENV), ...Object.values(SCHEDULER_ENV), '_X_AMZN_TRACE_ID', '_HANDLER', 'DATA_DIR', 'PORT']);
  return own.has(name) || /^(AWS_|LAMBDA_|POWERTOOLS_|AGENT_SCHEDULES_)/.test(name);
}

/** notifier: deliver-notifications, the SQS consumer that POSTs webhooks. */
export type FunctionRole = 'api' | 'authorizer' | 'runner' | 'sweeper' | 'notifier';

/**
 * The variables a function's code reads on AWS, from what it does (the route table's access flags).
 * The CDK stack sets exactly these and the infra tests check them; nothing is listed by hand twice.
 */
export function envNamesFor(needs: {
  role: FunctionRole;
  table: boolean;
  scheduler?: boolean;
  invokeRunner?: boolean;
  cursorKey?: boolean;
  signingSecret?: boolean;
  notify?: boolean;
  batchQueue?: boolean;
}): string[] {
  const names = new Set<string>();
  if (needs.table) names.add(ENV.tableName);
  if (needs.role === 'authorizer') names.add(ENV.adminKeySecretArn);
  // The sweeper starts backfill runs too (a backfill's next occurrence): budgets, retention and the default agent.
  if (needs.role === 'api' || needs.role === 'runner' || needs.role === 'sweeper') for (const name of SETTINGS_ENV) names.add(name);
  if (needs.scheduler || needs.role === 'runner') for (const name of Object.values(SCHEDULER_ENV)) names.add(name);
  if (needs.invokeRunner) names.add(ENV.runnerFunction);
  if (needs.role === 'sweeper') names.add(ENV.missedRunGrace);
  if (needs.cursorKey) names.add(ENV.cursorKeyArn);
  if (needs.signingSecret) names.add(ENV.signingSecretArn);
  // The runner gives http agents their callback URL under the API's own URL; notifications link to runs under it.
  if (needs.role === 'runner' || needs.role === 'sweeper') names.add(ENV.publicBaseUrl);
  // The runner and the sweeper emit notifications (queue them); the notifier delivers them, signed and SSRF-guarded
  // like agent calls, and hides a message it retries later.
  if (needs.role === 'runner' || needs.role === 'sweeper' || needs.role === 'notifier' || needs.notify) names.add(ENV.notificationQueueUrl);
  // Batch items start through the batch queue: the routes that start them, and the runner and the sweeper, which start
  // a batch's next items when one of its runs ends.
  if (needs.role === 'runner' || needs.role === 'sweeper' || needs.batchQueue) {
    names.add(ENV.batchQueueUrl);
    // A batch's compute says the memory its items run with.
    names.add(ENV.runnerMemory);
  }
  if (needs.role === 'runner' || needs.role === 'notifier') {
    names.add(ENV.signingSecretArn);
    names.add(ENV.allowedAgentHosts);
    names.add(ENV.allowPrivateAgentTargets);
  }
  return [...names].sort();
}

export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new Error(`Environment variable ${name} is required but not set.`);
  }
  return value;
}

function wholeNumber(name: string, fallback: number, env: NodeJS.ProcessEnv, minimum = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < minimum) throw new Error(`Environment variable ${name} must be a whole number ≥ ${minimum}, not "${raw}".`);
  return value;
}

function runQuotas(env: NodeJS.ProcessEnv): Settings['runQuotas'] {
  const raw = env[ENV.runQuotas];
  if (raw === undefined || raw === '') return { tenants: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`Environment variable ${ENV.runQuotas} must be JSON such as {"default": 1000, "acme": 5000}.`);
  }
  const quotas: Settings['runQuotas'] = { tenants: {} };
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (!Number.isInteger(value) || (value as number) < 0) throw new Error(`${ENV.runQuotas}: the quota of "${key}" must be a whole number ≥ 0.`);
    if (key === 'default') quotas.default = value as number;
    else quotas.tenants[key] = value as number;
  }
  return quotas;
}

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): Settings {
  return {
    minIntervalMinutes: wholeNumber(ENV.minInterval, 1, env),
    defaultAgentId: env[ENV.defaultAgent] || undefined,
    runRetentionDays: wholeNumber(ENV.runRetentionDays, 90, env),
    autoDisableAfterFailures: wholeNumber(ENV.autoDisable, 0, env, 0),
    runQuotas: runQuotas(env),
    secretPolicy: {
      secretsPrefix: env[ENV.agentSecretsPrefix] || DEFAULT_AGENT_SECRETS_PREFIX,
      envNames: envAllowlist(env),
    },
    publicBaseUrl: env[ENV.publicBaseUrl]?.replace(/\/+$/, '') || undefined,
    missedRunGraceSeconds: wholeNumber(ENV.missedRunGrace, DEFAULT_MISSED_RUN_GRACE_SECONDS, env),
  };
}

function envAllowlist(env: NodeJS.ProcessEnv): string[] {
  const names = (env[ENV.agentSecretEnvNames] ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const refused = names.filter(isServiceEnvName);
  if (refused.length > 0) {
    throw new Error(`${ENV.agentSecretEnvNames} may not list the service's own or the runtime's variables (${refused.join(', ')}): agents could read them.`);
  }
  return names;
}
