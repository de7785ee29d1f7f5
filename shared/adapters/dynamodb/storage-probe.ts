// Whether DynamoDB answers: one eventually consistent GetItem of a key no item has (half a read unit), for /health.
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export async function storageAnswers(client: DynamoDBDocumentClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new GetCommand({ TableName: tableName, Key: { pk: 'HEALTH', sk: 'HEALTH' } }));
    return true;
  } catch {
    return false;
  }
}
