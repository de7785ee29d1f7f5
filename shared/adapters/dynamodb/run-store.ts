// Run records in DynamoDB: exactly-once starts by conditional writes, and final states written with the schedule's counters.
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isFinal, overdueAt, type Run, type RunStatus } from '../../domain/run.ts';
import { ownerScope } from '../../domain/owner.ts';
import type { BeginOutcome, FinishOutcome, QuotaReservation, RecordOutcome, RunPage, RunRef, RunStore, ScheduleOutcome } from '../../ports/run-store.ts';
import type { IdempotencyRecord } from '../../ports/schedule-store.ts';
import { DUE_INDEX, DUE_SHARDS, runsDuePk } from '../../table.ts';
import { cancellationCodes, errorName, isConditionFailure, transactWrite } from './client.ts';
import { markRunAccepted } from './run-callbacks.ts';
import { enterInflight, leaveInflight, trackInflight } from './run-inflight.ts';
import { addUsage, reserveUsage, usageReservation } from './run-usage.ts';
import type { StoredItem, TransactItem } from './items/attributes.ts';
import {
  dueIndexKeys,
  duePositionOf,
  finalRunUpdate,
  outputApart,
  outputTokenOf,
  runOutputItem,
  runOutputKey,
  runAttributes,
  runFromItem,
  runItem,
  runKey,
  runPosition,
  runRefOf,
  runsPartition,
  usageKey,
  usageRunsOf,
} from './items/run.ts';
import { countersUpdate, idempotencyPut, scheduleAttributes, scheduleKey } from './items/schedule.ts';
import { stateAttributes, stateKey } from './items/schedule-state.ts';
import { batchGetItems, readAllStates } from './schedule-reads.ts';

/** At most this many Query requests per runs list call, whatever the history holds. */
const MAX_LIST_QUERIES = 10;

/**
 * Request costs (a scheduled run is, in all: 1 BatchGetItem by the schedule store, then these three):
 *   beginScheduledRun: 1 UpdateItem (the schedule state: in-flight runs [+ overlap marker]), 1 PutItem (the run) [+ 1
 *     UpdateItem for a quota]; a duplicate: 1 GetItem and up to 2 UpdateItem to give back what it took.
 *   recordRun: 1 PutItem, or with a quota 1 TransactWriteItems (run + usage) [+ 1 GetItem when reasons are omitted].
 *   markRunning: 1 UpdateItem. releaseOverlap: 1 or 2 UpdateItem (run-inflight.ts).
 *   finishRun: 1 TransactWriteItems (run + schedule state [+ definition and counters when a one-time schedule
 *     completes]); when refused, up to 2 GetItem to tell why, and when the schedule is gone, the run's final state is
 *     written again alone. Without a schedule: 1 UpdateItem.
 *   listOverdue: DUE_SHARDS Query requests on the byDue index, in parallel, keys only, and every schedule state.
 *   get: 1 GetItem (strongly consistent); usage: 1 GetItem (eventually consistent). list: 1 Query; more, up to
 *     MAX_LIST_QUERIES, when a status filter or DynamoDB's 1 MB response cap leaves the page short.
 * A transaction that only collided with another one is retried up to 4 times by transactWrite.
 */
