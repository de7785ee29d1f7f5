// The DynamoDB writes of a run its agent accepted (HTTP 202, finished later through its callback): the run's longer
// deadline and its place in the due index, then its schedule's overlap marker held as long (DynamoRunStore.markAccepted).
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { overdueAt, type Run } from '../../domain/run.ts';
import { isConditionFailure } from './client.ts';
import { dueIndexKeys, runAttributes, runKey } from './items/run.ts';
import { stateAttributes, stateKey } from './items/schedule-state.ts';

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
  if (run.scheduleId) await extendOverlap(client, tableName, run);
  return true;
}

/**
 * The run's entry among its schedule state's in-flight runs, and the overlap marker if it holds it, last until the
 * accepted run's deadline: the next fire is skipped while the agent works, and the sweeper waits as long.
 */
async function extendOverlap(client: DynamoDBDocumentClient, tableName: string, run: Run): Promise<void> {
  const update = (write: (name: ReturnType<typeof stateAttributes>) => [expression: string, condition: string]) => {
    // Each request names its own attributes (DynamoDB refuses a name no expression uses).
    const name = stateAttributes();
    const [expression, condition] = write(name);
    return client.send(
      new UpdateCommand({
        TableName: tableName,
        // On the schedule's state: a schedule update only writes the state fields it changes, so it cannot undo this.
        Key: stateKey(run.tenantId, run.scheduleId!),
        UpdateExpression: expression,
        ConditionExpression: condition,
        ExpressionAttributeNames: { ...name.names, '#run': run.id },
        ExpressionAttributeValues: { ':until': run.deadlineAt, ...(condition.includes(':run') ? { ':run': run.id } : {}) },
      }),
    );
  };
  try {
    await update((name) => [`SET ${name('runningUntil')} = :until, ${name('inflight')}.#run = :until`, `${name('runningRunId')} = :run`]);
    return;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  try {
    await update((name) => [`SET ${name('inflight')}.#run = :until`, `attribute_exists(${name('inflight')}.#run)`]);
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}
