// The BackfillStore contract against the in-memory fake the backfill tests use and the DynamoDB adapter on DynamoDB Local.
import { describe } from 'vitest';
import { DynamoBackfillStore } from '#shared/adapters/dynamodb/backfill-store.ts';
import { InMemoryBackfillStore } from '../fakes/in-memory-backfills.ts';
import { backfillStoreContract } from './backfill-store.contract.ts';
import { dynamoTable } from './dynamodb.ts';

describe('BackfillStore contract', () => {
  describe('in-memory fake', () => {
    backfillStoreContract(async () => ({ store: new InMemoryBackfillStore() }));
  });

  describe('DynamoDB Local', () => {
    backfillStoreContract(async () => ({ store: new DynamoBackfillStore(await dynamoTable()) }));
  });
});
