// Records for the store contracts: every field set (so a lost or renamed attribute shows), and a helper that
// captures a rejection without leaving it unhandled.
import type { Agent } from '#shared/domain/agent.ts';
import type { Backfill } from '#shared/domain/backfill.ts';
import { makeRun, type Run } from '#shared/domain/run.ts';
import type { Schedule } from '#shared/domain/schedule.ts';
import type { ApiKeyRecord } from '#shared/ports/api-key-store.ts';

export const TENANT = 'tenant-a';
export const OTHER_TENANT = 'tenant-b';

/** A schedule with every field set to a non-default value. */
export function schedule(overrides: Partial<Schedule> = {}): Schedule {
  return {
    tenantId: TENANT,
    id: 'sched_AbCdEf12',
    userId: 'u1',
    teamId: 't1',
    ownerType: 'user',
    name: 'Daily report',
    description: 'Summarise yesterday’s sales ✓',
    task: 'Write the report.\nInclude "quotes" and émojis 🚀.',
    agentId: 'finance_agent',
    environmentId: 'prod',
    appId: 'app-1',
    scheduleType: 'recurring',
    cronExpression: '0 9 * * 1-5',
    scheduledTime: null,
    timezone: 'Europe/Paris',
    enabled: true,
    status: 'active',
    schedulerExpression: 'cron(0 9 ? * MON-FRI *)',
    schedulerTimezone: 'Europe/Paris',
    cronDescription: 'At 09:00, Monday through Friday',
    nextRunAt: '2030-01-07T08:00:00.000Z',
    lastRunAt: '2030-01-06T08:00:00.000Z',
    lastRunStatus: 'failed',
    lastError: { message: 'agent answered 500', kind: 'agent_error', at: '2030-01-06T08:00:03.000Z' },
    runCount: 12,
    successCount: 10,
    failureCount: 2,
    consecutiveFailures: 1,
    metadata: { owner: 'finance', nested: { list: [1, 'two', null, true], empty: {} }, ratio: 0.25, blank: '' },
    startAt: '2030-01-01T00:00:00.000Z',
    endAt: null,
    overlapPolicy: 'allow',
    timeoutSeconds: 600,
    createdAt: '2030-01-01T00:00:00.000Z',
    updatedAt: '2030-01-02T00:00:00.000Z',
    version: 3,
    statusReason: null,
    ...overrides,
  };
}

/** The schedule as the next writer would store it: same fields plus `changes`, one version on. */
export function nextVersion(current: Schedule, changes: Partial<Schedule> = {}): Schedule {
  return { ...current, ...changes, version: current.version + 1 };
}

export function agent(overrides: Partial<Agent> = {}): Agent {
  return {
    tenantId: TENANT,
    id: 'finance_agent',
    kind: 'openai',
    name: 'Finance',
    description: null,
    metadata: { team: 'finance', limits: { tokens: 1000 } },
    baseUrl: 'https://api.example.com/v1',
    model: 'gpt-x',
    systemPrompt: 'Be brief.',
    secretRef: 'secret:openai-key',
    createdAt: '2030-01-01T00:00:00.000Z',
    updatedAt: '2030-01-01T00:00:00.000Z',
    version: 1,
    ...overrides,
  } as Agent;
}

export function apiKey(overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord {
  return {
    tenantId: TENANT,
    keyId: 'key_0000000001',
    hash: 'f'.repeat(64),
    userId: 'u1',
    teamId: 't1',
    name: 'CI',
    createdAt: '2030-01-01T00:00:00.000Z',
    ...overrides,
  };
}

/** Far in the future, so no TTL ever removes a test's record. */
const EXPIRES_AT = 4_102_444_800;

/** A scheduled run as the runner begins it: running from `startedAt`, with a deadline. */
export function runningRun(overrides: Partial<Run> & { scheduleId: string | null }): Run {
  return makeRun({
    tenantId: TENANT,
    id: 'run_20300101T090000Z_aaaaaaaaaaaa',
    userId: 'u1',
    trigger: 'schedule',
    status: 'running',
    scheduledTime: '2030-01-01T09:00:00.000Z',
    startedAt: '2030-01-01T09:00:01.000Z',
    deadlineAt: '2030-01-01T09:10:01.000Z',
    agentId: 'finance_agent',
    executionId: 'exec-1',
    expiresAt: EXPIRES_AT,
    ...overrides,
  });
}

/** A manual or API run waiting for the runner. */
export function queuedRun(overrides: Partial<Run> & { scheduleId: string | null }): Run {
  return makeRun({
    tenantId: TENANT,
    id: 'run_20300101T090000Z_qqqqqqqqqqqq',
    userId: 'u1',
    trigger: overrides.scheduleId === null ? 'api' : 'manual',
    status: 'queued',
    queuedAt: '2030-01-01T09:00:00.000Z',
    agentId: 'finance_agent',
    task: 'Answer the question.',
    metadata: { source: 'api', tags: ['a', 'b'] },
    expiresAt: EXPIRES_AT,
    ...overrides,
  });
}

/** The run as it ends (succeeded unless `overrides` say otherwise), as the runner passes it to finishRun. */
export function finished(run: Run, overrides: Partial<Run> = {}): Run {
  return {
    ...run,
    status: 'succeeded',
    finishedAt: '2030-01-01T09:00:31.000Z',
    durationMs: 30_000,
    output: 'All done ✓',
    truncated: false,
    error: null,
    usage: { inputTokens: 120, outputTokens: 45 },
    ...overrides,
  };
}

/** A run id that sorts by the given minute of 2030-01-01 (ids are time-ordered, as newRunId makes them). */
export function runIdAt(minute: number, suffix = 'aaaaaaaaaaaa'): string {
  return `run_20300101T${String(9 + Math.floor(minute / 60)).padStart(2, '0')}${String(minute % 60).padStart(2, '0')}00Z_${suffix}`;
}

/** What the promise rejected with (undefined if it resolved); awaited at once so no rejection goes unhandled. */
export async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error;
  }
}

/** A backfill with every field set (a running one, part way through). */
export function backfill(overrides: Partial<Backfill> = {}): Backfill {
  return {
    tenantId: TENANT,
    id: 'bf_AbCdEf1234',
    scheduleId: 'sched_AbCdEf12',
    userId: 'u1',
    from: '2030-01-01T00:00:00Z',
    to: '2030-01-08T00:00:00Z',
    occurrences: 5,
    nextOccurrence: '2030-01-03T08:00:00Z',
    lastOccurrence: '2030-01-07T08:00:00Z',
    schedulerExpression: 'cron(0 9 ? * MON-FRI *)',
    schedulerTimezone: 'Europe/Paris',
    counts: { ran: 1, alreadyRan: 1, failed: 0 },
    status: 'running',
    stopReason: null,
    createdAt: '2030-01-08T10:00:00.000Z',
    updatedAt: '2030-01-08T10:00:05.000Z',
    version: 3,
    expiresAt: EXPIRES_AT,
    ...overrides,
  };
}
