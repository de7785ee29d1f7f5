// The SecretCatalog contract against the DynamoDB adapter on DynamoDB Local. There is no in-memory SecretCatalog in
// test/fakes (no unit test uses one); a fake added later should run this same contract in a describe of its own.
import { describe } from 'vitest';
import { DynamoSecretCatalog } from '#shared/adapters/dynamodb/secret-catalog.ts';
import { dynamoTable } from './dynamodb.ts';
import { secretCatalogContract } from './secret-catalog.contract.ts';

describe('SecretCatalog contract', () => {
  describe('DynamoDB Local', () => {
    secretCatalogContract(async () => ({ catalog: new DynamoSecretCatalog(await dynamoTable()) }));
  });
});
