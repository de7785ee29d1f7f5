// The DynamoDB stores, built once per container from TABLE_NAME (and DYNAMODB_ENDPOINT locally).
import { ENV, requireEnv } from '../../config.ts';
import { randomIds } from '../../ports/random-ids.ts';
import { DynamoAgentStore } from '../dynamodb/agent-store.ts';
import { DynamoApiKeyStore } from '../dynamodb/api-key-store.ts';
import { createDocumentClient } from '../dynamodb/client.ts';
import { DynamoRunStore } from '../dynamodb/run-store.ts';
import { DynamoScheduleStore } from '../dynamodb/schedule-store.ts';
import { clock, once } from './runtime.ts';

export { clock, once, overrideRuntime, overrides, resetRuntime, settings } from './runtime.ts';

const documentClient = () => once('documentClient', () => createDocumentClient({ endpoint: process.env[ENV.dynamoEndpoint] || undefined }));
const tableName = (): string => once('tableName', () => requireEnv(ENV.tableName));

export const scheduleStore = () => once('scheduleStore', () => new DynamoScheduleStore({ client: documentClient(), tableName: tableName() }));
export const agentStore = () => once('agentStore', () => new DynamoAgentStore({ client: documentClient(), tableName: tableName() }));
export const apiKeyStore = () => once('apiKeyStore', () => new DynamoApiKeyStore({ client: documentClient(), tableName: tableName() }));
export const runStore = () => once('runStore', () => new DynamoRunStore({ client: documentClient(), tableName: tableName() }));
export const agentDeps = () => ({ agents: agentStore(), clock: clock(), ids: randomIds });
