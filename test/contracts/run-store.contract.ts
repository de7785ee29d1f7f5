// The RunStore contract (shared/ports/run-store.ts), run against the in-memory fake and the DynamoDB adapter: exactly-once
// starts and their outcomes, the overlap marker, quotas, final states written once with the schedule's counters, the
// sweeper's overdue query, and reads scoped by tenant and schedule.
import { expect, it } from 'vitest';
import type { Run } from '#shared/domain/run.ts';
import type { Schedule } from '#shared/domain/schedule.ts';
import type { RunStore, ScheduleOutcome } from '#shared/ports/run-store.ts';
import type { ScheduleStore } from '#shared/ports/schedule-store.ts';
import { finished, nextVersion, OTHER_TENANT, queuedRun, runIdAt, runningRun, schedule, TENANT } from './builders.ts';

export interface RunStoreSubject {
  runs: RunStore;
  /** The schedules the runs belong to, in the same storage (the runs' writes change them). */
  schedules: ScheduleStore;
}

const SCHEDULE_ID = 'sched_RunsOf001';
/** When the runner begins the runs below: after their start, before their deadline. */
const NOW = '2030-01-01T09:00:01.000Z';
const QUOTA = { limit: 2, month: '2030-01' };

async function stored(schedules: ScheduleStore, id = SCHEDULE_ID): Promise<Schedule> {
  const current = await schedules.get(TENANT, id);
  if (!current) throw new Error(`schedule ${id} is missing`);
  return current;
}

/** What the runner passes to finishRun for a run of `read` that ended as `run` did. */
function outcomeOf(read: Schedule, run: Run, fields: Partial<ScheduleOutcome> = {}): ScheduleOutcome {
  const failed = run.status !== 'succeeded';
  return {
    schedule: read,
    status: run.status,
    lastRunAt: run.startedAt!,
    lastError: failed ? { message: run.error?.message ?? 'failed', kind: run.error?.kind ?? 'agent_error', at: run.finishedAt! } : null,
    nextRunAt: '2030-01-02T08:00:00.000Z',
    complete: false,
    ...fields,
  };
}

