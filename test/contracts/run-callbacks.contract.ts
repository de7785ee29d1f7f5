// The RunStore contract for long-running agents (RunStore.markAccepted), against the fake and DynamoDB Local: a run
// its agent accepted gets its later deadline and due-index place, and its schedule's overlap marker lasts as long —
// only while the run is running, and the marker only when this run holds it.
import { expect, it } from 'vitest';
import type { Run } from '#shared/domain/run.ts';
import type { Schedule } from '#shared/domain/schedule.ts';
import { finished, runIdAt, runningRun, schedule, TENANT } from './builders.ts';
import type { RunStoreSubject } from './run-store.contract.ts';

const SCHEDULE_ID = 'sched_Accepts01';
const NOW = '2030-01-01T09:00:01.000Z';
/** The runner's synchronous deadline was 09:10:01 (runningRun); the accepted one is hours later. */
const LATER = '2030-01-01T13:00:01.000Z';
const attempts = [{ startedAt: '2030-01-01T09:00:01.000Z', finishedAt: '2030-01-01T09:00:02.000Z', error: null }];

const ref = (run: Run) => ({ tenantId: run.tenantId, scheduleId: run.scheduleId, runId: run.id });
const acceptedFrom = (run: Run): Run => ({ ...run, acceptedAt: '2030-01-01T09:00:02.000Z', deadlineAt: LATER, attempts });

export function runCallbacksContract(makeStores: () => Promise<RunStoreSubject>): void {
  it('accepts a running run: acceptedAt, the later deadline and the attempts, overdue only after that deadline; the held marker lasts as long', async () => {
    // Prepare
    const { runs, schedules } = await makeStores();
    await schedules.create(schedule({ id: SCHEDULE_ID, overlapPolicy: 'skip' }));
    const run = runningRun({ scheduleId: SCHEDULE_ID });
    await runs.beginScheduledRun(run, { overlap: 'skip', now: NOW });
    const held = (await schedules.get(TENANT, SCHEDULE_ID)) as Schedule;

    // Act
    const result = await runs.markAccepted(acceptedFrom(run));

    // Assess
    expect(result).toBe(true);
    expect(await runs.get(TENANT, SCHEDULE_ID, run.id)).toStrictEqual(acceptedFrom(run));
    expect(await schedules.get(TENANT, SCHEDULE_ID)).toStrictEqual({ ...held, runningUntil: LATER });
    expect(await runs.listOverdue('2030-01-01T10:00:00.000Z', 10)).toEqual([]);
    expect(await runs.listOverdue('2030-01-01T13:02:02.000Z', 10)).toEqual([ref(run)]);
    // The next fire before the new deadline finds the marker held.
    const next = runningRun({ scheduleId: SCHEDULE_ID, id: runIdAt(60) });
    expect(await runs.beginScheduledRun(next, { overlap: 'skip', now: '2030-01-01T10:00:00.000Z' })).toBe('schedule_changed');
  });

  it('refuses a run that is no longer running (ended, or still queued) and changes nothing', async () => {
    // Prepare
    const { runs, schedules } = await makeStores();
    await schedules.create(schedule({ id: SCHEDULE_ID, overlapPolicy: 'skip' }));
    const run = runningRun({ scheduleId: SCHEDULE_ID });
    await runs.beginScheduledRun(run, { overlap: 'skip', now: NOW });
    await runs.finishRun(finished(run, { status: 'cancelled', cancelledAt: NOW }), null);
    const read = await schedules.get(TENANT, SCHEDULE_ID);
    const ended = await runs.get(TENANT, SCHEDULE_ID, run.id);

    // Act
    const result = await runs.markAccepted(acceptedFrom(run));

    // Assess
    expect(result).toBe(false);
    expect(await runs.get(TENANT, SCHEDULE_ID, run.id)).toStrictEqual(ended);
    expect(await schedules.get(TENANT, SCHEDULE_ID)).toStrictEqual(read);
  });

  it('leaves a marker another run holds (or none) as it is, and accepts a one-off run', async () => {
    // Prepare
    const { runs, schedules } = await makeStores();
    await schedules.create(schedule({ id: SCHEDULE_ID, overlapPolicy: 'allow' }));
    const allowed = runningRun({ scheduleId: SCHEDULE_ID, id: runIdAt(1) });
    await runs.beginScheduledRun(allowed, { overlap: 'allow', now: NOW });
    const oneOff = runningRun({ scheduleId: null, id: runIdAt(2), trigger: 'api' });
    await runs.recordRun(oneOff);
    const read = await schedules.get(TENANT, SCHEDULE_ID);

    // Act
    const results = [await runs.markAccepted(acceptedFrom(allowed)), await runs.markAccepted(acceptedFrom(oneOff))];

    // Assess
    expect(results).toEqual([true, true]);
    expect(await schedules.get(TENANT, SCHEDULE_ID)).toStrictEqual(read);
    expect(await runs.get(TENANT, null, oneOff.id)).toStrictEqual(acceptedFrom(oneOff));
  });
}
