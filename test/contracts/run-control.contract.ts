// The RunStore contract for run control (shared/ports/run-store.ts), against the fake and DynamoDB Local: a queued run
// and its Idempotency-Key record written together (the key taken → 'key_taken', nothing written), and a cancelled
// run's final state with its counters (cancelledCount, the failure streak and last error untouched).
import { expect, it } from 'vitest';
import type { Schedule } from '#shared/domain/schedule.ts';
import { finished, queuedRun, runIdAt, schedule, TENANT } from './builders.ts';
import type { RunStoreSubject } from './run-store.contract.ts';

const SCHEDULE_ID = 'sched_Control001';

export function runControlContract(makeStores: () => Promise<RunStoreSubject>): void {
  it('writes a queued run with its idempotency record; the same key again is key_taken and writes nothing', async () => {
    // Prepare
    const { runs, schedules } = await makeStores();
    await schedules.create(schedule({ id: SCHEDULE_ID }));
    const first = queuedRun({ scheduleId: SCHEDULE_ID, id: runIdAt(1) });
    const second = queuedRun({ scheduleId: SCHEDULE_ID, id: runIdAt(2) });
    const record = { key: 'retry-me', requestHash: 'h1', scheduleId: SCHEDULE_ID, runId: first.id };

    // Act
    const created = await runs.recordRun(first, undefined, record);
    const again = await runs.recordRun(second, undefined, { ...record, runId: second.id });
    const withQuota = await runs.recordRun(second, { limit: 5, month: '2030-01' }, { ...record, runId: second.id });

    // Assess
    expect([created, again, withQuota]).toEqual(['created', 'key_taken', 'key_taken']);
    expect(await schedules.findIdempotency(TENANT, first.userId, 'retry-me')).toEqual(record);
    expect(await runs.get(TENANT, SCHEDULE_ID, second.id)).toBeUndefined();
    expect(await runs.usage(TENANT, '2030-01')).toBe(0);
  });

  it('records a cancelled run with cancelledCount; the failure streak, last error and success count stay', async () => {
    // Prepare
    const { runs, schedules } = await makeStores();
    const lastError = { message: 'boom', kind: 'http_status', at: '2030-01-01T08:00:05.000Z' };
    await schedules.create(schedule({ id: SCHEDULE_ID, consecutiveFailures: 2, failureCount: 2, successCount: 0, runCount: 2, lastError }));
    const read = (await schedules.get(TENANT, SCHEDULE_ID)) as Schedule;
    const run = queuedRun({ scheduleId: SCHEDULE_ID, id: runIdAt(3) });
    await runs.recordRun(run);
    const cancelled = finished(run, { status: 'cancelled', cancelledAt: '2030-01-01T09:00:02Z', error: null });

    // Act
    const outcome = await runs.finishRun(cancelled, {
      schedule: read,
      status: 'cancelled',
      lastRunAt: cancelled.finishedAt!,
      lastError: null,
      nextRunAt: '2030-01-02T08:00:00.000Z',
      complete: false,
    });

    // Assess
    expect(outcome).toBe('recorded');
    expect(await runs.get(TENANT, SCHEDULE_ID, run.id)).toMatchObject({ status: 'cancelled', cancelledAt: '2030-01-01T09:00:02Z' });
    expect(await schedules.get(TENANT, SCHEDULE_ID)).toMatchObject({
      runCount: 3,
      cancelledCount: 1,
      failureCount: 2,
      successCount: 0,
      consecutiveFailures: 2,
      lastError,
      lastRunStatus: 'cancelled',
    });
  });
}
