// Agent definitions in DynamoDB: one item per agent under its tenant, writes conditional on `version`.
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Agent } from '../../domain/agent.ts';
import { AlreadyExistsError, StaleVersionError } from '../../domain/errors.ts';
import type { AgentStore } from '../../ports/agent-store.ts';
import { isConditionFailure } from './client.ts';
import type { StoredItem } from './items/attributes.ts';
import { agentAttributes, agentFromItem, agentItem, agentKey, agentsOf } from './items/agent.ts';

/**
 * Request costs: get 1 GetItem (consistent); create, update, delete 1 PutItem / DeleteItem each;
 * list 1 Query (another only when DynamoDB's 1 MB response cap cuts a page short).
 */
export class DynamoAgentStore implements AgentStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: { client: DynamoDBDocumentClient; tableName: string }) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  async get(tenantId: string, id: string): Promise<Agent | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: agentKey(tenantId, id), ConsistentRead: true }));
    return result.Item === undefined ? undefined : agentFromItem(result.Item);
  }

  async create(agent: Agent): Promise<void> {
    const name = agentAttributes();
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: agentItem(agent),
          ConditionExpression: `attribute_not_exists(${name('pk')})`,
          ExpressionAttributeNames: name.names,
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new AlreadyExistsError(`Agent id "${agent.id}" is taken.`, { cause: error });
      throw error;
    }
  }

  async update(agent: Agent, expectedVersion: number): Promise<void> {
    const name = agentAttributes();
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: agentItem(agent),
          ConditionExpression: `${name('version')} = :expected`,
          ExpressionAttributeNames: name.names,
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw new StaleVersionError(`Agent ${agent.id} changed or was deleted since it was read.`, { cause: error });
      throw error;
    }
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const result = await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: agentKey(tenantId, id), ReturnValues: 'ALL_OLD' }));
    return result.Attributes !== undefined;
  }

  async list(tenantId: string, limit: number, after?: string): Promise<{ items: Agent[]; nextAfter: string | undefined }> {
    const size = Math.max(1, Math.floor(limit));
    const items: Agent[] = [];
    const agents = agentsOf(tenantId);
    const name = agentAttributes();
    // Resuming from a key that need not exist: DynamoDB continues strictly after it (sk > AGENT#<after>).
    let startKey: StoredItem | undefined = after === undefined ? undefined : agentKey(tenantId, after);
    do {
      const result = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: `${name('pk')} = :pk AND begins_with(${name('sk')}, :prefix)`,
          ExpressionAttributeNames: name.names,
          ExpressionAttributeValues: { ':pk': agents.pk, ':prefix': agents.skPrefix },
          ExclusiveStartKey: startKey,
          Limit: size + 1 - items.length,
        }),
      );
      for (const item of result.Items ?? []) items.push(agentFromItem(item));
      startKey = result.LastEvaluatedKey;
    } while (startKey !== undefined && items.length <= size);
    const page = items.slice(0, size);
    return { items: page, nextAfter: items.length > size ? page.at(-1)?.id : undefined };
  }
}
