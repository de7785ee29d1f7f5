// A fresh table on DynamoDB Local whose client counts what each request costs: requests, and read and write capacity
// units as DynamoDB reports them (ReturnConsumedCapacity: TOTAL on every request — counted, not estimated).
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbClient, documentClientFor } from '#shared/adapters/dynamodb/client.ts';
import { ensureTable } from '#shared/adapters/dynamodb/create-table.ts';

const READ_COMMANDS = new Set(['GetItemCommand', 'QueryCommand', 'BatchGetItemCommand', 'ScanCommand', 'TransactGetItemsCommand']);

export interface Usage {
  requests: number;
  readUnits: number;
  writeUnits: number;
}

export interface MeteredTable {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** What was used since the table was made (a copy). */
  used(): Usage;
  /** What `action` used. */
  measure<T>(action: () => Promise<T>): Promise<{ result: T; usage: Usage }>;
}

export const noUsage = (): Usage => ({ requests: 0, readUnits: 0, writeUnits: 0 });

export function usageBetween(before: Usage, after: Usage): Usage {
  return { requests: after.requests - before.requests, readUnits: after.readUnits - before.readUnits, writeUnits: after.writeUnits - before.writeUnits };
}

export function addUsage(a: Usage, b: Usage): Usage {
  return { requests: a.requests + b.requests, readUnits: a.readUnits + b.readUnits, writeUnits: a.writeUnits + b.writeUnits };
}

/** `usage` divided by `count`, two decimals. */
export function perEach(usage: Usage, count: number): Usage {
  const each = (value: number) => Number((value / count).toFixed(2));
  return { requests: each(usage.requests), readUnits: each(usage.readUnits), writeUnits: each(usage.writeUnits) };
}

export async function meteredTable(endpoint: string, prefix = 'bench'): Promise<MeteredTable> {
  const base = createDynamoDbClient({ endpoint });
  const tableName = `${prefix}-${randomUUID()}`;
  await ensureTable(base, tableName);
  const total = noUsage();
  base.middlewareStack.add(
    (next, context) => async (args) => {
      total.requests += 1;
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
      const units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
      // BENCH_TRACE=1 logs each request and its units to stderr, to see where a path's units go.
      if (process.env.BENCH_TRACE) console.error(`${context.commandName}\t${units}`);
      if (READ_COMMANDS.has(context.commandName ?? '')) total.readUnits += units;
      else total.writeUnits += units;
      return result;
    },
    { step: 'initialize', name: 'meterCapacity' },
  );
  const used = () => ({ ...total });
  return {
    client: documentClientFor(base),
    tableName,
    used,
    async measure(action) {
      const before = used();
      const result = await action();
      return { result, usage: usageBetween(before, used()) };
    },
  };
}
