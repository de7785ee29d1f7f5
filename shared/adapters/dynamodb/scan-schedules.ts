// Every stored schedule, by Scan: for the local server's start-up only (rebuilding its scheduler), never on a request path.
// It reads the whole table (every item of every kind; the filter only drops non-schedules from the answer).
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Schedule } from '../../domain/schedule.ts';
import { ENTITY, type StoredItem } from './items/attributes.ts';
import { scheduleAttributes, scheduleFromItem } from './items/schedule.ts';

export async function scanAllSchedules(client: DynamoDBDocumentClient, tableName: string): Promise<Schedule[]> {
  const schedules: Schedule[] = [];
  const name = scheduleAttributes();
  const filter = `${name('entity')} = :schedule`;
  let startKey: StoredItem | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: filter,
        ExpressionAttributeNames: name.names,
        ExpressionAttributeValues: { ':schedule': ENTITY.schedule },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) schedules.push(scheduleFromItem(item));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return schedules;
}
