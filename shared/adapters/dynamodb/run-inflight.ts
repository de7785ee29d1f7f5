// A scheduled run's entry in its schedule state: the in-flight runs the sweeper reads, and the overlap marker.
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Run } from '../../domain/run.ts';
import { isConditionFailure } from './client.ts';
import type { AttributeNames } from './items/attributes.ts';
import { stateAttributes, stateKey, type ScheduleStateItem } from './items/schedule-state.ts';

/** The run among its schedule's in-flight runs, and (`skip`) the overlap marker unless another run holds it past `now`. */
export async function enterInflight(client: DynamoDBDocumentClient, tableName: string, run: Run, skip: boolean, now: string): Promise<boolean> {
  const name = stateAttributes();
  const set = [`${name('inflight')}.#run = :until`];
  let condition = `attribute_exists(${name('pk')}) AND ${name('enabled')} = :true`;
  const values: Record<string, unknown> = { ':until': run.deadlineAt, ':true': true };
  if (skip) {
    set.push(`${name('runningRunId')} = :run`, `${name('runningUntil')} = :until`);
    condition +=
      ` AND (attribute_not_exists(${name('runningUntil')}) OR ${name('runningUntil')} = :null OR ${name('runningUntil')} < :now` +
      ` OR ${name('runningRunId')} = :run)`;
    Object.assign(values, { ':run': run.id, ':null': null, ':now': now });
  }
  try {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: stateKey(run.tenantId, run.scheduleId!),
        UpdateExpression: `SET ${set.join(', ')}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: { ...name.names, '#run': run.id },
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/**
 * The run leaves its schedule state's in-flight runs and gives up the overlap marker if it still holds it (a later
 * run may have taken it over): 1 UpdateItem when it holds the marker, 2 otherwise.
 */
export async function leaveInflight(client: DynamoDBDocumentClient, tableName: string, run: Run): Promise<void> {
  if (!run.scheduleId) return;
  // Each request names its own attributes (DynamoDB refuses a name no expression uses).
  const update = (write: (name: AttributeNames<ScheduleStateItem>) => { expression: string; condition: string }, values?: Record<string, unknown>) => {
    const name = stateAttributes();
    const { expression, condition } = write(name);
    return client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: stateKey(run.tenantId, run.scheduleId!),
        UpdateExpression: expression,
        ConditionExpression: condition,
        ExpressionAttributeNames: { ...name.names, '#run': run.id },
        ...(values ? { ExpressionAttributeValues: values } : {}),
      }),
    );
  };
  try {
    await update(
      (name) => ({
        expression: `SET ${name('runningRunId')} = :null, ${name('runningUntil')} = :null REMOVE ${name('inflight')}.#run`,
        condition: `${name('runningRunId')} = :run`,
      }),
      { ':null': null, ':run': run.id },
    );
    return;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  try {
    await update((name) => ({ expression: `REMOVE ${name('inflight')}.#run`, condition: `attribute_exists(${name('inflight')}.#run)` }));
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/**
 * A queued run of a schedule that starts (a trigger, a backfill or catch-up run) enters the state's in-flight runs with
 * its deadline, so its end moves no index key. False when the schedule has no state (deleted).
 */
export async function trackInflight(client: DynamoDBDocumentClient, tableName: string, run: Run): Promise<boolean> {
  const name = stateAttributes();
  try {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: stateKey(run.tenantId, run.scheduleId!),
        UpdateExpression: `SET ${name('inflight')}.#run = :until`,
        ConditionExpression: `attribute_exists(${name('inflight')})`,
        ExpressionAttributeNames: { ...name.names, '#run': run.id },
        ExpressionAttributeValues: { ':until': run.deadlineAt },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
