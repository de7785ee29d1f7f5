// The DynamoDB stores, built once per container from TABLE_NAME (and DYNAMODB_ENDPOINT locally).
import { randomIds } from '../../ports/random-ids.ts';
import { DynamoAgentStore } from '../dynamodb/agent-store.ts';
import { DynamoApiKeyStore } from '../dynamodb/api-key-store.ts';
import { DynamoRunStore } from '../dynamodb/run-store.ts';
import { DynamoScheduleStore } from '../dynamodb/schedule-store.ts';
import { DynamoSecretCatalog } from '../dynamodb/secret-catalog.ts';
import { logger } from '../../logger.ts';
import { clock, once, settings } from './runtime.ts';
import { documentClient, tableName } from './storage.ts';

export { clock, once, overrideRuntime, overrides, resetRuntime, settings } from './runtime.ts';


export const scheduleStore = () => once('scheduleStore', () => new DynamoScheduleStore({ client: documentClient(), tableName: tableName() }));
export const agentStore = () => once('agentStore', () => new DynamoAgentStore({ client: documentClient(), tableName: tableName() }));
export const apiKeyStore = () => once('apiKeyStore', () => new DynamoApiKeyStore({ client: documentClient(), tableName: tableName() }));
export const runStore = () => once('runStore', () => new DynamoRunStore({ client: documentClient(), tableName: tableName() }));
export const agentDeps = () => ({ agents: agentStore(), clock: clock(), ids: randomIds, settings: settings() });
export const secretCatalog = () => once('secretCatalog', () => new DynamoSecretCatalog({ client: documentClient(), tableName: tableName() }));

/** The sweeper's ports: runs and schedules, the clock, and a log for what it could not end. */
export const sweepDeps = () => ({ runs: runStore(), schedules: scheduleStore(), clock: clock(), log: (message: string, details: Record<string, unknown>) => logger.warn(message, details) });
export { storageHealthy } from './storage.ts';
