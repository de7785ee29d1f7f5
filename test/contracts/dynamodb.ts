// A fresh table on the DynamoDB Local that test/integration/global-setup.ts started, one per contract case, so cases
// (and cross-tenant reads such as RunStore.listOverdue) never see one another's items.
import { randomUUID } from 'node:crypto';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { createDynamoDbClient, documentClientFor } from '#shared/adapters/dynamodb/client.ts';
import { createTableInput, ensureTable } from '#shared/adapters/dynamodb/create-table.ts';

let clients: { base: ReturnType<typeof createDynamoDbClient>; document: DynamoDBDocumentClient } | undefined;

/**
 * The production table's keys and indexes (createTableInput), made with one request: DynamoDB Local creates a table
 * ACTIVE at once (else ensureTable waits for it), and TTL, which ensureTable also turns on, plays no part in these
 * contracts. About half the time of freshTable, which matters at one table per case.
 */
export async function dynamoTable(): Promise<{ client: DynamoDBDocumentClient; tableName: string }> {
  if (clients === undefined) {
    const base = createDynamoDbClient({ endpoint: inject('dynamoEndpoint') });
    clients = { base, document: documentClientFor(base) };
  }
  const tableName = `contract-${randomUUID()}`;
  const created = await clients.base.send(new CreateTableCommand(createTableInput(tableName)));
  const description = created.TableDescription;
  const active = description?.TableStatus === 'ACTIVE' && (description.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
  if (!active) await ensureTable(clients.base, tableName);
  return { client: clients.document, tableName };
}
