// The DynamoDB stores, built once per container from TABLE_NAME (and DYNAMODB_ENDPOINT locally).
import { DynamoAgentStore } from '../adapters/dynamodb/agent-store.ts';
import { DynamoBackfillStore } from '../adapters/dynamodb/backfill-store.ts';
import { DynamoBatchStore } from '../adapters/dynamodb/batch-store.ts';
import { DynamoApiKeyStore } from '../adapters/dynamodb/api-key-store.ts';
import { DynamoRunStore } from '../adapters/dynamodb/run-store.ts';
import { DynamoScheduleStore } from '../adapters/dynamodb/schedule-store.ts';
import { DynamoSecretCatalog } from '../adapters/dynamodb/secret-catalog.ts';
import { once } from './runtime.ts';
import { documentClient, tableName } from './storage.ts';

export const scheduleStore = () => once('scheduleStore', () => new DynamoScheduleStore({ client: documentClient(), tableName: tableName() }));
export const agentStore = () => once('agentStore', () => new DynamoAgentStore({ client: documentClient(), tableName: tableName() }));
export const apiKeyStore = () => once('apiKeyStore', () => new DynamoApiKeyStore({ client: documentClient(), tableName: tableName() }));
export const runStore = () => once('runStore', () => new DynamoRunStore({ client: documentClient(), tableName: tableName() }));
export const secretCatalog = () => once('secretCatalog', () => new DynamoSecretCatalog({ client: documentClient(), tableName: tableName() }));
export const backfillStore = () => once('backfillStore', () => new DynamoBackfillStore({ client: documentClient(), tableName: tableName() }));
export const batchStore = () => once('batchStore', () => new DynamoBatchStore({ client: documentClient(), tableName: tableName() }));
