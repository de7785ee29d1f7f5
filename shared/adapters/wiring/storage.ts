// The DynamoDB document client and table name, built once per container; kept apart from the stores so /health bundles no schema code.
import { ENV, requireEnv } from '../../config.ts';
import { createDocumentClient } from '../dynamodb/client.ts';
import { storageAnswers } from '../dynamodb/storage-probe.ts';
import { once, overrides } from './runtime.ts';

export const documentClient = () =>
  once('documentClient', () => {
    const client = createDocumentClient({ endpoint: process.env[ENV.dynamoEndpoint] || undefined });
    return overrides.instrument ? overrides.instrument(client) : client;
  });
export const tableName = (): string => once('tableName', () => requireEnv(ENV.tableName));

/** /health's check that the table answers. */
export const storageHealthy = () => storageAnswers(documentClient(), tableName());
