// Vitest global setup: one DynamoDB Local for the whole run; tests read its URL with inject('dynamoEndpoint').
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from './dynamodb-local.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { endpoint, stop } = await startDynamoDbLocal();
  project.provide('dynamoEndpoint', endpoint);
  return async () => stop();
}
