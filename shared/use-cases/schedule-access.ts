import { NotFoundError } from '../domain/errors.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import { ownerScope, SCHEDULE_ID_PATTERN, type Schedule } from '../domain/schedule.ts';
import type { ScheduleDeps } from './schedule-deps.ts';

/** The owner scopes a caller may see: their own schedules and their team's. */
export function visibleScopes(principal: TenantPrincipal): string[] {
  return [`user#${principal.userId}`, ...(principal.teamId ? [`team#${principal.teamId}`] : [])];
}

/** Loads a schedule the caller may see; anything else, including another tenant's id, is a 404. */
export async function loadVisibleSchedule(deps: Pick<ScheduleDeps, 'schedules'>, principal: TenantPrincipal, id: string): Promise<Schedule> {
  // An id that cannot exist is answered like one that does not, without a lookup DynamoDB would refuse.
  if (!SCHEDULE_ID_PATTERN.test(id)) throw new NotFoundError('schedule', id.slice(0, 80));
  const schedule = await deps.schedules.get(principal.tenantId, id);
  if (!schedule || !visibleScopes(principal).includes(ownerScope(schedule))) throw new NotFoundError('schedule', id);
  return schedule;
}
