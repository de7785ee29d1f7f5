// Benchmark: DynamoDB requests per API call (counted on the client) and create/get/list latency on the local server.
import { percentile } from './stats.ts';
import { settingsFromEnv } from '#shared/config.ts';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoDbClient, documentClientFor } from '#shared/adapters/dynamodb/client.ts';
import { ensureTable } from '#shared/adapters/dynamodb/create-table.ts';
import { DynamoAgentStore } from '#shared/adapters/dynamodb/agent-store.ts';
import { DynamoScheduleStore, scheduleItems } from '#shared/adapters/dynamodb/schedule-store.ts';
import { cursorCodec } from '#shared/domain/cursor.ts';
import type { TenantPrincipal } from '#shared/domain/principal.ts';
import { parseScheduleInput } from '#shared/http/schedules.ts';
import { randomIds } from '#shared/adapters/system/ids.ts';
import { systemClock } from '#shared/adapters/system/clock.ts';
import type { MirroredSchedule, SchedulerMirror } from '#shared/ports/scheduler-mirror.ts';
import { createSchedule } from '#shared/use-cases/create-schedule.ts';
import { deleteSchedule } from '#shared/use-cases/delete-schedule.ts';
import { getSchedule } from '#shared/use-cases/get-schedule.ts';
import { listSchedules } from '#shared/use-cases/list-schedules.ts';
import { updateSchedule } from '#shared/use-cases/update-schedule.ts';
import { startDynamoDbLocal } from '#local/dynamodb-local.ts';
import { startLocalServer } from '#local/server.ts';
import { parseScheduleListQuery } from '#shared/http/schedules.ts';

class CountingMirror implements SchedulerMirror {
  calls = 0;
  async create(_schedule: MirroredSchedule) {
    this.calls += 1;
  }
  async update(_schedule: MirroredSchedule) {
    this.calls += 1;
  }
  async delete(_name: string) {
    this.calls += 1;
  }
}

/** Requests each API call makes, with `preload` schedules already in the caller's partition. */
async function countRequests(endpoint: string, preload: number) {
  const base = createDynamoDbClient({ endpoint });
  const tableName = `bench-${randomUUID()}`;
  await ensureTable(base, tableName);
  const client = documentClientFor(base);
  const principal: TenantPrincipal = { role: 'tenant', tenantId: 'bench', userId: 'u1', keyId: 'k' };

  const template = (
    await createSchedule(
      {
        schedules: new DynamoScheduleStore({ client, tableName }),
        agents: new DynamoAgentStore({ client, tableName }),
        mirror: new CountingMirror(),
        clock: systemClock,
        ids: randomIds,
        settings: settingsFromEnv({}),
      },
      principal,
      parseScheduleInput({ name: 'template', cronExpression: '0 9 * * *' }).input,
    )
  ).schedule;
  for (let start = 0; start < preload; start += 12) {
    const items = Array.from({ length: Math.min(12, preload - start) }, (_, index) => {
      const schedule = { ...template, id: `sched_preload${String(start + index).padStart(8, '0')}`, name: `preloaded ${start + index}` };
      return scheduleItems(schedule).map((Item) => ({ PutRequest: { Item } }));
    }).flat();
    await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: items } }));
  }

  const counts: Record<string, number> = {};
  let current = '';
  base.middlewareStack.add(
    (next) => async (args) => {
      counts[current] = (counts[current] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  const mirror = new CountingMirror();
  const cursors = cursorCodec(randomBytes(32).toString('base64url'));
  const deps = {
    schedules: new DynamoScheduleStore({ client, tableName }),
    agents: new DynamoAgentStore({ client, tableName }),
    mirror,
    clock: systemClock,
    ids: randomIds,
    settings: settingsFromEnv({}),
  };
  const measure = async <T>(name: string, action: () => Promise<T>): Promise<T> => {
    current = name;
    const before = mirror.calls;
    const result = await action();
    counts[`${name} (Scheduler calls)`] = mirror.calls - before;
    return result;
  };

  const { schedule } = await measure('create', () => createSchedule(deps, principal, parseScheduleInput({ name: 'bench', cronExpression: '0 9 * * *' }).input));
  await measure('get', () => getSchedule(deps, principal, schedule.id));
  await measure('list page (limit 20)', () => listSchedules({ ...deps, cursors }, principal, parseScheduleListQuery({})));
  await measure('list page (limit 100, enabled=true)', () =>
    listSchedules({ ...deps, cursors }, principal, parseScheduleListQuery({ limit: '100', enabled: 'true' })),
  );
  await measure('update (cron)', () => updateSchedule(deps, principal, schedule.id, parseScheduleInput({ cronExpression: '0 10 * * *' }).input));
  await measure('delete', () => deleteSchedule(deps, principal, schedule.id));
  return counts;
}

async function latency(clients: number, perClient: number) {
  const server = await startLocalServer({ inMemory: true, tickIntervalMs: 0, port: 0, dataDir: mkdtempSync(join(tmpdir(), 'bench-')) });
  const headers = { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' };
  const timings: Record<'create' | 'get' | 'list', number[]> = { create: [], get: [], list: [] };
  const timed = async (kind: keyof typeof timings, request: () => Promise<Response>) => {
    const start = performance.now();
    const response = await request();
    const text = await response.text();
    timings[kind].push(performance.now() - start);
    if (!response.ok) throw new Error(`${kind} answered ${response.status}: ${text}`);
    return text;
  };
  try {
    await Promise.all(
      Array.from({ length: clients }, async (_, client) => {
        for (let index = 0; index < perClient; index += 1) {
          const created = await timed('create', () =>
            fetch(`${server.url}/v1/schedules`, {
              method: 'POST',
              headers,
              body: JSON.stringify({ name: `c${client}-${index}`, task: 't', cronExpression: '*/5 * * * *' }),
            }),
          );
          const { schedule } = JSON.parse(created) as { schedule: { id: string } };
          await timed('get', () => fetch(`${server.url}/v1/schedules/${schedule.id}`, { headers }));
          await timed('list', () => fetch(`${server.url}/v1/schedules?limit=20`, { headers }));
        }
      }),
    );
  } finally {
    await server.stop();
  }
  return Object.fromEntries(
    Object.entries(timings).map(([kind, samples]) => {
      samples.sort((a, b) => a - b);
      return [kind, { requests: samples.length, p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99) }];
    }),
  );
}

export async function benchApi(): Promise<Record<string, unknown>> {
  const dynamo = await startDynamoDbLocal();
  try {
    const small = await countRequests(dynamo.endpoint, 0);
    const large = await countRequests(dynamo.endpoint, 2000);
    return {
      dynamodbRequestsPerCall: { 'table with 1 schedule': small, 'table with 2,001 schedules': large },
      localServerLatency: {
        'one client, 50 of each': await latency(1, 50),
        '50 concurrent clients, 500 of each': await latency(50, 10),
      },
    };
  } finally {
    await dynamo.stop();
  }
}
