// A run's entry in its schedule state: the in-flight runs the sweeper reads, and the overlap marker.
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Run } from '../../domain/run.ts';
import { isConditionFailure } from './client.ts';
import type { AttributeNames } from './items/attributes.ts';
import { stateAttributes, stateKey, type ScheduleStateItem } from './items/schedule-state.ts';

type RunRef = Pick<Run, 'tenantId' | 'scheduleId' | 'id'>;

interface StateWrite {
  expression: string;
  condition: string;
  values?: Record<string, unknown>;
}

/**
 * One conditional UpdateItem of the run's schedule state, `#run` naming the run's in-flight entry; false when the
 * condition failed. Each request names its own attributes (DynamoDB refuses a name no expression uses).
 */
async function updateState(
  client: DynamoDBDocumentClient,
  tableName: string,
  run: RunRef,
  write: (name: AttributeNames<ScheduleStateItem>) => StateWrite,
): Promise<boolean> {
  const name = stateAttributes();
  const { expression, condition, values } = write(name);
  try {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: stateKey(run.tenantId, run.scheduleId!),
        UpdateExpression: expression,
        ConditionExpression: condition,
        ExpressionAttributeNames: { ...name.names, '#run': run.id },
        ...(values ? { ExpressionAttributeValues: values } : {}),
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** The run among its schedule's in-flight runs, and (`skip`) the overlap marker unless another run holds it past `now`. */
export function enterInflight(client: DynamoDBDocumentClient, tableName: string, run: Run, skip: boolean, now: string): Promise<boolean> {
  return updateState(client, tableName, run, (name) => {
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
    return { expression: `SET ${set.join(', ')}`, condition, values };
  });
}

/**
 * The run leaves its schedule state's in-flight runs and gives up the overlap marker if it still holds it (a later
 * run may have taken it over): 1 UpdateItem when it holds the marker, 2 otherwise.
 */
export async function leaveInflight(client: DynamoDBDocumentClient, tableName: string, run: RunRef): Promise<void> {
  if (!run.scheduleId) return;
  const released = await updateState(client, tableName, run, (name) => ({
    expression: `SET ${name('runningRunId')} = :null, ${name('runningUntil')} = :null REMOVE ${name('inflight')}.#run`,
    condition: `${name('runningRunId')} = :run`,
    values: { ':null': null, ':run': run.id },
  }));
  if (released) return;
  await updateState(client, tableName, run, (name) => ({
    expression: `REMOVE ${name('inflight')}.#run`,
    condition: `attribute_exists(${name('inflight')}.#run)`,
  }));
}

/**
 * A queued run of a schedule that starts (a trigger, a backfill or catch-up run) enters the state's in-flight runs with
 * its deadline, so its end moves no index key. False when the schedule has no state (deleted).
 */
export function trackInflight(client: DynamoDBDocumentClient, tableName: string, run: Run): Promise<boolean> {
  return updateState(client, tableName, run, (name) => ({
    expression: `SET ${name('inflight')}.#run = :until`,
    condition: `attribute_exists(${name('inflight')})`,
    values: { ':until': run.deadlineAt },
  }));
}

/**
 * The run's entry among its schedule state's in-flight runs, and the overlap marker if it holds it, last until the
 * accepted run's deadline: the next fire is skipped while the agent works, and the sweeper waits as long. On the
 * state: a schedule update only writes the state fields it changes, so it cannot undo this.
 */
export async function extendInflight(client: DynamoDBDocumentClient, tableName: string, run: Run): Promise<void> {
  const heldMarker = await updateState(client, tableName, run, (name) => ({
    expression: `SET ${name('runningUntil')} = :until, ${name('inflight')}.#run = :until`,
    condition: `${name('runningRunId')} = :run`,
    values: { ':until': run.deadlineAt, ':run': run.id },
  }));
  if (heldMarker) return;
  await updateState(client, tableName, run, (name) => ({
    expression: `SET ${name('inflight')}.#run = :until`,
    condition: `attribute_exists(${name('inflight')}.#run)`,
    values: { ':until': run.deadlineAt },
  }));
}
