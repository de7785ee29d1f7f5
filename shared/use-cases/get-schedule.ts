// Read one schedule the caller may see.
import type { TenantPrincipal } from '../domain/principal.ts';
import type { Schedule } from '../domain/schedule.ts';
import { loadVisibleSchedule } from './schedule-access.ts';
import type { ScheduleDeps } from './schedule-deps.ts';

export async function getSchedule(deps: Pick<ScheduleDeps, 'schedules'>, principal: TenantPrincipal, id: string): Promise<Schedule> {
  return loadVisibleSchedule(deps, principal, id);
}
