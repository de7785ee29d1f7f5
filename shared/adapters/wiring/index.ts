// The composition root: adapters built once per container from configuration; the local server may swap the mirror and clock.
import { Logger } from '@aws-lambda-powertools/logger';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { ENV, requireEnv, settingsFromEnv, type Settings } from '../../config.ts';
import { systemClock, type Clock } from '../../ports/clock.ts';
import { randomIds } from '../../ports/random-ids.ts';
import type { SchedulerMirror } from '../../ports/scheduler-mirror.ts';
import type { ScheduleDeps } from '../../use-cases/schedule-rules.ts';
import { DynamoAgentStore } from '../dynamodb/agent-store.ts';
import { DynamoApiKeyStore } from '../dynamodb/api-key-store.ts';
import { createDocumentClient } from '../dynamodb/client.ts';
import { DynamoScheduleStore } from '../dynamodb/schedule-store.ts';
import { EventBridgeSchedulerMirror, schedulerMirrorConfigFromEnv } from '../eventbridge-scheduler/scheduler-mirror.ts';
import { readSecret } from '../secrets/secrets.ts';
import { hashKey } from '../../use-cases/api-keys.ts';

const logger = new Logger({ serviceName: 'agent-schedules' });

interface Overrides {
  mirror?: SchedulerMirror;
  clock?: Clock;
}

const overrides: Overrides = {};
const cache = new Map<string, unknown>();

function once<T>(key: string, make: () => T): T {
  if (!cache.has(key)) cache.set(key, make());
  return cache.get(key) as T;
}

/** For the local server and tests: replace the Scheduler mirror and the clock before the first request. */
export function overrideRuntime(next: Overrides): void {
  Object.assign(overrides, next);
}

/** Forgets built adapters (tests that change the environment between cases). */
export function resetRuntime(): void {
  cache.clear();
  delete overrides.mirror;
  delete overrides.clock;
}

export const settings = (): Settings => once('settings', () => settingsFromEnv());
export const clock = (): Clock => overrides.clock ?? systemClock;

function documentClient() {
  return once('documentClient', () => createDocumentClient({ endpoint: process.env[ENV.dynamoEndpoint] || undefined }));
}

const tableName = (): string => once('tableName', () => requireEnv(ENV.tableName));

export const scheduleStore = () => once('scheduleStore', () => new DynamoScheduleStore({ client: documentClient(), tableName: tableName() }));
export const agentStore = () => once('agentStore', () => new DynamoAgentStore({ client: documentClient(), tableName: tableName() }));
export const apiKeyStore = () => once('apiKeyStore', () => new DynamoApiKeyStore({ client: documentClient(), tableName: tableName() }));

export function schedulerMirror(): SchedulerMirror {
  return (
    overrides.mirror ??
    once('schedulerMirror', () => new EventBridgeSchedulerMirror({ client: new SchedulerClient({}), config: schedulerMirrorConfigFromEnv() }))
  );
}

export function scheduleDeps(): ScheduleDeps {
  return {
    schedules: scheduleStore(),
    agents: agentStore(),
    mirror: schedulerMirror(),
    clock: clock(),
    ids: randomIds,
    settings: settings(),
    log: (message, details) => logger.warn(message, details),
  };
}

export const agentDeps = () => ({ agents: agentStore(), clock: clock(), ids: randomIds });

/** SHA-256 of the deployment's admin key: from ADMIN_API_KEY locally, or the secret named by ADMIN_KEY_SECRET_ARN, once per container. */
export function adminKeyHash(): Promise<string | undefined> {
  return once('adminKeyHash', async () => {
    const direct = process.env[ENV.adminKey];
    const arn = process.env[ENV.adminKeySecretArn];
    const key = direct || (arn ? await readSecret(arn) : undefined);
    return key ? hashKey(key.trim()) : undefined;
  });
}
