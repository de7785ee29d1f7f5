// Enable/disable (resume/pause) a schedule in both stores; a resume catches up a missed occurrence when asked to.
import type { TenantPrincipal } from '../domain/principal.ts';
import type { Schedule } from '../domain/schedule.ts';
import { catchUpMissed } from './catch-up.ts';
import { applyChanges } from './schedule-changes.ts';
import type { ScheduleDeps } from './schedule-deps.ts';
import { updateWithMirror } from './scheduler-sync.ts';
import type { TriggerDeps } from './trigger-schedule.ts';

export async function setScheduleEnabled(deps: ScheduleDeps, principal: TenantPrincipal, id: string, enabled: boolean): Promise<Schedule> {
  return updateWithMirror(deps, principal, id, (current) => (current.enabled === enabled ? current : applyChanges(deps, current, { enabled })));
}

/** Resume: enabled in both stores; with catchUp "latest" the most recent occurrence missed while paused runs once. */
export async function resumeSchedule(deps: ScheduleDeps & TriggerDeps, principal: TenantPrincipal, id: string): Promise<Schedule> {
  let resumed = false;
  const schedule = await updateWithMirror(deps, principal, id, (current) => {
    resumed = !current.enabled;
    return current.enabled ? current : applyChanges(deps, current, { enabled: true });
  });
  if (resumed) {
    await catchUpMissed(deps, schedule).catch((error: unknown) =>
      deps.log?.('Catch-up after resume failed; the schedule is resumed', { scheduleId: id, error: error instanceof Error ? error.name : 'unknown' }),
    );
  }
  return schedule;
}
