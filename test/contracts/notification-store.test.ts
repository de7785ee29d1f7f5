// The notification stores' contract against the in-memory fakes the use-case tests use and the DynamoDB adapters on
// DynamoDB Local.
import { describe } from 'vitest';
import { DynamoNotificationLog, DynamoNotificationSettings } from '#shared/adapters/dynamodb/notification-store.ts';
import { InMemoryNotificationLog, InMemoryNotificationSettings } from '../fakes/in-memory-notifications.ts';
import { notificationStoreContract } from './notification-store.contract.ts';
import { dynamoTable } from './dynamodb.ts';

describe('Notification stores contract', () => {
  describe('in-memory fakes', () => {
    notificationStoreContract(async () => ({ log: new InMemoryNotificationLog(), settings: new InMemoryNotificationSettings() }));
  });

  describe('DynamoDB Local', () => {
    notificationStoreContract(async () => {
      const table = await dynamoTable();
      return { log: new DynamoNotificationLog(table), settings: new DynamoNotificationSettings(table) };
    });
  });
});
