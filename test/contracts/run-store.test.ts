// The RunStore contract against the in-memory fake the runner tests use and the DynamoDB adapter on DynamoDB Local.
import { describe } from 'vitest';
import { DynamoRunStore } from '#shared/adapters/dynamodb/run-store.ts';
import { DynamoScheduleStore } from '#shared/adapters/dynamodb/schedule-store.ts';
import { InMemoryScheduleStore } from '../fakes/in-memory.ts';
import { InMemoryRunStore } from '../fakes/in-memory-runs.ts';
import { dynamoTable } from './dynamodb.ts';
import { runStoreContract } from './run-store.contract.ts';
import { runControlContract } from './run-control.contract.ts';
import { runCallbacksContract } from './run-callbacks.contract.ts';

describe('RunStore contract', () => {
  describe('in-memory fake', () => {
    const fake = async () => {
      const schedules = new InMemoryScheduleStore();
      return { schedules, runs: new InMemoryRunStore(schedules) };
    };
    runStoreContract(fake);
    runControlContract(fake);
    runCallbacksContract(fake);
  });

  describe('DynamoDB Local', () => {
    const dynamo = async () => {
      const table = await dynamoTable();
      return { schedules: new DynamoScheduleStore(table), runs: new DynamoRunStore(table) };
    };
    runStoreContract(dynamo);
    runControlContract(dynamo);
    runCallbacksContract(dynamo);
  });
});
