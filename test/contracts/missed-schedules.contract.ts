// The missed-run query (ScheduleStore.listMissed), run against the in-memory fakes and the DynamoDB adapters: which
// schedules it returns, in what order, and that every write of a schedule — the schedule store's and the run store's
// when a run ends — keeps its place right.
import { expect, it } from 'vitest';
import type { Schedule } from '#shared/domain/schedule.ts';
import type { RunStore } from '#shared/ports/run-store.ts';
import type { ScheduleStore } from '#shared/ports/schedule-store.ts';
import { finished, nextVersion, OTHER_TENANT, runningRun, schedule, TENANT } from './builders.ts';

export interface MissedSchedulesSubject {
  schedules: ScheduleStore;
  /** The runs of those schedules, in the same storage (a run's end moves its schedule's nextRunAt). */
  runs: RunStore;
}

const CUTOFF = '2030-01-07T08:30:00.000Z';

/** A schedule of `tenant` with this id whose next fire is at `nextRunAt`. */
function due(id: string, nextRunAt: string | null, fields: Partial<Schedule> = {}): Schedule {
  return schedule({ id, nextRunAt, name: `Schedule ${id}`, ...fields });
}

const ids = (refs: { tenantId: string; scheduleId: string }[]) => refs.map((ref) => `${ref.tenantId}/${ref.scheduleId}`);

async function stored(schedules: ScheduleStore, id: string, tenantId = TENANT): Promise<Schedule> {
  const current = await schedules.get(tenantId, id);
  if (!current) throw new Error(`schedule ${id} is missing`);
  return current;
}

