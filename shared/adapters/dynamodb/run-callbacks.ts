// The DynamoDB writes of a run its agent accepted (HTTP 202, finished later through its callback): the run's longer
// deadline and its place in the due index, then its schedule's overlap marker held as long (DynamoRunStore.markAccepted).
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { overdueAt, type Run } from '../../domain/run.ts';
import { isConditionFailure } from './client.ts';
import { dueIndexKeys, runAttributes, runKey } from './items/run.ts';
import { extendInflight } from './run-inflight.ts';

/**
 * 1 UpdateItem on the run (only while it is running), then, for a scheduled run, 1 UpdateItem on its schedule (only
 * while this run holds the overlap marker; a later run may have taken it over, or a cancel released it).
 */
export async function markRunAccepted(client: DynamoDBDocumentClient, tableName: string, run: Run): Promise<boolean> {
  const due = dueIndexKeys(run.id, overdueAt({ ...run, status: 'running' })!);
  const name = runAttributes();
  try {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: runKey(run.tenantId, run.scheduleId, run.id),
        UpdateExpression:
          `SET ${name('acceptedAt')} = :acceptedAt, ${name('deadlineAt')} = :deadline, ${name('gsi2pk')} = :duePk, ${name('gsi2sk')} = :dueSk` +
          (run.attempts === undefined ? '' : `, ${name('attempts')} = :attempts`),
        ConditionExpression: `${name('status')} = :running`,
        ExpressionAttributeNames: name.names,
        ExpressionAttributeValues: {
          ':acceptedAt': run.acceptedAt ?? null,
          ':deadline': run.deadlineAt,
          ':duePk': due.gsi2pk,
          ':dueSk': due.gsi2sk,
          ':running': 'running',
          ...(run.attempts === undefined ? {} : { ':attempts': run.attempts }),
        },
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
  if (run.scheduleId) await extendInflight(client, tableName, run);
  return true;
}
