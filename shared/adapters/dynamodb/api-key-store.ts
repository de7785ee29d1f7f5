// API key records in DynamoDB: found by hash under their tenant, with a keyId → hash item so a key can be deleted by id.
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AlreadyExistsError } from '../../domain/errors.ts';
import type { ApiKeyRecord, ApiKeyStore } from '../../ports/api-key-store.ts';
import { KEY_ATTRIBUTES, apiKeyIdSk, apiKeySk, tenantPk } from '../../table.ts';
import { isConditionFailure, transactWrite } from './client.ts';

/** Request costs: create 1 transaction (2 items); findByHash 1 GetItem; delete 1 GetItem + 1 transaction (2 items). */
export class DynamoApiKeyStore implements ApiKeyStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: { client: DynamoDBDocumentClient; tableName: string }) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  async create(record: ApiKeyRecord): Promise<void> {
    const pk = tenantPk(record.tenantId);
    try {
      await transactWrite(this.client, {
        TransactItems: [
          { Put: { TableName: this.tableName, Item: { ...record, pk, sk: apiKeySk(record.hash), entity: 'apiKey' }, ConditionExpression: 'attribute_not_exists(pk)' } },
          {
            Put: {
              TableName: this.tableName,
              Item: { pk, sk: apiKeyIdSk(record.keyId), entity: 'apiKeyId', hash: record.hash },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
        ],
      });
    } catch (error) {
      if (isConditionFailure(error)) throw new AlreadyExistsError(`API key "${record.keyId}" (or its hash) already exists.`, { cause: error });
      throw error;
    }
  }

  async findByHash(tenantId: string, hash: string): Promise<ApiKeyRecord | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: tenantPk(tenantId), sk: apiKeySk(hash) } }));
    if (result.Item === undefined) return undefined;
    const record: Record<string, unknown> = { ...result.Item };
    for (const key of KEY_ATTRIBUTES) delete record[key];
    return record as unknown as ApiKeyRecord;
  }

  async delete(tenantId: string, keyId: string): Promise<boolean> {
    const pk = tenantPk(tenantId);
    const pointer = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk, sk: apiKeyIdSk(keyId) }, ConsistentRead: true }));
    const hash = pointer.Item?.['hash'];
    if (typeof hash !== 'string') return false;
    try {
      await transactWrite(this.client, {
        TransactItems: [
          { Delete: { TableName: this.tableName, Key: { pk, sk: apiKeyIdSk(keyId) }, ConditionExpression: 'attribute_exists(pk)' } },
          { Delete: { TableName: this.tableName, Key: { pk, sk: apiKeySk(hash) } } },
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
