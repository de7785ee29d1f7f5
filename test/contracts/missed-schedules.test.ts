// The missed-run query's contract against the in-memory fakes the use-case tests use and the DynamoDB adapters on DynamoDB Local.
import { describe } from 'vitest';
import { DynamoRunStore } from '#shared/adapters/dynamodb/run-store.ts';
import { DynamoScheduleStore } from '#shared/adapters/dynamodb/schedule-store.ts';
import { InMemoryScheduleStore } from '../fakes/in-memory.ts';
import { InMemoryRunStore } from '../fakes/in-memory-runs.ts';
import { dynamoTable } from './dynamodb.ts';
import { missedSchedulesContract } from './missed-schedules.contract.ts';

describe('ScheduleStore.listMissed contract', () => {
  describe('in-memory fakes', () => {
    missedSchedulesContract(async () => {
      const schedules = new InMemoryScheduleStore();
      return { schedules, runs: new InMemoryRunStore(schedules) };
    });
  });

  describe('DynamoDB Local', () => {
    missedSchedulesContract(async () => {
      const table = await dynamoTable();
      return { schedules: new DynamoScheduleStore(table), runs: new DynamoRunStore(table) };
    });
  });
});
