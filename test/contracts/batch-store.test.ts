// The BatchStore contract against the in-memory fake the batch tests use and the DynamoDB adapter on DynamoDB Local.
import { describe } from 'vitest';
import { DynamoBatchStore } from '#shared/adapters/dynamodb/batch-store.ts';
import { DynamoRunStore } from '#shared/adapters/dynamodb/run-store.ts';
import { InMemoryBatchStore } from '../fakes/in-memory-batches.ts';
import { InMemoryRunStore } from '../fakes/in-memory-runs.ts';
import { InMemoryScheduleStore } from '../fakes/in-memory.ts';
import { batchStoreContract } from './batch-store.contract.ts';
import { dynamoTable } from './dynamodb.ts';

describe('BatchStore contract', () => {
  describe('in-memory fake', () => {
    batchStoreContract(async () => {
      const runs = new InMemoryRunStore(new InMemoryScheduleStore());
      return { store: new InMemoryBatchStore(runs), runs };
    });
  });

  describe('DynamoDB Local', () => {
    batchStoreContract(async () => {
      const table = await dynamoTable();
      return { store: new DynamoBatchStore(table), runs: new DynamoRunStore(table) };
    });
  });
});
