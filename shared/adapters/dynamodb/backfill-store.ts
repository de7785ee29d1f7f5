// Backfill records in DynamoDB: one item per backfill under its tenant; every change is conditional on `version`.
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Backfill } from '../../domain/backfill.ts';
import { AlreadyExistsError, StaleVersionError } from '../../domain/errors.ts';
import type { BackfillStore } from '../../ports/backfill-store.ts';
import { isConditionFailure } from './client.ts';
import { backfillAttributes, backfillFromItem, backfillItem, backfillKey } from './items/backfill.ts';

/** Request costs: get 1 GetItem (consistent); create and update 1 PutItem each (conditional). */
export class DynamoBackfillStore implements BackfillStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(options: { client: DynamoDBDocumentClient; tableName: string }) {
    this.#client = options.client;
    this.#tableName = options.tableName;
  }

  async create(backfill: Backfill): Promise<void> {
    const name = backfillAttributes();
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: backfillItem(backfill),
          ConditionExpression: `attribute_not_exists(${name('pk')})`,
          ExpressionAttributeNames: name.names,
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new AlreadyExistsError(`Backfill id "${backfill.id}" is taken.`, { cause: error });
      throw error;
    }
  }

  async get(tenantId: string, scheduleId: string, id: string): Promise<Backfill | undefined> {
    const result = await this.#client.send(new GetCommand({ TableName: this.#tableName, Key: backfillKey(tenantId, scheduleId, id), ConsistentRead: true }));
    return result.Item === undefined ? undefined : backfillFromItem(result.Item);
  }

  async update(next: Backfill, expectedVersion: number): Promise<void> {
    const name = backfillAttributes();
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: backfillItem(next),
          ConditionExpression: `${name('version')} = :expected`,
          ExpressionAttributeNames: name.names,
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new StaleVersionError(`Backfill ${next.id} changed or is gone since it was read.`, { cause: error });
      throw error;
    }
  }
}
