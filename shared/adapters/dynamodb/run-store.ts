// Run records in DynamoDB: exactly-once starts by conditional writes, and final states written with the schedule's counters.
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { overdueAt, type Run } from '../../domain/run.ts';
import { ownerScope } from '../../domain/owner.ts';
import type { RunStatus } from '../../domain/run.ts';
import type { BeginOutcome, FinishOutcome, QuotaReservation, RunPage, RunRef, RunStore, ScheduleOutcome } from '../../ports/run-store.ts';
import { DUE_INDEX, DUE_SHARDS, runDueKeys, runSk, runsDuePk, runsPk, scheduleSk, tenantPk, usageSk } from '../../table.ts';
import { cancellationCodes, errorName, isConditionFailure, transactWrite } from './client.ts';
import { countersUpdate, type TransactItem } from './schedule-store.ts';

const RUN_KEYS = ['pk', 'sk', 'gsi2pk', 'gsi2sk', 'entity'];

/** The run as stored; an unfinished one is also placed in the due index, by when it would be overdue. */
function toItem(run: Run): Record<string, unknown> {
  const due = overdueAt(run);
  return { ...run, pk: runsPk(run.tenantId, run.scheduleId), sk: runSk(run.id), entity: 'run', ...(due ? runDueKeys(run.id, due) : {}) };
}

/** The run a due-index entry points at, from the base table keys the index projects. */
function refOf(item: Record<string, unknown>): RunRef | undefined {
  const partition = /^T#([^#]+)#S#(.+)$/.exec(String(item.pk));
  const sort = /^RUN#(.+)$/.exec(String(item.sk));
  if (!partition || !sort) return undefined;
  return { tenantId: partition[1]!, scheduleId: partition[2] === '_api' ? null : partition[2]!, runId: sort[1]! };
}

function fromItem(item: Record<string, unknown>): Run {
  const run = { ...item };
  for (const key of RUN_KEYS) delete run[key];
  return run as unknown as Run;
}

export class DynamoRunStore implements RunStore {
  private readonly client: DynamoDBDocumentClient;
  private readonly tableName: string;

  constructor(options: { client: DynamoDBDocumentClient; tableName: string }) {
    this.client = options.client;
    this.tableName = options.tableName;
  }

  private putNew(run: Run): TransactItem {
    return { Put: { TableName: this.tableName, Item: toItem(run), ConditionExpression: 'attribute_not_exists(pk)' } };
  }

