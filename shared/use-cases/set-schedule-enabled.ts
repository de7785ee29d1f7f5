// Enable/disable (resume/pause) a schedule in both stores.
import type { TenantPrincipal } from '../domain/principal.ts';
import type { Schedule } from '../domain/schedule.ts';
import { applyChanges } from './update-schedule.ts';
import { updateWithMirror, type ScheduleDeps } from './schedule-rules.ts';

export async function setScheduleEnabled(deps: ScheduleDeps, principal: TenantPrincipal, id: string, enabled: boolean): Promise<Schedule> {
  return updateWithMirror(deps, principal, id, (current) => (current.enabled === enabled ? current : applyChanges(deps, current, { enabled })));
}
