// The AgentStore contract against the in-memory fake the use-case tests use and the DynamoDB adapter on DynamoDB Local.
import { describe } from 'vitest';
import { DynamoAgentStore } from '#shared/adapters/dynamodb/agent-store.ts';
import { InMemoryAgentStore } from '../fakes/in-memory.ts';
import { agentStoreContract } from './agent-store.contract.ts';
import { dynamoTable } from './dynamodb.ts';

describe('AgentStore contract', () => {
  describe('in-memory fake', () => {
    agentStoreContract(async () => ({ store: new InMemoryAgentStore() }));
  });

  describe('DynamoDB Local', () => {
    agentStoreContract(async () => ({ store: new DynamoAgentStore(await dynamoTable()) }));
  });
});