export class DynamoRunStore implements RunStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: { client: DynamoDBDocumentClient; tableName: string }) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  /** Writes the run unless its id is taken; `indexed`: see runItem. */
  private newRunPut(run: Run, indexed = true) {
    const name = runAttributes();
    return {
      TableName: this.tableName,
      Item: runItem(run, indexed),
      ConditionExpression: `attribute_not_exists(${name('pk')})`,
      ExpressionAttributeNames: name.names,
    };
  }

  private putNew(run: Run): TransactItem {
    return { Put: this.newRunPut(run) };
  }

  /**
   * Not a transaction (twice the write units): the run enters its schedule state's in-flight runs (1 UpdateItem, if the
   * schedule exists and is enabled; under overlap "skip" it takes the overlap marker too, unless another run holds it),
   * then the run is written if its id is free (1 PutItem, in no index: the sweeper finds it through the state). A delivery
   * that dies between the two is repeated with the same run id, which the marker lets through. A duplicate gives back
   * its quota reservation, and what it took in the state when the run has ended.
   */
  async beginScheduledRun(run: Run, options: { overlap: 'skip' | 'allow'; now: string; quota?: QuotaReservation }): Promise<BeginOutcome> {
    if (!(await enterInflight(this.client, this.tableName, run, options.overlap === 'skip', options.now))) return 'schedule_changed';
    if (options.quota && !(await reserveUsage(this.client, this.tableName, run.tenantId, options.quota))) {
      // A duplicate is told apart from a start past the quota (1 GetItem, only here).
      const existing = await this.get(run.tenantId, run.scheduleId, run.id);
      if (!existing || isFinal(existing.status)) await this.releaseOverlap(run);
      return existing ? 'duplicate' : 'over_budget';
    }
    try {
      await this.client.send(new PutCommand(this.newRunPut(run, false)));
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      if (options.quota) await addUsage(this.client, this.tableName, run.tenantId, options.quota.month, -1);
      if (!(await this.isUnfinished(run))) await this.releaseOverlap(run);
      return 'duplicate';
    }
    return 'started';
  }

  async recordRun(run: Run, quota?: QuotaReservation, idempotency?: IdempotencyRecord): Promise<RecordOutcome> {
    const writes = [this.putNew(run), ...(quota ? [usageReservation(this.tableName, run.tenantId, quota)] : [])];
    if (idempotency) writes.push(idempotencyPut(this.tableName, run, idempotency));
    try {
      if (writes.length > 1) await transactWrite(this.client, { TransactItems: writes });
      else await this.client.send(new PutCommand(this.newRunPut(run)));
      return 'created';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const codes = cancellationCodes(error);
      if (errorName(error) === 'ConditionalCheckFailedException' || codes[0] === 'ConditionalCheckFailed') return 'duplicate';
      if (idempotency && codes[writes.length - 1] === 'ConditionalCheckFailed') return 'key_taken';
      if (codes.length === 0 && (await this.get(run.tenantId, run.scheduleId, run.id))) return 'duplicate';
      if (codes.length === 0 && idempotency) return 'key_taken';
      return 'over_budget';
    }
  }

  /**
   * A run of a schedule (not a batch item) is found by the sweeper through its schedule state's in-flight runs from
   * now on (1 UpdateItem more), and leaves the due index, so its end moves no index key; any other run moves in the due
   * index to when it is overdue: its deadline plus the grace, no longer when it was queued.
   */
  async markRunning(run: Run): Promise<boolean> {
    const inState = run.scheduleId !== null && !run.batchId && (await trackInflight(this.client, this.tableName, run));
    const due = dueIndexKeys(run.id, overdueAt({ ...run, status: 'running' })!);
    const name = runAttributes();
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: runKey(run.tenantId, run.scheduleId, run.id),
          UpdateExpression:
            `SET ${name('status')} = :running, ${name('startedAt')} = :startedAt, ${name('deadlineAt')} = :deadline, ${name('attempt')} = :attempt` +
            (inState ? ` REMOVE ${name('gsi2pk')}, ${name('gsi2sk')}` : `, ${name('gsi2pk')} = :duePk, ${name('gsi2sk')} = :dueSk`),
          ConditionExpression: `${name('status')} = :queued`,
          ExpressionAttributeNames: name.names,
          ExpressionAttributeValues: {
            ':running': 'running',
            ':queued': 'queued',
            ':startedAt': run.startedAt,
            ':deadline': run.deadlineAt,
            ':attempt': run.attempt,
            ...(inState ? {} : { ':duePk': due.gsi2pk, ':dueSk': due.gsi2sk }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** The schedule state's share of a run's end: counters, last run, next run, and the overlap marker given up. */
  private stateUpdate(run: Run, outcome: ScheduleOutcome): TransactItem {
    const { schedule, complete } = outcome;
    const succeeded = outcome.status === 'succeeded';
    // A cancelled run is neither a success nor a failure: the failure streak and the last error stay as they were.
    const cancelled = outcome.status === 'cancelled';
    const name = stateAttributes();
    const set = [
      `${name('lastRunAt')} = :lastRunAt`,
      `${name('lastRunStatus')} = :status`,
      `${name('nextRunAt')} = :nextRunAt`,
      `${name('updatedAt')} = :updatedAt`,
    ];
    if (!cancelled) {
      set.push(
        `${name('lastError')} = :lastError`,
        succeeded ? `${name('consecutiveFailures')} = :zero` : `${name('consecutiveFailures')} = if_not_exists(${name('consecutiveFailures')}, :zero) + :one`,
      );
    }
    const values: Record<string, unknown> = {
      ':lastRunAt': outcome.lastRunAt,
      ':status': outcome.status,
      ':nextRunAt': complete ? null : outcome.nextRunAt,
      ':updatedAt': run.finishedAt,
      ':one': 1,
      ':enabled': schedule.enabled,
      ':expression': schedule.schedulerExpression,
      ':timezone': schedule.schedulerTimezone,
    };
    if (!cancelled) {
      values[':lastError'] = outcome.lastError;
      values[':zero'] = 0;
    }
    if (complete) {
      set.push(`${name('enabled')} = :false`, `${name('status')} = :completed`);
      values[':false'] = false;
      values[':completed'] = 'completed';
    }
    // `enabled`, the expression and the timezone are as read: the condition below holds the write to them.
    let condition =
      `attribute_exists(${name('pk')}) AND ${name('enabled')} = :enabled` +
      ` AND ${name('schedulerExpression')} = :expression AND ${name('schedulerTimezone')} = :timezone`;
    if (outcome.releaseOverlap) {
      set.push(`${name('runningRunId')} = :null`, `${name('runningUntil')} = :null`);
      values[':null'] = null;
      values[':run'] = run.id;
      condition += ` AND ${name('runningRunId')} = :run`;
    }
    const tally = succeeded ? 'successCount' : cancelled ? 'cancelledCount' : 'failureCount';
    const add = [name('runCount'), name(tally)].map((attribute) => `${attribute} :one`);
    return {
      Update: {
        TableName: this.tableName,
        Key: stateKey(run.tenantId, schedule.id),
        UpdateExpression: `SET ${set.join(', ')} ADD ${add.join(', ')} REMOVE ${name('inflight')}.#run`,
        ConditionExpression: condition,
        ExpressionAttributeNames: { ...name.names, '#run': run.id },
        ExpressionAttributeValues: values,
      },
    };
  }

  async finishRun(run: Run, outcome: ScheduleOutcome | null): Promise<FinishOutcome> {
    const token = outputApart(run) ? randomUUID() : undefined;
    if (token) await this.client.send(new PutCommand({ TableName: this.tableName, Item: runOutputItem(run, token) }));
    // The run alone (a one-off, a batch item, a schedule gone): one conditional update, not a transaction, which
    // would cost twice the write units.
    if (!outcome) {
      try {
        await this.client.send(new UpdateCommand(finalRunUpdate(this.tableName, run, token).Update!));
        // A scheduled run ended without its schedule's counters leaves the state's in-flight runs all the same.
        if (run.trigger === 'schedule' && run.scheduleId) await this.releaseOverlap(run);
        return 'recorded';
      } catch (error) {
        if (isConditionFailure(error)) return 'already_final';
        throw error;
      }
    }
    const writes = [finalRunUpdate(this.tableName, run, token), this.stateUpdate(run, outcome)];
    if (outcome.complete) {
      writes.push(this.completedDefinition(run, outcome.schedule), countersUpdate(this.tableName, run.tenantId, ownerScope(outcome.schedule), 0, -1));
    }
    try {
      await transactWrite(this.client, { TransactItems: writes });
      return 'recorded';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const codes = cancellationCodes(error);
      const runRefused = codes.length > 0 ? codes[0] === 'ConditionalCheckFailed' : !(await this.isUnfinished(run));
      if (runRefused) return 'already_final';
      const current = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: stateKey(run.tenantId, outcome.schedule.id), ConsistentRead: true }),
      );
      if (current.Item) return 'schedule_changed';
      return (await this.finishRun(run, null)) === 'recorded' ? 'schedule_gone' : 'already_final';
    }
  }

  /** A one-time schedule's definition, completed with its state (its copy of `enabled` is what a list filters on). */
  private completedDefinition(run: Run, schedule: ScheduleOutcome['schedule']): TransactItem {
    const name = scheduleAttributes();
    return {
      Update: {
        TableName: this.tableName,
        Key: scheduleKey(run.tenantId, schedule.id),
        UpdateExpression: `SET ${name('enabled')} = :false, ${name('status')} = :completed, ${name('updatedAt')} = :updatedAt ADD ${name('version')} :one`,
        ConditionExpression: `attribute_exists(${name('pk')})`,
        ExpressionAttributeNames: name.names,
        ExpressionAttributeValues: { ':false': false, ':completed': 'completed', ':updatedAt': run.finishedAt, ':one': 1 },
      },
    };
  }

  private async isUnfinished(run: Run): Promise<boolean> {
    const stored = await this.get(run.tenantId, run.scheduleId, run.id);
    return stored !== undefined && !isFinal(stored.status);
  }

  /**
   * Runs in the due index (queued runs, accepted runs, runs of a deleted schedule): one Query per shard, keys only,
   * each at most `limit`; and scheduled runs, from every schedule state's in-flight runs (readAllStates).
   */
  async listOverdue(cutoff: string, limit: number): Promise<RunRef[]> {
    const [shards, states] = await Promise.all([
      Promise.all(
        Array.from({ length: DUE_SHARDS }, (_, shard) => {
          const name = runAttributes();
          return this.client.send(
            new QueryCommand({
              TableName: this.tableName,
              IndexName: DUE_INDEX,
              KeyConditionExpression: `${name('gsi2pk')} = :pk AND ${name('gsi2sk')} < :cutoff`,
              ExpressionAttributeNames: name.names,
              ExpressionAttributeValues: { ':pk': runsDuePk(shard), ':cutoff': cutoff },
              Limit: limit,
            }),
          );
        }),
      ),
      readAllStates({ client: this.client, tableName: this.tableName }),
    ]);
    const due = new Map<string, { position: string; ref: RunRef }>();
    for (const item of shards.flatMap((page) => page.Items ?? [])) {
      const ref = runRefOf(item);
      if (ref) due.set(ref.runId, { position: duePositionOf(item), ref });
    }
    for (const state of states) {
      const { inflight, tenantId, scheduleId } = state as Partial<Record<string, unknown>>;
      for (const [runId, deadlineAt] of Object.entries((inflight ?? {}) as Record<string, unknown>)) {
        if (typeof deadlineAt !== 'string' || due.has(runId)) continue;
        const overdue = overdueAt({ status: 'running', deadlineAt, queuedAt: null })!;
        if (overdue < cutoff) due.set(runId, { position: `${overdue}#${runId}`, ref: { tenantId: String(tenantId), scheduleId: String(scheduleId), runId } });
      }
    }
    return [...due.values()]
      .sort((a, b) => a.position.localeCompare(b.position))
      .slice(0, limit)
      .map((entry) => entry.ref);
  }

  /** See leaveInflight (run-inflight.ts). */
  releaseOverlap(run: Pick<Run, 'tenantId' | 'scheduleId' | 'id'>): Promise<void> {
    return leaveInflight(this.client, this.tableName, run);
  }

  async get(tenantId: string, scheduleId: string | null, runId: string): Promise<Run | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: runKey(tenantId, scheduleId, runId), ConsistentRead: true }));
    return result.Item ? (await this.withOutputs([result.Item], true))[0] : undefined;
  }

  async list(
    tenantId: string,
    scheduleId: string | null,
    options: { limit: number; after?: string | undefined; status?: RunStatus | undefined },
  ): Promise<RunPage> {
    const items: StoredItem[] = [];
    let startKey: StoredItem | undefined;
    const name = runAttributes();
    // The partition holds only this schedule's runs; ids sort by time, so "older than `after`" is a key condition.
    const condition = options.after === undefined ? `${name('pk')} = :pk` : `${name('pk')} = :pk AND ${name('sk')} < :after`;
    const filter = options.status ? `${name('status')} = :status` : undefined;
    // A status filter (or the 1 MB response cap) may need several pages; MAX_LIST_QUERIES bounds them.
    for (let request = 0; request < MAX_LIST_QUERIES && items.length <= options.limit; request += 1) {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: condition,
          ...(filter ? { FilterExpression: filter } : {}),
          ExpressionAttributeNames: name.names,
          ExpressionAttributeValues: {
            ':pk': runsPartition(tenantId, scheduleId),
            ...(options.after === undefined ? {} : { ':after': runPosition(options.after) }),
            ...(options.status ? { ':status': options.status } : {}),
          },
          ScanIndexForward: false,
          Limit: options.status ? Math.max(50, options.limit + 1) : options.limit + 1 - items.length,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
      if (!startKey) break;
    }
    const pageItems = await this.withOutputs(items.slice(0, options.limit), false);
    const more = items.length > options.limit || startKey !== undefined;
    return { items: pageItems, nextAfter: more && pageItems.length > 0 ? pageItems[pageItems.length - 1]!.id : undefined };
  }

  async usage(tenantId: string, month: string): Promise<number> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: usageKey(tenantId, month) }));
    return usageRunsOf(result.Item);
  }

  /** The runs of these records, with the outputs kept apart read back: 1 GetItem for one, 1 BatchGetItem for several. */
  private async withOutputs(items: StoredItem[], consistent: boolean): Promise<Run[]> {
    const runs = items.map((item) => ({ run: runFromItem(item), token: outputTokenOf(item) }));
    const keyOf = (run: Run, token: string) => runOutputKey(run.tenantId, run.scheduleId, run.id, token);
    const keys = runs.flatMap(({ run, token }) => (token ? [keyOf(run, token)] : []));
    const found = await batchGetItems({ client: this.client, tableName: this.tableName }, keys, consistent);
    const outputs = new Map(found.map((item) => [`${item.pk}/${item.sk}`, item.output]));
    return runs.map(({ run, token }) => {
      if (!token) return run;
      const key = keyOf(run, token);
      const output = outputs.get(`${key.pk}/${key.sk}`);
      return { ...run, output: typeof output === 'string' ? output : null };
    });
  }

  /** 1 UpdateItem on the run, and 1 on its schedule's overlap marker for a scheduled run (run-callbacks.ts). */
  markAccepted(run: Run): Promise<boolean> {
    return markRunAccepted(this.client, this.tableName, run);
  }
}
