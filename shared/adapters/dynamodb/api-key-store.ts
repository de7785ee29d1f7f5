// API key records in DynamoDB: found by hash under their tenant, with a keyId → hash item so a key can be deleted by id.
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AlreadyExistsError } from '../../domain/errors.ts';
import type { ApiKeyRecord, ApiKeyStore } from '../../ports/api-key-store.ts';
import { isConditionFailure, transactWrite } from './client.ts';
import { apiKeyAttributes, apiKeyFromItem, apiKeyIdItem, apiKeyIdKey, apiKeyItem, apiKeyKey, hashOf } from './items/api-key.ts';

/**
 * Request costs: create 1 transaction (2 items); findByHash 1 GetItem (eventually consistent);
 * delete 1 GetItem (strongly consistent) + 1 transaction (2 items), or the GetItem alone when there is no such key.
 */
export class DynamoApiKeyStore implements ApiKeyStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: { client: DynamoDBDocumentClient; tableName: string }) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  async create(record: ApiKeyRecord): Promise<void> {
    const name = apiKeyAttributes();
    const absent = `attribute_not_exists(${name('pk')})`;
    try {
      await transactWrite(this.client, {
        TransactItems: [
          { Put: { TableName: this.tableName, Item: apiKeyItem(record), ConditionExpression: absent, ExpressionAttributeNames: name.names } },
          { Put: { TableName: this.tableName, Item: apiKeyIdItem(record), ConditionExpression: absent, ExpressionAttributeNames: name.names } },
        ],
      });
    } catch (error) {
      if (isConditionFailure(error)) throw new AlreadyExistsError(`API key "${record.keyId}" (or its hash) already exists.`, { cause: error });
      throw error;
    }
  }

  async findByHash(tenantId: string, hash: string): Promise<ApiKeyRecord | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: apiKeyKey(tenantId, hash) }));
    return result.Item === undefined ? undefined : apiKeyFromItem(result.Item);
  }

  async delete(tenantId: string, keyId: string): Promise<boolean> {
    const pointer = await this.client.send(new GetCommand({ TableName: this.tableName, Key: apiKeyIdKey(tenantId, keyId), ConsistentRead: true }));
    const hash = hashOf(pointer.Item);
    if (hash === undefined) return false;
    const name = apiKeyAttributes();
    try {
      await transactWrite(this.client, {
        TransactItems: [
          {
            Delete: {
              TableName: this.tableName,
              Key: apiKeyIdKey(tenantId, keyId),
              ConditionExpression: `attribute_exists(${name('pk')})`,
              ExpressionAttributeNames: name.names,
            },
          },
          { Delete: { TableName: this.tableName, Key: apiKeyKey(tenantId, hash) } },
        ],
      });
    } catch (error) {
      // Someone else deleted it between the read and the transaction.
      if (isConditionFailure(error)) return false;
      throw error;
    }
    return true;
  }
}
