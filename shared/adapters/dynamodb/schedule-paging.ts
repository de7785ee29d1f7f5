// Schedule list paging: one name-sorted page merged from several owner scopes' byOwnerName partitions, at a bounded
// number of Query requests per scope, and the list position a next page resumes after.
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Schedule } from '../../domain/schedule.ts';
import type { ListSchedulesPage, ListSchedulesQuery, ScheduleFilters } from '../../ports/schedule-store.ts';
import { OWNER_NAME_INDEX } from '../../table.ts';
import type { AttributeNames, StoredItem } from './items/attributes.ts';
import { SCHEDULE_FILTER_ATTRIBUTES, listPositionOf, ownerIndexPartition, scheduleAttributes, scheduleFromItem, type ScheduleItem } from './items/schedule.ts';

/** At most this many Query requests per owner scope per list call (unless the store is given another bound), whatever the table holds. */
export const MAX_QUERIES_PER_SCOPE = 10;
/** With filters, a Query evaluates at most this many items (DynamoDB also stops at 1 MB). */
const MAX_EVALUATED_PER_QUERY = 1000;

export interface ListTarget {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** The request bound per owner scope, at least 1. */
  maxQueriesPerScope: number;
}

interface Entry {
  schedule: Schedule;
  /** The schedule's list position: its byOwnerName sort key. */
  sortKey: string;
}

interface ScopeRead {
  items: Entry[];
  /** Where reading the scope stopped (the last position evaluated); undefined when it was read to its end. */
  readUpTo: string | undefined;
}

/**
 * Each owner scope is a partition of the byOwnerName index, sorted by scheduleSortKey. Every scope is read (in parallel)
 * until it yields limit + 1 matches, ends, or has used its request bound; the results are merged in index order.
 * A scope that stopped before its end is only known up to where it was read, so the page stops at the earliest such
 * point: it may be short, even empty, when the bound cut a scope short, and nextAfter resumes from there.
 * Costs, per owner scope: 1 to maxQueriesPerScope Query requests, one after another; the scopes are read in parallel.
 */
export async function listSchedules(target: ListTarget, query: ListSchedulesQuery): Promise<ListSchedulesPage> {
  const limit = Math.max(1, Math.floor(query.limit));
  const scopes = [...new Set(query.ownerScopes)];
  if (scopes.length === 0) return { items: [], nextAfter: undefined };
  const reads = await Promise.all(scopes.map((scope) => readScope(target, query.tenantId, scope, query.filters, limit, query.after)));
  return merge(reads, limit);
}

/** One page from every scope's reads: the first `limit` entries in list order, none past where a scope stopped. */
function merge(reads: ScopeRead[], limit: number): ListSchedulesPage {
  // Everything at or before `known` has been read in every scope.
  let known: string | undefined;
  for (const read of reads) {
    if (read.readUpTo !== undefined && (known === undefined || compareUtf8(read.readUpTo, known) < 0)) known = read.readUpTo;
  }
  const candidates = reads
    .flatMap((read) => read.items)
    .filter((entry) => known === undefined || compareUtf8(entry.sortKey, known) <= 0)
    .sort((a, b) => compareUtf8(a.sortKey, b.sortKey));

  if (candidates.length > limit) {
    const page = candidates.slice(0, limit);
    return { items: page.map((entry) => entry.schedule), nextAfter: page.at(-1)?.sortKey };
  }
  return { items: candidates.map((entry) => entry.schedule), nextAfter: known };
}

/** Reads one scope's partition after `after`, until limit + 1 matches, its end, or the request bound. */
async function readScope(
  target: ListTarget,
  tenantId: string,
  scope: string,
  filters: ScheduleFilters,
  limit: number,
  after: string | undefined,
): Promise<ScopeRead> {
  const name = scheduleAttributes();
  const filter = filterExpression(filters, name);
  const wanted = limit + 1;
  const items: Entry[] = [];
  const keyCondition = after === undefined ? `${name('gsi1pk')} = :pk` : `${name('gsi1pk')} = :pk AND ${name('gsi1sk')} > :after`;
  const values: Record<string, unknown> = { ':pk': ownerIndexPartition(tenantId, scope), ...filter?.values };
  if (after !== undefined) values[':after'] = after;
  let startKey: StoredItem | undefined;
  let evaluated = 0;
  let previousLimit: number | undefined;
  for (let requests = 0; requests < target.maxQueriesPerScope; requests++) {
    const remaining = wanted - items.length;
    const pageLimit = filter === undefined ? remaining : filteredPageLimit(remaining, evaluated, items.length, previousLimit);
    previousLimit = pageLimit;
    const input: QueryCommandInput = {
      TableName: target.tableName,
      IndexName: OWNER_NAME_INDEX,
      KeyConditionExpression: keyCondition,
      ExpressionAttributeNames: name.names,
      ExpressionAttributeValues: values,
      ScanIndexForward: true,
      Limit: pageLimit,
      ExclusiveStartKey: startKey,
    };
    if (filter !== undefined) input.FilterExpression = filter.expression;
    const result = await target.client.send(new QueryCommand(input));
    evaluated += result.ScannedCount ?? 0;
    for (const item of result.Items ?? []) items.push({ schedule: scheduleFromItem(item), sortKey: listPositionOf(item) });
    startKey = result.LastEvaluatedKey;
    if (startKey === undefined) return { items, readUpTo: undefined };
    if (items.length >= wanted) break;
  }
  return { items, readUpTo: listPositionOf(startKey) };
}

/** How many items the next filtered Query should evaluate: enough for the matches still wanted at the selectivity seen so far. */
function filteredPageLimit(remaining: number, evaluated: number, matched: number, previous: number | undefined): number {
  let estimate: number;
  if (previous === undefined) estimate = remaining * 2;
  else if (matched === 0) estimate = previous * 4;
  else estimate = Math.ceil(((remaining * evaluated) / matched) * 1.25);
  return Math.min(MAX_EVALUATED_PER_QUERY, Math.max(remaining, 25, estimate));
}

function filterExpression(filters: ScheduleFilters, name: AttributeNames<ScheduleItem>): { expression: string; values: Record<string, unknown> } | undefined {
  const conditions: string[] = [];
  const values: Record<string, unknown> = {};
  for (const field of SCHEDULE_FILTER_ATTRIBUTES) {
    const value = filters[field];
    if (value === undefined) continue;
    values[`:${field}`] = value;
    conditions.push(`${name(field)} = :${field}`);
  }
  return conditions.length === 0 ? undefined : { expression: conditions.join(' AND '), values };
}

/** DynamoDB orders string keys by their UTF-8 bytes; JS `<` compares UTF-16 units, which differs past U+FFFF. */
function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
