// Every stored schedule, by Scan: for the local server's start-up only (rebuilding its scheduler), never on a request path.
// It reads the whole table (every item of every kind; the filter only drops non-schedules from the answer).
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Schedule } from '../../domain/schedule.ts';
import { ENTITY, type StoredItem } from './items/attributes.ts';
import { scheduleAttributes, scheduleFromItem } from './items/schedule.ts';
import { composeSchedule } from './items/schedule-state.ts';

export async function scanAllSchedules(client: DynamoDBDocumentClient, tableName: string): Promise<Schedule[]> {
  const schedules: Schedule[] = [];
  const states = new Map<string, StoredItem>();
  const name = scheduleAttributes();
  const filter = `${name('entity')} IN (:schedule, :state)`;
  let startKey: StoredItem | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: filter,
        ExpressionAttributeNames: name.names,
        ExpressionAttributeValues: { ':schedule': ENTITY.schedule, ':state': ENTITY.scheduleState },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      if (item.entity === ENTITY.scheduleState) states.set(`${String(item.tenantId)}/${String(item.scheduleId)}`, item);
      else schedules.push(scheduleFromItem(item));
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return schedules.map((schedule) => composeSchedule(schedule, states.get(`${schedule.tenantId}/${schedule.id}`)));
}