  private reserve(tenantId: string, quota: QuotaReservation): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: { pk: tenantPk(tenantId), sk: usageSk(quota.month) },
        UpdateExpression: 'SET #entity = :entity ADD #runs :one',
        ConditionExpression: 'attribute_not_exists(#runs) OR #runs < :limit',
        ExpressionAttributeNames: { '#entity': 'entity', '#runs': 'runs' },
        ExpressionAttributeValues: { ':entity': 'usage', ':one': 1, ':limit': quota.limit },
      },
    };
  }

  async beginScheduledRun(run: Run, options: { overlap: 'skip' | 'allow'; now: string; quota?: QuotaReservation }): Promise<BeginOutcome> {
    const scheduleCheck: TransactItem =
      options.overlap === 'skip'
        ? {
            Update: {
              TableName: this.tableName,
              Key: { pk: tenantPk(run.tenantId), sk: scheduleSk(run.scheduleId!) },
              UpdateExpression: 'SET runningRunId = :run, runningUntil = :until ADD #version :one',
              ConditionExpression: 'attribute_exists(pk) AND enabled = :true AND (attribute_not_exists(runningUntil) OR runningUntil = :null OR runningUntil < :now)',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':run': run.id, ':until': run.deadlineAt, ':one': 1, ':true': true, ':null': null, ':now': options.now },
            },
          }
        : {
            ConditionCheck: {
              TableName: this.tableName,
              Key: { pk: tenantPk(run.tenantId), sk: scheduleSk(run.scheduleId!) },
              ConditionExpression: 'attribute_exists(pk) AND enabled = :true',
              ExpressionAttributeValues: { ':true': true },
            },
          };
    const writes = [this.putNew(run), scheduleCheck, ...(options.quota ? [this.reserve(run.tenantId, options.quota)] : [])];
    try {
      await transactWrite(this.client, { TransactItems: writes });
      return 'started';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const codes = cancellationCodes(error);
      if (codes.length === 0) return this.classifyWithoutReasons(run);
      if (codes[0] === 'ConditionalCheckFailed') return 'duplicate';
      if (codes[1] === 'ConditionalCheckFailed') return 'schedule_changed';
      return 'over_budget';
    }
  }

  /** Some engines omit cancellation reasons; then the run's existence tells a duplicate from the rest. */
  private async classifyWithoutReasons(run: Run): Promise<BeginOutcome> {
    return (await this.get(run.tenantId, run.scheduleId, run.id)) ? 'duplicate' : 'schedule_changed';
  }

  async recordRun(run: Run, quota?: QuotaReservation): Promise<'created' | 'duplicate' | 'over_budget'> {
    try {
      if (quota) await transactWrite(this.client, { TransactItems: [this.putNew(run), this.reserve(run.tenantId, quota)] });
      else await this.client.send(new PutCommand({ TableName: this.tableName, Item: toItem(run), ConditionExpression: 'attribute_not_exists(pk)' }));
      return 'created';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const codes = cancellationCodes(error);
      if (errorName(error) === 'ConditionalCheckFailedException' || codes[0] === 'ConditionalCheckFailed') return 'duplicate';
      if (codes.length === 0 && (await this.get(run.tenantId, run.scheduleId, run.id))) return 'duplicate';
      return 'over_budget';
    }
  }

  async markRunning(run: Run): Promise<boolean> {
    // Now overdue from its deadline on, no longer from when it was queued.
    const due = runDueKeys(run.id, overdueAt({ ...run, status: 'running' })!);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: runsPk(run.tenantId, run.scheduleId), sk: runSk(run.id) },
          UpdateExpression: 'SET #status = :running, startedAt = :startedAt, deadlineAt = :deadline, attempt = :attempt, gsi2pk = :duePk, gsi2sk = :dueSk',
          ConditionExpression: '#status = :queued',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':running': 'running',
            ':queued': 'queued',
            ':startedAt': run.startedAt,
            ':deadline': run.deadlineAt,
            ':attempt': run.attempt,
            ':duePk': due.gsi2pk,
            ':dueSk': due.gsi2sk,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  private finalRunUpdate(run: Run): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: { pk: runsPk(run.tenantId, run.scheduleId), sk: runSk(run.id) },
        UpdateExpression:
          'SET #status = :status, #reason = :reason, finishedAt = :finishedAt, durationMs = :duration, #output = :output, truncated = :truncated, #error = :error, #usage = :usage REMOVE gsi2pk, gsi2sk',
        // Only an unfinished run takes a final state: whoever ends it first (runner or sweeper) wins, once.
        ConditionExpression: '#status IN (:queued, :running)',
        ExpressionAttributeNames: { '#status': 'status', '#reason': 'reason', '#output': 'output', '#error': 'error', '#usage': 'usage' },
        ExpressionAttributeValues: {
          ':status': run.status,
          ':reason': run.reason,
          ':finishedAt': run.finishedAt,
          ':duration': run.durationMs,
          ':output': run.output,
          ':truncated': run.truncated,
          ':error': run.error,
          ':usage': run.usage,
          ':queued': 'queued',
          ':running': 'running',
        },
      },
    };
  }

  private scheduleUpdate(run: Run, outcome: ScheduleOutcome): TransactItem {
    const { schedule, complete } = outcome;
    const succeeded = outcome.status === 'succeeded';
    const set = [
      'lastRunAt = :lastRunAt',
      'lastRunStatus = :status',
      'lastError = :lastError',
      'nextRunAt = :nextRunAt',
      'updatedAt = :updatedAt',
      succeeded ? 'consecutiveFailures = :zero' : 'consecutiveFailures = if_not_exists(consecutiveFailures, :zero) + :one',
    ];
    const values: Record<string, unknown> = {
      ':lastRunAt': outcome.lastRunAt,
      ':status': outcome.status,
      ':lastError': outcome.lastError,
      ':nextRunAt': complete ? null : outcome.nextRunAt,
      ':updatedAt': run.finishedAt,
      ':zero': 0,
      ':one': 1,
      ':enabled': schedule.enabled,
      ':expression': schedule.schedulerExpression,
      ':timezone': schedule.schedulerTimezone,
    };
    if (complete) {
      set.push('enabled = :false', '#status = :completed');
      values[':false'] = false;
      values[':completed'] = 'completed';
    }
    return {
      Update: {
        TableName: this.tableName,
        Key: { pk: tenantPk(run.tenantId), sk: scheduleSk(schedule.id) },
        UpdateExpression: `SET ${set.join(', ')} ADD runCount :one, ${succeeded ? 'successCount' : 'failureCount'} :one, #version :one`,
        ConditionExpression: 'attribute_exists(pk) AND enabled = :enabled AND schedulerExpression = :expression AND schedulerTimezone = :timezone',
        ExpressionAttributeNames: { '#version': 'version', ...(complete ? { '#status': 'status' } : {}) },
        ExpressionAttributeValues: values,
      },
    };
  }

  async finishRun(run: Run, outcome: ScheduleOutcome | null): Promise<FinishOutcome> {
    const writes = [this.finalRunUpdate(run)];
    if (outcome) {
      writes.push(this.scheduleUpdate(run, outcome));
      if (outcome.complete) writes.push(countersUpdate(this.tableName, run.tenantId, ownerScope(outcome.schedule), 0, -1));
    }
    try {
      await transactWrite(this.client, { TransactItems: writes });
      return 'recorded';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const codes = cancellationCodes(error);
      const runRefused = codes.length > 0 ? codes[0] === 'ConditionalCheckFailed' : !(await this.isUnfinished(run));
      if (runRefused || !outcome) return 'already_final';
      const current = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: tenantPk(run.tenantId), sk: scheduleSk(outcome.schedule.id) }, ConsistentRead: true }));
      if (current.Item) return 'schedule_changed';
      return (await this.finishRun(run, null)) === 'recorded' ? 'schedule_gone' : 'already_final';
    }
  }

  private async isUnfinished(run: Run): Promise<boolean> {
    const stored = await this.get(run.tenantId, run.scheduleId, run.id);
    return stored?.status === 'queued' || stored?.status === 'running';
  }

  /** One Query per due-index shard, keys only: its cost follows the overdue runs, not the table. */
  async listOverdue(cutoff: string, limit: number): Promise<RunRef[]> {
    const shards = await Promise.all(
      Array.from({ length: DUE_SHARDS }, (_, shard) =>
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: DUE_INDEX,
            KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk < :cutoff',
            ExpressionAttributeValues: { ':pk': runsDuePk(shard), ':cutoff': cutoff },
            Limit: limit,
          }),
        ),
      ),
    );
    return shards
      .flatMap((page) => page.Items ?? [])
      .sort((a, b) => String(a.gsi2sk).localeCompare(String(b.gsi2sk)))
      .slice(0, limit)
      .flatMap((item) => refOf(item) ?? []);
  }

  async releaseOverlap(run: Run): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: tenantPk(run.tenantId), sk: scheduleSk(run.scheduleId!) },
          UpdateExpression: 'SET runningRunId = :null, runningUntil = :null ADD #version :one',
          ConditionExpression: 'runningRunId = :run',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':null': null, ':one': 1, ':run': run.id },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async get(tenantId: string, scheduleId: string | null, runId: string): Promise<Run | undefined> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: runsPk(tenantId, scheduleId), sk: runSk(runId) }, ConsistentRead: true }));
    return result.Item ? fromItem(result.Item) : undefined;
  }

  async list(tenantId: string, scheduleId: string | null, options: { limit: number; after?: string | undefined; status?: RunStatus | undefined }): Promise<RunPage> {
    const items: Run[] = [];
    let startKey: Record<string, unknown> | undefined;
    // The partition holds only this schedule's runs; ids sort by time, so "older than `after`" is a key condition.
    const condition = options.after === undefined ? 'pk = :pk' : 'pk = :pk AND sk < :after';
    // A status filter may need several pages; ten requests bound the cost whatever the history holds.
    for (let request = 0; request < 10 && items.length <= options.limit; request += 1) {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: condition,
          ...(options.status ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } } : {}),
          ExpressionAttributeValues: {
            ':pk': runsPk(tenantId, scheduleId),
            ...(options.after === undefined ? {} : { ':after': runSk(options.after) }),
            ...(options.status ? { ':status': options.status } : {}),
          },
          ScanIndexForward: false,
          Limit: options.status ? Math.max(50, options.limit + 1) : options.limit + 1 - items.length,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []).map(fromItem));
      startKey = page.LastEvaluatedKey;
      if (!startKey) break;
    }
    const pageItems = items.slice(0, options.limit);
    const more = items.length > options.limit || startKey !== undefined;
    return { items: pageItems, nextAfter: more && pageItems.length > 0 ? pageItems[pageItems.length - 1]!.id : undefined };
  }

  async usage(tenantId: string, month: string): Promise<number> {
    const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: tenantPk(tenantId), sk: usageSk(month) } }));
    return Number(result.Item?.runs ?? 0);
  }
}
