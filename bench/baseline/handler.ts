// The bare handler API bundles are measured against (the cost issue's baseline): the DynamoDB document client, one
// GetItem, a JSON answer — bundled with the functions' own esbuild settings in the same bench run.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';

const client = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = async (event: { pathParameters?: { id?: string } }) => {
  const result = await client.send(new GetCommand({ TableName: process.env.TABLE_NAME, Key: { pk: 'baseline', sk: event.pathParameters?.id ?? '' } }));
  return { statusCode: result.Item ? 200 : 404, body: JSON.stringify(result.Item ?? {}) };
};
