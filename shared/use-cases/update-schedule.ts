// Change a schedule (PATCH and PUT both merge the given fields), keeping the store and the Scheduler in agreement.
import { ValidationError } from '../domain/errors.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import type { Schedule, ScheduleInput } from '../domain/schedule.ts';
import { assertAgentExists, assertSomethingToRun } from './schedule-checks.ts';
import { assertWindow, resolveScheduleTiming, withTiming } from './schedule-timing.ts';
import { applyChanges } from './schedule-changes.ts';
import { updateWithMirror } from './scheduler-sync.ts';
import { type ScheduleDeps } from './schedule-deps.ts';

export async function updateSchedule(deps: ScheduleDeps, principal: TenantPrincipal, id: string, input: ScheduleInput): Promise<Schedule> {
  if (input.agentId !== undefined) await assertAgentExists(deps, principal.tenantId, input.agentId);
  return updateWithMirror(deps, principal, id, (current) => applyChanges(deps, current, input));
}
