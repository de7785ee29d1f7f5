import type { TenantPrincipal } from '../domain/principal.ts';
import type { Schedule, ScheduleInput } from '../domain/schedule.ts';
import { assertAgentExists } from './schedule-checks.ts';
import { applyChanges } from './schedule-changes.ts';
import { updateWithMirror } from './scheduler-sync.ts';
import type { ScheduleDeps } from './schedule-deps.ts';

export async function updateSchedule(deps: ScheduleDeps, principal: TenantPrincipal, id: string, input: ScheduleInput): Promise<Schedule> {
  if (input.agentId !== undefined) await assertAgentExists(deps, principal.tenantId, input.agentId);
  return updateWithMirror(deps, principal, id, (current) => applyChanges(deps, current, input));
}