export function runStoreContract(makeStores: () => Promise<RunStoreSubject>): void {
  it('starts a scheduled run with overlap allowed: the run is stored as given and its schedule left as it was', async () => {
    // Prepare
    const { runs, schedules } = await makeStores();
    const owner = schedule({ id: SCHEDULE_ID });
    await schedules.create(owner);
    const run = runningRun({ scheduleId: SCHEDULE_ID });

    // Act
    const outcome = await runs.beginScheduledRun(run, { overlap: 'allow', now: NOW });

    // Assess
    expect(outcome).toBe('started');
    expect(await runs.get(TENANT, SCHEDULE_ID, run.id)).toStrictEqual(run);
    expect(await stored(schedules)).toStrictEqual(owner);
  });

  it('reports a second start of the same run as duplicate, whatever its fields, and changes nothing', async () => {
    // Prepare
    const { runs, schedules } = await makeStores();
    await schedules.create(schedule({ id: SCHEDULE_ID, overlapPolicy: 'skip' }));
    const run = runningRun({ scheduleId: SCHEDULE_ID });
    await runs.beginScheduledRun(run, { overlap: 'skip', now: NOW, quota: QUOTA });
    const afterFirst = await stored(schedules);

    // Act
    const again = await runs.beginScheduledRun(
      { ...run, attempt: 2, executionId: 'exec-2' },
      { overlap: 'skip', now: '2030-01-01T10:00:00.000Z', quota: QUOTA },
    );
    const allowed = await runs.beginScheduledRun({ ...run, attempt: 3 }, { overlap: 'allow', now: NOW, quota: QUOTA });

    // Assess
    expect(again).toBe('duplicate');
    expect(allowed).toBe('duplicate');
    expect(await runs.get(TENANT, SCHEDULE_ID, run.id)).toStrictEqual(run);
    expect(await stored(schedules)).toStrictEqual(afterFirst);
    expect(await runs.usage(TENANT, QUOTA.month)).toBe(1);
  });

  it('starts a run exactly once when two deliveries begin it at the same time', async () => {
    // Prepare
    const { runs, schedules } = await makeStores();
    await schedules.create(schedule({ id: SCHEDULE_ID, overlapPolicy: 'skip', version: 1 }));
    const run = runningRun({ scheduleId: SCHEDULE_ID });

    // Act
    const outcomes = await Promise.all([
      runs.beginScheduledRun(run, { overlap: 'skip', now: NOW, quota: QUOTA }),
      runs.beginScheduledRun({ ...run, attempt: 2 }, { overlap: 'skip', now: NOW, quota: QUOTA }),
    ]);

    // Assess
    expect([...outcomes].sort()).toEqual(['duplicate', 'started']);
    expect((await runs.get(TENANT, SCHEDULE_ID, run.id))?.attempt).toBe(outcomes[0] === 'started' ? 1 : 2);
    // A run's writes go to the schedule's state: the definition's version (what updates compare) does not move.
    expect((await stored(schedules)).version).toBe(1);
    expect(await runs.usage(TENANT, QUOTA.month)).toBe(1);
  });

  it('refuses to start on a disabled, deleted or never-created schedule (schedule_changed) and writes no run', async () => {
    // Prepare
    const { runs, schedules } = await makeStores();
    const paused = schedule({ id: 'sched_Paused01', enabled: false, status: 'paused' });
    const deleted = schedule({ id: 'sched_Deleted1' });
    await schedules.create(paused);
    await schedules.create(deleted);
    await schedules.delete(deleted);
    const attempts: Array<[string, 'skip' | 'allow']> = [
      ['sched_Paused01', 'allow'],
      ['sched_Paused01', 'skip'],
      ['sched_Deleted1', 'allow'],
      ['sched_Deleted1', 'skip'],
      ['sched_NeverMad', 'allow'],
      ['sched_NeverMad', 'skip'],
    ];

    // Act
    const outcomes = [];
    for (const [scheduleId, overlap] of attempts) outcomes.push(await runs.beginScheduledRun(runningRun({ scheduleId }), { overlap, now: NOW, quota: QUOTA }));

    // Assess
    expect(outcomes).toEqual(attempts.map(() => 'schedule_changed'));
    for (const [scheduleId] of attempts) expect(await runs.get(TENANT, scheduleId, runningRun({ scheduleId }).id)).toBeUndefined();
    expect(await stored(schedules, 'sched_Paused01')).toStrictEqual(paused);
    expect(await schedules.get(TENANT, 'sched_Deleted1')).toBeUndefined();
    expect(await schedules.get(TENANT, 'sched_NeverMad')).toBeUndefined();
    expect(await runs.usage(TENANT, QUOTA.month)).toBe(0);
  });

  it('takes the overlap marker with overlap skip: runningRunId, runningUntil at the run’s deadline, the version unchanged', async () => {
    // Prepare
    const { runs, schedules } = await makeStores();
    const owner = schedule({ id: SCHEDULE_ID, overlapPolicy: 'skip', version: 7 });
    await schedules.create(owner);
    const run = runningRun({ scheduleId: SCHEDULE_ID });

    // Act
    const outcome = await runs.beginScheduledRun(run, { overlap: 'skip', now: NOW });

    // Assess
    expect(outcome).toBe('started');
    expect(await stored(schedules)).toStrictEqual({ ...owner, runningRunId: run.id, runningUntil: run.deadlineAt });
    expect(await runs.get(TENANT, SCHEDULE_ID, run.id)).toStrictEqual(run);
  });

  it('refuses a skip-overlap start while the marker holds until now or later, takes it over once expired, and ignores it with overlap allowed', async () => {
    // Prepare
    const { runs, schedules } = await makeStores();
    await schedules.create(schedule({ id: SCHEDULE_ID, overlapPolicy: 'skip', version: 1 }));
    const first = runningRun({ scheduleId: SCHEDULE_ID, id: runIdAt(0), deadlineAt: '2030-01-01T09:10:00.000Z' });
    await runs.beginScheduledRun(first, { overlap: 'skip', now: NOW });
    const second = runningRun({ scheduleId: SCHEDULE_ID, id: runIdAt(1), deadlineAt: '2030-01-01T09:20:00.000Z' });
    const third = runningRun({ scheduleId: SCHEDULE_ID, id: runIdAt(2) });

    // Act
    const whileHeld = await runs.beginScheduledRun(second, { overlap: 'skip', now: '2030-01-01T09:05:00.000Z' });
    const atTheDeadline = await runs.beginScheduledRun(second, { overlap: 'skip', now: '2030-01-01T09:10:00.000Z' });
    const refusedWrote = await runs.get(TENANT, SCHEDULE_ID, second.id);
    const allowed = await runs.beginScheduledRun(third, { overlap: 'allow', now: '2030-01-01T09:05:00.000Z' });
    const afterDeadline = await runs.beginScheduledRun(second, { overlap: 'skip', now: '2030-01-01T09:10:00.001Z' });

    // Assess
    expect(whileHeld).toBe('schedule_changed');
    expect(atTheDeadline).toBe('schedule_changed');
    expect(refusedWrote).toBeUndefined();
    expect(allowed).toBe('started');
    expect(afterDeadline).toBe('started');
    const after = await stored(schedules);
    expect({ runningRunId: after.runningRunId, runningUntil: after.runningUntil, version: after.version }).toEqual({
      runningRunId: second.id,
      runningUntil: '2030-01-01T09:20:00.000Z',
      version: 1,
    });
  });

  it('reserves the monthly quota: past the limit a start is over_budget and writes nothing; usage counts per tenant and month', async () => {
    // Prepare
    const { runs, schedules } = await makeStores();
    await schedules.create(schedule({ id: SCHEDULE_ID, overlapPolicy: 'allow' }));
    await schedules.create(schedule({ id: SCHEDULE_ID, tenantId: OTHER_TENANT }));
    const run = (minute: number, tenantId = TENANT) => runningRun({ tenantId, scheduleId: SCHEDULE_ID, id: runIdAt(minute) });

    // Act
    const outcomes = [
      await runs.beginScheduledRun(run(0), { overlap: 'allow', now: NOW, quota: QUOTA }),
      await runs.beginScheduledRun(run(1), { overlap: 'allow', now: NOW, quota: QUOTA }),
      await runs.beginScheduledRun(run(2), { overlap: 'allow', now: NOW, quota: QUOTA }),
      await runs.beginScheduledRun(run(3, OTHER_TENANT), { overlap: 'allow', now: NOW, quota: QUOTA }),
      await runs.beginScheduledRun(run(4), { overlap: 'allow', now: NOW, quota: { limit: 2, month: '2030-02' } }),
      await runs.beginScheduledRun(run(5), { overlap: 'allow', now: NOW, quota: { limit: 3, month: QUOTA.month } }),
      await runs.beginScheduledRun(run(6), { overlap: 'allow', now: NOW }),
    ];

    // Assess
    expect(outcomes).toEqual(['started', 'started', 'over_budget', 'started', 'started', 'started', 'started']);
    expect(await runs.get(TENANT, SCHEDULE_ID, run(2).id)).toBeUndefined();
    expect(await runs.usage(TENANT, QUOTA.month)).toBe(3);
    expect(await runs.usage(TENANT, '2030-02')).toBe(1);
    expect(await runs.usage(OTHER_TENANT, QUOTA.month)).toBe(1);
    expect(await runs.usage(TENANT, '2029-12')).toBe(0);
  });

  it("refuses every run when the quota is 0, the month's first included, and writes nothing", async () => {
    // Prepare
    const { runs, schedules } = await makeStores();
    await schedules.create(schedule({ id: SCHEDULE_ID, overlapPolicy: 'allow' }));
    const none = { limit: 0, month: QUOTA.month };

    // Act
    const scheduled = await runs.beginScheduledRun(runningRun({ scheduleId: SCHEDULE_ID, id: runIdAt(0) }), { overlap: 'allow', now: NOW, quota: none });
    const queued = await runs.recordRun(runningRun({ scheduleId: SCHEDULE_ID, id: runIdAt(1), status: 'queued' }), none);

    // Assess
    expect([scheduled, queued]).toEqual(['over_budget', 'over_budget']);
    expect(await runs.get(TENANT, SCHEDULE_ID, runIdAt(0))).toBeUndefined();
    expect(await runs.get(TENANT, SCHEDULE_ID, runIdAt(1))).toBeUndefined();
    expect(await runs.usage(TENANT, QUOTA.month)).toBe(0);
  });

  it('names the first condition that failed: duplicate before schedule_changed before over_budget', async () => {
    // Prepare
    const { runs, schedules } = await makeStores();
    const owner = schedule({ id: SCHEDULE_ID, overlapPolicy: 'skip', version: 1 });
    await schedules.create(owner);
    const first = runningRun({ scheduleId: SCHEDULE_ID, id: runIdAt(0) });
    const full = { limit: 1, month: QUOTA.month };
    await runs.beginScheduledRun(first, { overlap: 'skip', now: NOW, quota: full });

    // Act
    const duplicateHeldOverBudget = await runs.beginScheduledRun(first, { overlap: 'skip', now: NOW, quota: full });
    const heldOverBudget = await runs.beginScheduledRun(runningRun({ scheduleId: SCHEDULE_ID, id: runIdAt(1) }), { overlap: 'skip', now: NOW, quota: full });
    await schedules.update(nextVersion(await stored(schedules), { enabled: false, status: 'paused' }), await stored(schedules));
    const pausedOverBudget = await runs.beginScheduledRun(runningRun({ scheduleId: SCHEDULE_ID, id: runIdAt(2) }), { overlap: 'allow', now: NOW, quota: full });

    // Assess
    expect(duplicateHeldOverBudget).toBe('duplicate');
    expect(heldOverBudget).toBe('schedule_changed');
    expect(pausedOverBudget).toBe('schedule_changed');
    expect(await runs.usage(TENANT, QUOTA.month)).toBe(1);
  });

  it('records a skipped, queued or API run once; recording the id again is a duplicate and changes nothing', async () => {
    // Prepare
    const { runs } = await makeStores();
    const skipped = finished(runningRun({ scheduleId: SCHEDULE_ID, id: runIdAt(0) }), {
      status: 'skipped',
      reason: 'overlap',
      durationMs: 0,
      output: null,
      usage: null,
    });
    const queued = queuedRun({ scheduleId: SCHEDULE_ID, id: runIdAt(1) });
    const api = queuedRun({ scheduleId: null, id: runIdAt(2) });

    // Act
    const created = [await runs.recordRun(skipped), await runs.recordRun(queued, QUOTA), await runs.recordRun(api)];
    const again = [
      await runs.recordRun({ ...skipped, reason: 'budget' }),
      await runs.recordRun({ ...queued, task: 'Other' }, QUOTA),
      await runs.recordRun({ ...api, attempt: 2 }),
    ];

    // Assess
    expect(created).toEqual(['created', 'created', 'created']);
    expect(again).toEqual(['duplicate', 'duplicate', 'duplicate']);
    expect(await runs.get(TENANT, SCHEDULE_ID, skipped.id)).toStrictEqual(skipped);
    expect(await runs.get(TENANT, SCHEDULE_ID, queued.id)).toStrictEqual(queued);
    expect(await runs.get(TENANT, null, api.id)).toStrictEqual(api);
    expect(await runs.usage(TENANT, QUOTA.month)).toBe(1);
  });

  it('records runs against the same monthly quota as scheduled starts; a duplicate wins over over_budget', async () => {
    // Prepare
    const { runs, schedules } = await makeStores();
    await schedules.create(schedule({ id: SCHEDULE_ID }));
    await runs.beginScheduledRun(runningRun({ scheduleId: SCHEDULE_ID, id: runIdAt(0) }), { overlap: 'allow', now: NOW, quota: QUOTA });
    const queued = queuedRun({ scheduleId: SCHEDULE_ID, id: runIdAt(1) });

    // Act
    const second = await runs.recordRun(queued, QUOTA);
    const third = await runs.recordRun(queuedRun({ scheduleId: null, id: runIdAt(2) }), QUOTA);
    const repeated = await runs.recordRun(queued, QUOTA);

    // Assess
    expect(second).toBe('created');
    expect(third).toBe('over_budget');
    expect(repeated).toBe('duplicate');
    expect(await runs.get(TENANT, null, runIdAt(2))).toBeUndefined();
    expect(await runs.usage(TENANT, QUOTA.month)).toBe(2);
  });

  it('marks a queued run running once, setting its start, deadline and attempt and keeping the rest', async () => {
    // Prepare
    const { runs } = await makeStores();
    const queued = queuedRun({ scheduleId: SCHEDULE_ID });
    await runs.recordRun(queued);
    const running: Run = {
      ...queued,
      status: 'running',
      startedAt: '2030-01-01T09:00:05.000Z',
      deadlineAt: '2030-01-01T09:05:05.000Z',
      attempt: 2,
      task: 'Ignored',
    };

    // Act
    const first = await runs.markRunning(running);
    const again = await runs.markRunning({ ...running, startedAt: '2030-01-01T09:01:00.000Z', attempt: 3 });
    const missing = await runs.markRunning({ ...running, id: runIdAt(30) });

    // Assess
    expect(first).toBe(true);
    expect(again).toBe(false);
    expect(missing).toBe(false);
    expect(await runs.get(TENANT, SCHEDULE_ID, queued.id)).toStrictEqual({ ...running, task: queued.task });
    expect(await runs.get(TENANT, SCHEDULE_ID, runIdAt(30))).toBeUndefined();
  });

  it('does not mark a finished or skipped run running', async () => {
    // Prepare
    const { runs } = await makeStores();
    const queued = queuedRun({ scheduleId: null });
    await runs.recordRun(queued);
    const ended = finished(queued, { status: 'skipped', reason: 'deleted', output: null, usage: null });
    await runs.finishRun(ended, null);

    // Act
    const marked = await runs.markRunning({ ...queued, status: 'running', startedAt: NOW, deadlineAt: '2030-01-01T09:10:00.000Z' });

    // Assess
    expect(marked).toBe(false);
    expect(await runs.get(TENANT, null, queued.id)).toStrictEqual(ended);
  });

  it('writes an unfinished run’s final state once (its result fields only); a later finish is already_final and writes nothing', async () => {
    // Prepare
    const { runs } = await makeStores();
    const queued = queuedRun({ scheduleId: null });
    await runs.recordRun(queued);
    const running: Run = { ...queued, status: 'running', startedAt: '2030-01-01T09:00:01.000Z', deadlineAt: '2030-01-01T09:05:01.000Z' };
    await runs.markRunning(running);
    const failed = finished(running, {
      status: 'failed',
      output: null,
      truncated: false,
      error: { message: 'agent answered 500', kind: 'http_status' },
      usage: null,
    });

    // Act
    const first = await runs.finishRun({ ...failed, task: 'Not a result field', attempt: 7 }, null);
    const second = await runs.finishRun(finished(running, { status: 'timed_out', reason: null, finishedAt: '2030-01-01T09:07:01.000Z' }), null);

    // Assess
    expect(first).toBe('recorded');
    expect(second).toBe('already_final');
    expect(await runs.get(TENANT, null, queued.id)).toStrictEqual(failed);
  });

  it('ends a queued run directly, and refuses to finish a run that was never recorded without creating it', async () => {
    // Prepare
    const { runs } = await makeStores();
    const queued = queuedRun({ scheduleId: SCHEDULE_ID });
    await runs.recordRun(queued);
    const skipped = { ...queued, status: 'skipped' as const, reason: 'deleted' as const, finishedAt: NOW, durationMs: 0 };
    const ghost = finished(runningRun({ scheduleId: SCHEDULE_ID, id: runIdAt(40) }));

    // Act
    const ended = await runs.finishRun(skipped, null);
    const unknown = await runs.finishRun(ghost, null);

    // Assess
    expect(ended).toBe('recorded');
    expect(await runs.get(TENANT, SCHEDULE_ID, queued.id)).toStrictEqual(skipped);
    expect(unknown).toBe('already_final');
    expect(await runs.get(TENANT, SCHEDULE_ID, ghost.id)).toBeUndefined();
  });

  it('writes a success onto its schedule with the run: last-run fields, counters, consecutive failures reset, the version unchanged', async () => {
    // Prepare
    const { runs, schedules } = await makeStores();
    const owner = schedule({ id: SCHEDULE_ID, overlapPolicy: 'allow', runCount: 12, successCount: 10, failureCount: 2, consecutiveFailures: 2, version: 3 });
    await schedules.create(owner);
    const run = runningRun({ scheduleId: SCHEDULE_ID });
    await runs.beginScheduledRun(run, { overlap: 'allow', now: NOW });
    const ended = finished(run);

    // Act
    const outcome = await runs.finishRun(ended, outcomeOf(owner, ended));

    // Assess
    expect(outcome).toBe('recorded');
    expect(await runs.get(TENANT, SCHEDULE_ID, run.id)).toStrictEqual(ended);
    expect(await stored(schedules)).toStrictEqual({
      ...owner,
      lastRunAt: run.startedAt,
      lastRunStatus: 'succeeded',
      lastError: null,
      nextRunAt: '2030-01-02T08:00:00.000Z',
      // The later of the definition's last change and the run's end.
      updatedAt: [owner.updatedAt, ended.finishedAt!].sort().at(-1),
      runCount: 13,
      successCount: 11,
      failureCount: 2,
      consecutiveFailures: 0,
    });
    expect(await schedules.counts(TENANT, ['user#u1'])).toEqual({ total: 1, enabled: 1 });
  });

  it('writes a failure onto its schedule: its error, the failure counter and one more consecutive failure', async () => {
    // Prepare
    const { runs, schedules } = await makeStores();
    const owner = schedule({ id: SCHEDULE_ID, runCount: 12, successCount: 10, failureCount: 2, consecutiveFailures: 1, version: 3 });
    await schedules.create(owner);
    const run = runningRun({ scheduleId: SCHEDULE_ID });
    await runs.beginScheduledRun(run, { overlap: 'allow', now: NOW });
    const ended = finished(run, { status: 'timed_out', output: null, error: { message: 'no answer in time', kind: 'timeout' } });

    // Act
    const outcome = await runs.finishRun(ended, outcomeOf(owner, ended));

    // Assess
    expect(outcome).toBe('recorded');
    const after = await stored(schedules);
    expect(after).toStrictEqual({
      ...owner,
      lastRunAt: run.startedAt,
      lastRunStatus: 'timed_out',
      lastError: { message: 'no answer in time', kind: 'timeout', at: ended.finishedAt },
      nextRunAt: '2030-01-02T08:00:00.000Z',
      // The later of the definition's last change and the run's end.
      updatedAt: [owner.updatedAt, ended.finishedAt!].sort().at(-1),
      runCount: 13,
      successCount: 10,
      failureCount: 3,
      consecutiveFailures: 2,
    });
  });

  it('adds concurrent runs’ results to the counters even when the schedule was renamed meanwhile (the new name stays)', async () => {
    // Prepare
    const { runs, schedules } = await makeStores();
    const owner = schedule({ id: SCHEDULE_ID, runCount: 0, successCount: 0, failureCount: 0, consecutiveFailures: 0, version: 1 });
    await schedules.create(owner);
    const first = runningRun({ scheduleId: SCHEDULE_ID, id: runIdAt(0) });
    const second = runningRun({ scheduleId: SCHEDULE_ID, id: runIdAt(1) });
    await runs.beginScheduledRun(first, { overlap: 'allow', now: NOW });
    await runs.beginScheduledRun(second, { overlap: 'allow', now: NOW });
    await schedules.update(nextVersion(owner, { name: 'Renamed meanwhile' }), owner);

    // Act
    const outcomes = [
      await runs.finishRun(finished(first), outcomeOf(owner, finished(first))),
      await runs.finishRun(
        finished(second, { status: 'failed', error: { message: 'x', kind: 'agent_error' } }),
        outcomeOf(owner, finished(second, { status: 'failed' })),
      ),
    ];

    // Assess
    expect(outcomes).toEqual(['recorded', 'recorded']);
    const after = await stored(schedules);
    expect(after).toMatchObject({ name: 'Renamed meanwhile', runCount: 2, successCount: 1, failureCount: 1, consecutiveFailures: 1, version: 2 });
  });

  it('completes a one-time schedule with its run: disabled, status completed, no next run, one fewer enabled', async () => {
    // Prepare
    const { runs, schedules } = await makeStores();
    const owner = schedule({
      id: SCHEDULE_ID,
      scheduleType: 'one-time',
      cronExpression: null,
      scheduledTime: '2030-01-01T09:00:00.000Z',
      schedulerExpression: 'at(2030-01-01T09:00:00)',
      schedulerTimezone: 'UTC',
      timezone: 'UTC',
      version: 2,
    });
    await schedules.create(owner);
    const run = runningRun({ scheduleId: SCHEDULE_ID });
    await runs.beginScheduledRun(run, { overlap: 'allow', now: NOW });
    const ended = finished(run);

    // Act
    const outcome = await runs.finishRun(ended, outcomeOf(owner, ended, { complete: true, nextRunAt: '2030-01-02T09:00:00.000Z' }));

    // Assess
    expect(outcome).toBe('recorded');
    const after = await stored(schedules);
    expect(after).toMatchObject({ enabled: false, status: 'completed', nextRunAt: null, lastRunStatus: 'succeeded', runCount: 13, version: 3 });
    expect(await schedules.counts(TENANT, ['user#u1'])).toEqual({ total: 1, enabled: 0 });
    expect(await runs.get(TENANT, SCHEDULE_ID, run.id)).toStrictEqual(ended);
  });

  it('writes nothing when the schedule was paused or re-timed since the runner read it (schedule_changed)', async () => {
    // Prepare
    const { runs, schedules } = await makeStores();
    const changes: Array<[string, Partial<Schedule>]> = [
      ['sched_Paused01', { enabled: false, status: 'paused' }],
      ['sched_Express1', { schedulerExpression: 'cron(0 10 ? * MON-FRI *)', cronExpression: '0 10 * * 1-5' }],
      ['sched_Timezon1', { schedulerTimezone: 'Europe/London', timezone: 'Europe/London' }],
    ];
    const cases = [];
    for (const [id, change] of changes) {
      const read = schedule({ id, version: 1 });
      await schedules.create(read);
      const run = runningRun({ scheduleId: id });
      await runs.beginScheduledRun(run, { overlap: 'allow', now: NOW });
      const changed = nextVersion(read, change);
      await schedules.update(changed, read);
      cases.push({ read, run, changed });
    }

    // Act
    const outcomes = [];
    for (const { read, run } of cases) outcomes.push(await runs.finishRun(finished(run), outcomeOf(read, finished(run), { complete: true })));

    // Assess
    expect(outcomes).toEqual(['schedule_changed', 'schedule_changed', 'schedule_changed']);
    for (const { run, changed } of cases) {
      expect(await runs.get(TENANT, changed.id, run.id)).toStrictEqual(run);
      expect(await stored(schedules, changed.id)).toStrictEqual(changed);
    }
    expect(await schedules.counts(TENANT, ['user#u1'])).toEqual({ total: 3, enabled: 2 });
  });

  it('records the run alone when its schedule was deleted meanwhile (schedule_gone), recreating nothing', async () => {
    // Prepare
    const { runs, schedules } = await makeStores();
    const owner = schedule({ id: SCHEDULE_ID, scheduleType: 'one-time', version: 1 });
    await schedules.create(owner);
    const run = runningRun({ scheduleId: SCHEDULE_ID });
    await runs.beginScheduledRun(run, { overlap: 'allow', now: NOW });
    await schedules.delete(owner);
    const ended = finished(run);

    // Act
    const outcome = await runs.finishRun(ended, outcomeOf(owner, ended, { complete: true }));
    const again = await runs.finishRun(ended, outcomeOf(owner, ended, { complete: true }));

    // Assess
    expect(outcome).toBe('schedule_gone');
    expect(again).toBe('already_final');
    expect(await runs.get(TENANT, SCHEDULE_ID, run.id)).toStrictEqual(ended);
    expect(await schedules.get(TENANT, SCHEDULE_ID)).toBeUndefined();
    expect(await schedules.counts(TENANT, ['user#u1'])).toEqual({ total: 0, enabled: 0 });
  });

  it('leaves the schedule alone when the run was already final (already_final), and one of two racing finishes wins', async () => {
    // Prepare
    const { runs, schedules } = await makeStores();
    const owner = schedule({ id: SCHEDULE_ID, runCount: 0, successCount: 0, failureCount: 0, consecutiveFailures: 0, version: 1 });
    await schedules.create(owner);
    const run = runningRun({ scheduleId: SCHEDULE_ID });
    await runs.beginScheduledRun(run, { overlap: 'allow', now: NOW });
    const byRunner = finished(run);
    const bySweeper = finished(run, {
      status: 'timed_out',
      output: null,
      usage: null,
      error: { message: 'overdue', kind: 'timeout' },
      finishedAt: '2030-01-01T09:12:01.000Z',
    });

    // Act
    const raced = await Promise.all([runs.finishRun(byRunner, outcomeOf(owner, byRunner)), runs.finishRun(bySweeper, outcomeOf(owner, bySweeper))]);
    const late = await runs.finishRun(byRunner, outcomeOf(owner, byRunner));

    // Assess
    expect([...raced].sort()).toEqual(['already_final', 'recorded']);
    expect(late).toBe('already_final');
    const winner = raced[0] === 'recorded' ? byRunner : bySweeper;
    expect(await runs.get(TENANT, SCHEDULE_ID, run.id)).toStrictEqual(winner);
    expect(await stored(schedules)).toMatchObject({ runCount: 1, lastRunStatus: winner.status, version: 1 });
  });

  it('reads back a long output whole (get and list), and the output of the finish that won when two race', async () => {
    // Prepare
    const { runs, schedules } = await makeStores();
    const owner = schedule({ id: SCHEDULE_ID, overlapPolicy: 'allow', version: 1 });
    await schedules.create(owner);
    const run = runningRun({ scheduleId: SCHEDULE_ID, id: runIdAt(0) });
    const short = runningRun({ scheduleId: SCHEDULE_ID, id: runIdAt(1) });
    await runs.beginScheduledRun(run, { overlap: 'allow', now: NOW });
    await runs.beginScheduledRun(short, { overlap: 'allow', now: NOW });
    // 60 KiB each, multi-byte characters included: far past what a run record keeps inline.
    const byRunner = finished(run, { output: `runner ✓ ${'r'.repeat(60 * 1024)}` });
    const byCallback = finished(run, { output: `callback ✓ ${'c'.repeat(60 * 1024)}`, finishedAt: '2030-01-01T09:00:32.000Z' });

    // Act
    const raced = await Promise.all([runs.finishRun(byRunner, outcomeOf(owner, byRunner)), runs.finishRun(byCallback, outcomeOf(owner, byCallback))]);
    await runs.finishRun(finished(short), outcomeOf(owner, finished(short)));

    // Assess
    expect([...raced].sort()).toEqual(['already_final', 'recorded']);
    const winner = raced[0] === 'recorded' ? byRunner : byCallback;
    expect(await runs.get(TENANT, SCHEDULE_ID, run.id)).toStrictEqual(winner);
    const page = await runs.list(TENANT, SCHEDULE_ID, { limit: 10 });
    expect(page.items).toStrictEqual([finished(short), winner]);
  });

  it('gives up the overlap marker only for the run holding it; a missing schedule is neither an error nor recreated', async () => {
    // Prepare
    const { runs, schedules } = await makeStores();
    const owner = schedule({ id: SCHEDULE_ID, overlapPolicy: 'skip', version: 1 });
    await schedules.create(owner);
    const holder = runningRun({ scheduleId: SCHEDULE_ID, id: runIdAt(0) });
    const other = runningRun({ scheduleId: SCHEDULE_ID, id: runIdAt(1) });
    await runs.beginScheduledRun(holder, { overlap: 'skip', now: NOW });
    const held = await stored(schedules);

    // Act
    await runs.releaseOverlap(other);
    const afterOther = await stored(schedules);
    await runs.releaseOverlap(holder);
    const afterHolder = await stored(schedules);
    await runs.releaseOverlap(holder);
    const afterRepeat = await stored(schedules);
    const next = await runs.beginScheduledRun(other, { overlap: 'skip', now: NOW });
    await runs.releaseOverlap(runningRun({ scheduleId: 'sched_NeverMad', id: runIdAt(2) }));

    // Assess
    expect(afterOther).toStrictEqual(held);
    expect(afterHolder).toStrictEqual({ ...held, runningRunId: null, runningUntil: null });
    expect(afterRepeat).toStrictEqual(afterHolder);
    expect(next).toBe('started');
    expect(await schedules.get(TENANT, 'sched_NeverMad')).toBeUndefined();
  });

  it('lists unfinished runs overdue before the cutoff across tenants, oldest first (then by run id), at most limit', async () => {
    // Prepare
    const { runs, schedules } = await makeStores();
    await schedules.create(schedule({ id: SCHEDULE_ID }));
    // Queued runs are overdue 75 minutes after queuedAt, running ones 2 minutes after their deadline.
    const queuedLate = queuedRun({ scheduleId: SCHEDULE_ID, id: runIdAt(0, 'bbbbbbbbbbbb'), queuedAt: '2030-01-01T09:00:00.000Z' }); // 10:15
    const queuedTie = queuedRun({ scheduleId: SCHEDULE_ID, id: runIdAt(0, 'aaaaaaaaaaaa'), queuedAt: '2030-01-01T09:00:00.000Z' }); // 10:15
    const apiOtherTenant = queuedRun({ tenantId: OTHER_TENANT, scheduleId: null, id: runIdAt(1), queuedAt: '2030-01-01T08:00:00.000Z' }); // 09:15
    const running = runningRun({ scheduleId: SCHEDULE_ID, id: runIdAt(2), deadlineAt: '2030-01-01T09:30:00.000Z' }); // 09:32
    const startedLater = queuedRun({ scheduleId: null, id: runIdAt(3), queuedAt: '2030-01-01T07:00:00.000Z' }); // 08:15, then 11:02
    const ended = runningRun({ scheduleId: SCHEDULE_ID, id: runIdAt(4), deadlineAt: '2030-01-01T08:00:00.000Z' }); // 08:02, then never
    const skipped = finished(runningRun({ scheduleId: SCHEDULE_ID, id: runIdAt(5) }), { status: 'skipped', reason: 'overlap' });
    await runs.recordRun(queuedLate);
    await runs.recordRun(queuedTie);
    await runs.recordRun(apiOtherTenant);
    await runs.beginScheduledRun(running, { overlap: 'allow', now: NOW });
    await runs.recordRun(startedLater);
    await runs.markRunning({ ...startedLater, status: 'running', startedAt: '2030-01-01T10:00:00.000Z', deadlineAt: '2030-01-01T11:00:00.000Z' });
    await runs.beginScheduledRun(ended, { overlap: 'allow', now: NOW });
    await runs.finishRun(finished(ended), null);
    await runs.recordRun(skipped);
    const ref = (run: Run) => ({ tenantId: run.tenantId, scheduleId: run.scheduleId, runId: run.id });

    // Act
    const all = await runs.listOverdue('2030-01-01T10:30:00.000Z', 10);
    const firstTwo = await runs.listOverdue('2030-01-01T10:30:00.000Z', 2);
    const atTheRunningOnesDue = await runs.listOverdue('2030-01-01T09:32:00.000Z', 10);
    const later = await runs.listOverdue('2030-01-01T12:00:00.000Z', 10);

    // Assess
    expect(all).toEqual([ref(apiOtherTenant), ref(running), ref(queuedTie), ref(queuedLate)]);
    expect(firstTwo).toEqual([ref(apiOtherTenant), ref(running)]);
    expect(atTheRunningOnesDue).toEqual([ref(apiOtherTenant)]);
    expect(later).toEqual([ref(apiOtherTenant), ref(running), ref(queuedTie), ref(queuedLate), ref(startedLater)]);
  });

  it('reads a run only under its own tenant and schedule (null: the API runs)', async () => {
    // Prepare
    const { runs, schedules } = await makeStores();
    await schedules.create(schedule({ id: SCHEDULE_ID }));
    const run = runningRun({ scheduleId: SCHEDULE_ID });
    await runs.beginScheduledRun(run, { overlap: 'allow', now: NOW });
    const api = queuedRun({ scheduleId: null, id: runIdAt(9) });
    await runs.recordRun(api);

    // Act
    const reads = [
      await runs.get(OTHER_TENANT, SCHEDULE_ID, run.id),
      await runs.get(TENANT, 'sched_Another01', run.id),
      await runs.get(TENANT, null, run.id),
      await runs.get(TENANT, SCHEDULE_ID, api.id),
      await runs.get(OTHER_TENANT, null, api.id),
      await runs.get(TENANT, SCHEDULE_ID, runIdAt(59)),
    ];

    // Assess
    expect(reads).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
    expect(await runs.get(TENANT, SCHEDULE_ID, run.id)).toStrictEqual(run);
    expect(await runs.get(TENANT, null, api.id)).toStrictEqual(api);
  });

  it('lists one schedule’s runs newest first in pages, strictly older than `after`, with no nextAfter once the rest fits', async () => {
    // Prepare
    const { runs } = await makeStores();
    for (const minute of [3, 1, 5, 2, 4]) await runs.recordRun(queuedRun({ scheduleId: SCHEDULE_ID, id: runIdAt(minute) }));
    await runs.recordRun(queuedRun({ scheduleId: 'sched_Another01', id: runIdAt(6) }));
    await runs.recordRun(queuedRun({ scheduleId: null, id: runIdAt(7) }));
    await runs.recordRun(queuedRun({ tenantId: OTHER_TENANT, scheduleId: SCHEDULE_ID, id: runIdAt(8) }));

    // Act
    const pageIds: string[][] = [];
    const afters: (string | undefined)[] = [];
    let after: string | undefined;
    do {
      const page = await runs.list(TENANT, SCHEDULE_ID, { limit: 2, after });
      pageIds.push(page.items.map((item) => item.id));
      afters.push(page.nextAfter);
      after = page.nextAfter;
    } while (after !== undefined && pageIds.length < 10);
    const exact = await runs.list(TENANT, SCHEDULE_ID, { limit: 5 });
    const fromGap = await runs.list(TENANT, SCHEDULE_ID, { limit: 10, after: runIdAt(3, 'zzzzzzzzzzzz') });
    const api = await runs.list(TENANT, null, { limit: 10 });

    // Assess
    expect(pageIds).toEqual([[runIdAt(5), runIdAt(4)], [runIdAt(3), runIdAt(2)], [runIdAt(1)]]);
    expect(afters).toEqual([runIdAt(4), runIdAt(2), undefined]);
    expect(exact.items).toHaveLength(5);
    expect(exact.nextAfter).toBeUndefined();
    expect(fromGap.items.map((item) => item.id)).toEqual([runIdAt(3), runIdAt(2), runIdAt(1)]);
    expect(api.items).toStrictEqual([queuedRun({ scheduleId: null, id: runIdAt(7) })]);
    expect((await runs.list(OTHER_TENANT, SCHEDULE_ID, { limit: 10 })).items.map((item) => item.id)).toEqual([runIdAt(8)]);
  });

  it('lists only runs of the status asked for, newest first and in pages', async () => {
    // Prepare
    const { runs } = await makeStores();
    for (let minute = 1; minute <= 6; minute++) {
      const queued = queuedRun({ scheduleId: SCHEDULE_ID, id: runIdAt(minute) });
      await runs.recordRun(queued);
      if (minute % 2 === 0) await runs.finishRun({ ...queued, status: 'skipped', reason: 'disabled', finishedAt: NOW, durationMs: 0 }, null);
    }

    // Act
    const skipped = await runs.list(TENANT, SCHEDULE_ID, { limit: 10, status: 'skipped' });
    const firstQueued = await runs.list(TENANT, SCHEDULE_ID, { limit: 2, status: 'queued' });
    const restQueued = await runs.list(TENANT, SCHEDULE_ID, { limit: 2, status: 'queued', after: firstQueued.nextAfter });
    const none = await runs.list(TENANT, SCHEDULE_ID, { limit: 10, status: 'failed' });

    // Assess
    expect(skipped.items.map((item) => item.id)).toEqual([runIdAt(6), runIdAt(4), runIdAt(2)]);
    expect(skipped.items.every((item) => item.status === 'skipped')).toBe(true);
    expect(skipped.nextAfter).toBeUndefined();
    expect(firstQueued.items.map((item) => item.id)).toEqual([runIdAt(5), runIdAt(3)]);
    expect(firstQueued.nextAfter).toBe(runIdAt(3));
    expect(restQueued.items.map((item) => item.id)).toEqual([runIdAt(1)]);
    expect(restQueued.nextAfter).toBeUndefined();
    expect(none).toEqual({ items: [], nextAfter: undefined });
  });
}
