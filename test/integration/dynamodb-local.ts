// Integration-test helpers: DynamoDB Local (the same launcher as the local server) and fresh tables in it.
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbClient, documentClientFor } from '#shared/adapters/dynamodb/client.ts';
import { ensureTable } from '#shared/adapters/dynamodb/create-table.ts';

export { startDynamoDbLocal } from '#local/dynamodb-local.ts';

/** A new, uniquely named table (so tests never see each other's items) and a document client for it. */
export async function freshTable(endpoint: string): Promise<{ client: DynamoDBDocumentClient; tableName: string }> {
  const base = createDynamoDbClient({ endpoint });
  const tableName = `test-${randomUUID()}`;
  await ensureTable(base, tableName);
  return { client: documentClientFor(base), tableName };
}
