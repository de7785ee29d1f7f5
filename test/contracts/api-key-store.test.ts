// The ApiKeyStore contract against its in-memory fake and the DynamoDB adapter on DynamoDB Local.
import { describe } from 'vitest';
import { DynamoApiKeyStore } from '#shared/adapters/dynamodb/api-key-store.ts';
import { InMemoryApiKeyStore } from '../fakes/in-memory.ts';
import { apiKeyStoreContract } from './api-key-store.contract.ts';
import { dynamoTable } from './dynamodb.ts';

describe('ApiKeyStore contract', () => {
  describe('in-memory fake', () => {
    apiKeyStoreContract(async () => ({ store: new InMemoryApiKeyStore() }));
  });

  describe('DynamoDB Local', () => {
    apiKeyStoreContract(async () => ({ store: new DynamoApiKeyStore(await dynamoTable()) }));
  });
});
