// Enable/disable (resume/pause) a schedule in both stores.
import type { TenantPrincipal } from '../domain/principal.ts';
import type { Schedule } from '../domain/schedule.ts';
import { applyChanges } from './schedule-changes.ts';
import { updateWithMirror } from './scheduler-sync.ts';
import type { ScheduleDeps } from './schedule-deps.ts';

export async function setScheduleEnabled(deps: ScheduleDeps, principal: TenantPrincipal, id: string, enabled: boolean): Promise<Schedule> {
  return updateWithMirror(deps, principal, id, (current) => (current.enabled === enabled ? current : applyChanges(deps, current, { enabled })));
}
