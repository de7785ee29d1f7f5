// The ScheduleStore contract against the in-memory fake the use-case tests use and the DynamoDB adapter on DynamoDB Local.
import { describe } from 'vitest';
import { DynamoScheduleStore } from '#shared/adapters/dynamodb/schedule-store.ts';
import { InMemoryScheduleStore } from '../fakes/in-memory.ts';
import { dynamoTable } from './dynamodb.ts';
import { scheduleStoreContract } from './schedule-store.contract.ts';

describe('ScheduleStore contract', () => {
  describe('in-memory fake', () => {
    scheduleStoreContract(async () => ({ store: new InMemoryScheduleStore() }));
  });

  describe('DynamoDB Local', () => {
    scheduleStoreContract(async () => ({ store: new DynamoScheduleStore(await dynamoTable()) }));
  });
});