export function missedSchedulesContract(makeStores: () => Promise<MissedSchedulesSubject>): void {
  it('lists enabled schedules of every tenant whose next fire is late before the cutoff, the longest late first', async () => {
    // Prepare
    const { schedules } = await makeStores();
    await schedules.create(due('sched_Late0001', '2030-01-07T08:00:00.000Z'));
    await schedules.create(due('sched_Late0002', '2030-01-07T07:00:00Z', { tenantId: OTHER_TENANT }));
    await schedules.create(due('sched_OnTime01', '2030-01-07T08:30:00.000Z'));
    await schedules.create(due('sched_Paused01', '2030-01-07T07:30:00.000Z', { enabled: false, status: 'paused' }));
    await schedules.create(due('sched_NoNext01', null));
    // Its window runs to 08:45: EventBridge may still start it.
    await schedules.create(due('sched_Window01', '2030-01-07T07:45:00.000Z', { flexibleWindowMinutes: 60 }));

    // Act
    const refs = await schedules.listMissed(CUTOFF, 10);
    const withoutMilliseconds = await schedules.listMissed('2030-01-07T08:30:00Z', 10);

    // Assess
    expect(ids(refs)).toEqual([`${OTHER_TENANT}/sched_Late0002`, `${TENANT}/sched_Late0001`]);
    expect(withoutMilliseconds).toEqual(refs);
    expect(await schedules.listMissed('2030-01-07T08:45:00.001Z', 10)).toHaveLength(4);
  });

  it('returns at most `limit` schedules, the longest late ones', async () => {
    // Prepare
    const { schedules } = await makeStores();
    for (let hour = 0; hour < 6; hour += 1) await schedules.create(due(`sched_Many000${hour}`, `2030-01-07T0${hour}:00:00.000Z`));

    // Act
    const refs = await schedules.listMissed(CUTOFF, 3);

    // Assess
    expect(refs.map((ref) => ref.scheduleId)).toEqual(['sched_Many0000', 'sched_Many0001', 'sched_Many0002']);
  });

  it('follows the schedule store writes: a nextRunAt moved on, a pause, a re-enable and a delete', async () => {
    // Prepare
    const { schedules } = await makeStores();
    const created = due('sched_Moving01', '2030-01-07T08:00:00.000Z');
    await schedules.create(created);
    const listed = async () => (await schedules.listMissed(CUTOFF, 10)).map((ref) => ref.scheduleId);

    // Act and assess
    expect(await listed()).toEqual(['sched_Moving01']);
    const movedOn = nextVersion(created, { nextRunAt: '2030-01-08T08:00:00.000Z', missedCount: 1 });
    await schedules.update(movedOn, created);
    expect(await listed()).toEqual([]);
    const movedBack = nextVersion(movedOn, { nextRunAt: '2030-01-07T08:00:00.000Z' });
    await schedules.update(movedBack, movedOn);
    expect(await listed()).toEqual(['sched_Moving01']);
    const paused = nextVersion(movedBack, { enabled: false, status: 'paused' });
    await schedules.update(paused, movedBack);
    expect(await listed()).toEqual([]);
    const resumed = nextVersion(paused, { enabled: true, status: 'active' });
    await schedules.update(resumed, paused);
    expect(await listed()).toEqual(['sched_Moving01']);
    await schedules.delete(resumed);
    expect(await listed()).toEqual([]);
  });

  it("follows a run's end: its schedule moves to the next run, or leaves the query when it will not fire again", async () => {
    // Prepare
    const { schedules, runs } = await makeStores();
    await schedules.create(due('sched_Ending01', '2030-01-01T09:00:00.000Z'));
    await schedules.create(due('sched_Ending02', '2030-01-01T09:00:00.000Z'));
    const first = runningRun({ scheduleId: 'sched_Ending01' });
    const second = runningRun({ scheduleId: 'sched_Ending02', id: 'run_20300101T090000Z_bbbbbbbbbbbb' });
    await runs.beginScheduledRun(first, { overlap: 'allow', now: first.startedAt! });
    await runs.beginScheduledRun(second, { overlap: 'allow', now: second.startedAt! });
    const lateAfterNine = '2030-01-01T10:00:00.000Z';
    expect(await schedules.listMissed(lateAfterNine, 10)).toHaveLength(2);

    // Act
    const read = await stored(schedules, 'sched_Ending01');
    const outcome = { status: 'succeeded' as const, lastRunAt: first.startedAt!, lastError: null, complete: false };
    await runs.finishRun(finished(first), { ...outcome, schedule: read, nextRunAt: '2030-01-01T09:30:00.000Z' });
    await runs.finishRun(finished(second), { ...outcome, schedule: await stored(schedules, 'sched_Ending02'), nextRunAt: null });

    // Assess
    expect((await schedules.listMissed(lateAfterNine, 10)).map((ref) => ref.scheduleId)).toEqual(['sched_Ending01']);
    expect(await schedules.listMissed('2030-01-01T09:30:00.000Z', 10)).toEqual([]);
    expect((await stored(schedules, 'sched_Ending01')).nextRunAt).toBe('2030-01-01T09:30:00.000Z');
  });

  it('drops a one-time schedule its run completes', async () => {
    // Prepare
    const { schedules, runs } = await makeStores();
    const oneTime = due('sched_OneTime1', '2030-01-01T09:00:00.000Z', {
      scheduleType: 'one-time',
      cronExpression: null,
      scheduledTime: '2030-01-01T09:00:00.000Z',
      schedulerExpression: 'at(2030-01-01T10:00:00)',
    });
    await schedules.create(oneTime);
    const run = runningRun({ scheduleId: oneTime.id });
    await runs.beginScheduledRun(run, { overlap: 'allow', now: run.startedAt! });

    // Act
    await runs.finishRun(finished(run), {
      schedule: await stored(schedules, oneTime.id),
      status: 'succeeded',
      lastRunAt: run.startedAt!,
      lastError: null,
      nextRunAt: null,
      complete: true,
    });

    // Assess
    expect(await schedules.listMissed('2031-01-01T00:00:00.000Z', 10)).toEqual([]);
    expect(await stored(schedules, oneTime.id)).toMatchObject({ enabled: false, status: 'completed', nextRunAt: null });
  });
}
