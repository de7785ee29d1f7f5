// The composition root's core: configuration, clock, overrides and the DynamoDB stores, built once per container.
import { ENV, requireEnv, settingsFromEnv, type Settings } from '../../config.ts';
import type { AgentRunner } from '../../ports/agent-runner.ts';
import { systemClock, type Clock } from '../../ports/clock.ts';
import type { RunDispatcher } from '../../ports/run-dispatcher.ts';
import { randomIds } from '../../ports/random-ids.ts';
import type { SchedulerMirror } from '../../ports/scheduler-mirror.ts';
import { DynamoAgentStore } from '../dynamodb/agent-store.ts';
import { DynamoApiKeyStore } from '../dynamodb/api-key-store.ts';
import { createDocumentClient } from '../dynamodb/client.ts';
import { DynamoRunStore } from '../dynamodb/run-store.ts';
import { DynamoScheduleStore } from '../dynamodb/schedule-store.ts';

export interface Overrides {
  mirror?: SchedulerMirror;
  clock?: Clock;
  dispatcher?: RunDispatcher;
  agentRunner?: AgentRunner;
  /** Agent-call options the local server relaxes (loopback targets, command agents). */
  agentOptions?: { allowLoopback?: boolean; allowCommands?: boolean; allowPrivateTargets?: boolean };
}

export const overrides: Overrides = {};
const cache = new Map<string, unknown>();

export function once<T>(key: string, make: () => T): T {
  if (!cache.has(key)) cache.set(key, make());
  return cache.get(key) as T;
}

/** For the local server and tests: replace adapters before the first request. */
export function overrideRuntime(next: Overrides): void {
  Object.assign(overrides, next);
}

/** Forgets built adapters and overrides (the local server calls it before wiring its own). */
export function resetRuntime(): void {
  cache.clear();
  for (const key of Object.keys(overrides) as (keyof Overrides)[]) delete overrides[key];
}

export const settings = (): Settings => once('settings', () => settingsFromEnv());
export const clock = (): Clock => overrides.clock ?? systemClock;

const documentClient = () => once('documentClient', () => createDocumentClient({ endpoint: process.env[ENV.dynamoEndpoint] || undefined }));
const tableName = (): string => once('tableName', () => requireEnv(ENV.tableName));

export const scheduleStore = () => once('scheduleStore', () => new DynamoScheduleStore({ client: documentClient(), tableName: tableName() }));
export const agentStore = () => once('agentStore', () => new DynamoAgentStore({ client: documentClient(), tableName: tableName() }));
export const apiKeyStore = () => once('apiKeyStore', () => new DynamoApiKeyStore({ client: documentClient(), tableName: tableName() }));
export const runStore = () => once('runStore', () => new DynamoRunStore({ client: documentClient(), tableName: tableName() }));
export const agentDeps = () => ({ agents: agentStore(), clock: clock(), ids: randomIds });
