// Notification records in DynamoDB: the webhook delivery log (one item per delivery, TTL 30 days) and the tenant default.
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NotifyTarget } from '../../domain/notification.ts';
import type { NotificationDelivery, NotificationLog, NotificationSettingsStore } from '../../ports/notifications.ts';
import { NOTIFICATION_SK_PREFIX, notificationsPk } from '../../table.ts';
import { isConditionFailure } from './client.ts';
import { deliveryAttributes, deliveryFromItem, deliveryItem, settingsItem, settingsKey, targetsFromItem } from './items/notification.ts';

interface StoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
}

/** Request costs: record 1 PutItem (conditional); listRecent 1 Query of at most `limit` items. */
export class DynamoNotificationLog implements NotificationLog {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(options: StoreOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
  }

  async record(delivery: NotificationDelivery): Promise<void> {
    const name = deliveryAttributes();
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: deliveryItem(delivery),
          ConditionExpression: `attribute_not_exists(${name('pk')}) OR ${name('attempts')} <= :attempts`,
          ExpressionAttributeNames: name.names,
          ExpressionAttributeValues: { ':attempts': delivery.attempts },
        }),
      );
    } catch (error) {
      // A newer attempt is already recorded: this older (or repeated) one changes nothing.
      if (!isConditionFailure(error)) throw error;
    }
  }

  async listRecent(tenantId: string, scheduleId: string | null, limit: number): Promise<NotificationDelivery[]> {
    const name = deliveryAttributes();
    const result = await this.#client.send(
      new QueryCommand({
        TableName: this.#tableName,
        KeyConditionExpression: `${name('pk')} = :pk AND begins_with(${name('sk')}, :prefix)`,
        ExpressionAttributeNames: name.names,
        ExpressionAttributeValues: { ':pk': notificationsPk(tenantId, scheduleId), ':prefix': NOTIFICATION_SK_PREFIX },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (result.Items ?? []).map(deliveryFromItem);
  }
}

/** Request costs: get 1 GetItem; put 1 PutItem. */
export class DynamoNotificationSettings implements NotificationSettingsStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(options: StoreOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
  }

  async get(tenantId: string): Promise<NotifyTarget[]> {
    const result = await this.#client.send(new GetCommand({ TableName: this.#tableName, Key: settingsKey(tenantId) }));
    return targetsFromItem(result.Item);
  }

  async put(tenantId: string, targets: NotifyTarget[]): Promise<void> {
    await this.#client.send(new PutCommand({ TableName: this.#tableName, Item: settingsItem(tenantId, targets) }));
  }
}
