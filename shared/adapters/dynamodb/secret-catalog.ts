// The names of tenants' secrets in DynamoDB (values never): one item per secret under its tenant.
import { DeleteCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SecretCatalog, SecretEntry } from '../../ports/secret-vault.ts';
import { SECRET_SK_PREFIX, secretSk, tenantPk } from '../../table.ts';

function entryOf(item: Record<string, unknown>): SecretEntry {
  return { tenantId: String(item.tenantId), name: String(item.name), createdAt: String(item.createdAt), updatedAt: String(item.updatedAt) };
}

/** Request costs: upsert 1 UpdateItem; delete 1 DeleteItem; list 1 Query. */
export class DynamoSecretCatalog implements SecretCatalog {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(options: { client: DynamoDBDocumentClient; tableName: string }) {
    this.#client = options.client;
    this.#tableName = options.tableName;
  }

  async upsert(tenantId: string, name: string, now: string): Promise<{ entry: SecretEntry; created: boolean }> {
    const result = await this.#client.send(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: { pk: tenantPk(tenantId), sk: secretSk(name) },
        UpdateExpression: 'SET entity = :entity, tenantId = :tenant, #name = :name, createdAt = if_not_exists(createdAt, :now), updatedAt = :now',
        ExpressionAttributeNames: { '#name': 'name' },
        ExpressionAttributeValues: { ':entity': 'secret', ':tenant': tenantId, ':name': name, ':now': now },
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    const createdAt = result.Attributes?.createdAt;
    return { entry: { tenantId, name, createdAt: typeof createdAt === 'string' ? createdAt : now, updatedAt: now }, created: createdAt === undefined };
  }

  async list(tenantId: string, limit: number, after?: string): Promise<{ items: SecretEntry[]; nextAfter: string | undefined }> {
    const result = await this.#client.send(
      new QueryCommand({
        TableName: this.#tableName,
        KeyConditionExpression: after === undefined ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk AND sk BETWEEN :after AND :end',
        ExpressionAttributeValues: {
          ':pk': tenantPk(tenantId),
          ...(after === undefined ? { ':prefix': SECRET_SK_PREFIX } : { ':after': `${secretSk(after)}\u0000`, ':end': `${SECRET_SK_PREFIX}\uffff` }),
        },
        Limit: limit + 1,
      }),
    );
    const items = (result.Items ?? []).map(entryOf);
    const page = items.slice(0, limit);
    return { items: page, nextAfter: items.length > limit ? page.at(-1)?.name : undefined };
  }

  async delete(tenantId: string, name: string): Promise<boolean> {
    const result = await this.#client.send(
      new DeleteCommand({ TableName: this.#tableName, Key: { pk: tenantPk(tenantId), sk: secretSk(name) }, ReturnValues: 'ALL_OLD' }),
    );
    return result.Attributes !== undefined;
  }
}
