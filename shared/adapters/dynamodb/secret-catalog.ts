// The names of tenants' secrets in DynamoDB (values never): one item per secret under its tenant.
import { DeleteCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SecretCatalog, SecretEntry } from '../../ports/secret-vault.ts';
import { ENTITY } from './items/attributes.ts';
import { secretAttributes, secretFromItem, secretKey, secretsOf } from './items/secret.ts';

/** Request costs: upsert 1 UpdateItem; delete 1 DeleteItem; list 1 Query. */
export class DynamoSecretCatalog implements SecretCatalog {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(options: { client: DynamoDBDocumentClient; tableName: string }) {
    this.#client = options.client;
    this.#tableName = options.tableName;
  }

  async upsert(tenantId: string, name: string, now: string): Promise<{ entry: SecretEntry; created: boolean }> {
    const attribute = secretAttributes();
    const result = await this.#client.send(
      new UpdateCommand({
        TableName: this.#tableName,
        Key: secretKey(tenantId, name),
        UpdateExpression:
          `SET ${attribute('entity')} = :entity, ${attribute('tenantId')} = :tenant, ${attribute('name')} = :name,` +
          ` ${attribute('createdAt')} = if_not_exists(${attribute('createdAt')}, :now), ${attribute('updatedAt')} = :now`,
        ExpressionAttributeNames: attribute.names,
        ExpressionAttributeValues: { ':entity': ENTITY.secret, ':tenant': tenantId, ':name': name, ':now': now },
        ReturnValues: 'UPDATED_OLD',
      }),
    );
    const createdAt = result.Attributes?.['createdAt' satisfies keyof SecretEntry];
    return { entry: { tenantId, name, createdAt: typeof createdAt === 'string' ? createdAt : now, updatedAt: now }, created: createdAt === undefined };
  }

  async list(tenantId: string, limit: number, after?: string): Promise<{ items: SecretEntry[]; nextAfter: string | undefined }> {
    const secrets = secretsOf(tenantId);
    const attribute = secretAttributes();
    const result = await this.#client.send(
      new QueryCommand({
        TableName: this.#tableName,
        KeyConditionExpression:
          after === undefined
            ? `${attribute('pk')} = :pk AND begins_with(${attribute('sk')}, :prefix)`
            : `${attribute('pk')} = :pk AND ${attribute('sk')} BETWEEN :after AND :end`,
        ExpressionAttributeNames: attribute.names,
        ExpressionAttributeValues: {
          ':pk': secrets.pk,
          // Strictly after `after` (appending U+0000 gives the next key up), to past every secret's key (names are ASCII).
          ...(after === undefined
            ? { ':prefix': secrets.skPrefix }
            : { ':after': `${secretKey(tenantId, after).sk}\u0000`, ':end': `${secrets.skPrefix}\uffff` }),
        },
        Limit: limit + 1,
      }),
    );
    const items = (result.Items ?? []).map(secretFromItem);
    const page = items.slice(0, limit);
    return { items: page, nextAfter: items.length > limit ? page.at(-1)?.name : undefined };
  }

  async delete(tenantId: string, name: string): Promise<boolean> {
    const result = await this.#client.send(new DeleteCommand({ TableName: this.#tableName, Key: secretKey(tenantId, name), ReturnValues: 'ALL_OLD' }));
    return result.Attributes !== undefined;
  }
}
