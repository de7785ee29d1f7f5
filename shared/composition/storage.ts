// The DynamoDB document client and table name, built once per container; kept apart from the stores so /health bundles no schema code.
import { ENV, requireEnv } from '../config.ts';
import { createDocumentClient } from '../adapters/dynamodb/client.ts';
import { storageAnswers } from '../adapters/dynamodb/storage-probe.ts';
import { once, overrides } from './runtime.ts';

export const documentClient = () =>
  once('documentClient', () => {
    const client = createDocumentClient({ endpoint: process.env[ENV.dynamoEndpoint] || undefined });
    return overrides.instrument ? overrides.instrument(client) : client;
  });
export const tableName = (): string => once('tableName', () => requireEnv(ENV.tableName));

/** /health's dependency: whether the table answers. */
export async function healthDeps(): Promise<{ storageAnswers: () => Promise<boolean> }> {
  return { storageAnswers: () => storageAnswers(documentClient(), tableName()) };
}
