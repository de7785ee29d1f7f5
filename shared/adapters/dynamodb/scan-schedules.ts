// Every stored schedule, by Scan: for the local server's start-up only (rebuilding its scheduler), never on a request path.
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Schedule } from '../../domain/schedule.ts';
import { KEY_ATTRIBUTES } from '../../table.ts';

export async function scanAllSchedules(client: DynamoDBDocumentClient, tableName: string): Promise<Schedule[]> {
  const schedules: Schedule[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: tableName, FilterExpression: 'entity = :schedule', ExpressionAttributeValues: { ':schedule': 'schedule' }, ExclusiveStartKey: startKey }),
    );
    for (const item of page.Items ?? []) {
      const schedule = { ...item };
      for (const key of KEY_ATTRIBUTES) delete schedule[key];
      schedules.push(schedule as Schedule);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return schedules;
}
