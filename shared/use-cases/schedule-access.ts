// Who may see a schedule: the caller's own and their team's; anything else is a 404.
import { ExpressionError, formatInstant, nextRunsOfSchedulerExpression, resolveTiming, textToCron, type Timing } from '../expressions/index.ts';
import type { Settings } from '../config.ts';
import { ConflictError, MirrorError, NotFoundError, ValidationError, type DomainError } from '../domain/errors.ts';
import { retryStale } from './retry.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import { ownerScope, SCHEDULE_ID_PATTERN, type Schedule, type ScheduleInput } from '../domain/schedule.ts';
import type { AgentStore } from '../ports/agent-store.ts';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import type { ScheduleStore } from '../ports/schedule-store.ts';
import { SchedulerRejectedError, type MirroredSchedule, type SchedulerMirror } from '../ports/scheduler-mirror.ts';
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
