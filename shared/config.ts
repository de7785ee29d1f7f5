// Configuration read once at cold start from the environment; a missing required variable fails fast with its name.

export interface Settings {
  /** Shortest cadence a schedule may have, in minutes (EventBridge's precision is 1). */
  minIntervalMinutes: number;
  /** Agent used by schedules without an agentId; none means such runs fail with `no_agent`. */
  defaultAgentId: string | undefined;
}

export const ENV = {
  tableName: 'TABLE_NAME',
  dynamoEndpoint: 'DYNAMODB_ENDPOINT',
  minInterval: 'MIN_INTERVAL_MINUTES',
  defaultAgent: 'DEFAULT_AGENT_ID',
  adminKey: 'ADMIN_API_KEY',
  adminKeySecretArn: 'ADMIN_KEY_SECRET_ARN',
} as const;

export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new Error(`Environment variable ${name} is required but not set.`);
  }
  return value;
}

function positiveInteger(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`Environment variable ${name} must be a whole number ≥ 1, not "${raw}".`);
  return value;
}

export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): Settings {
  return {
    minIntervalMinutes: positiveInteger(ENV.minInterval, 1, env),
    defaultAgentId: env[ENV.defaultAgent] || undefined,
  };
}
