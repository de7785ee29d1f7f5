import { ConflictError, MirrorError, ValidationError, type DomainError } from '../domain/errors.ts';
import { retryStale } from './retry.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import type { Schedule } from '../domain/schedule.ts';
import { SchedulerRejectedError, type MirroredSchedule } from '../ports/scheduler-mirror.ts';
import { loadVisibleSchedule } from './schedule-access.ts';
import type { ScheduleDeps } from './schedule-deps.ts';
import { computeNextRunAt } from './schedule-timing.ts';

export function toMirrored(schedule: Schedule): MirroredSchedule {
  return {
    name: schedule.id,
    tenantId: schedule.tenantId,
    expression: schedule.schedulerExpression,
    timezone: schedule.schedulerTimezone,
    enabled: schedule.enabled,
    oneTime: schedule.scheduleType === 'one-time',
    startAt: schedule.startAt,
    endAt: schedule.endAt,
    ...(schedule.flexibleWindowMinutes ? { flexibleWindowMinutes: schedule.flexibleWindowMinutes } : {}),
    description: `${schedule.name} — ${schedule.cronDescription}`,
    agentId: schedule.agentId ?? null,
  };
}

/** True when the change touches what EventBridge Scheduler holds. */
export function mirrorChanged(before: Schedule, after: Schedule): boolean {
  const a = toMirrored(before);
  const b = toMirrored(after);
  return JSON.stringify(a) !== JSON.stringify(b);
}

function describeFailure(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown error';
}

/**
 * What to answer when EventBridge refused or failed a change that was then undone: a 400 when it refused the
 * definition itself (retrying cannot help), a 503 when it was busy or unavailable (retrying will).
 */
export function mirrorFailure(error: unknown, unavailable: string): DomainError {
  if (error instanceof SchedulerRejectedError) {
    return new ValidationError(`EventBridge Scheduler refused the schedule (${error.message}); nothing was changed.`, {
      hint: 'Change the field EventBridge names (a date, the expression or the timezone), or ask the operator about the Scheduler quota.',
    });
  }
  return new MirrorError(unavailable, { cause: error });
}

/**
 * Writes a changed schedule to the store, then to the mirror; if the mirror fails the stored schedule is
 * restored, so the two never disagree when the request returns. `change` is re-applied on a version race;
 * a change that returns the schedule it was given changes nothing and writes nothing.
 */
export async function updateWithMirror(
  deps: ScheduleDeps,
  principal: TenantPrincipal,
  id: string,
  change: (current: Schedule) => Schedule | Promise<Schedule>,
): Promise<Schedule> {
  return retryStale(
    async () => {
      const current = await loadVisibleSchedule(deps, principal, id);
      const changed = await change(current);
      if (changed === current) return current;
      const next: Schedule = { ...changed, version: current.version + 1, updatedAt: deps.clock.now().toISOString() };
      next.nextRunAt = computeNextRunAt(next, deps.clock.now());
      await deps.schedules.update(next, current);
      if (!mirrorChanged(current, next)) return next;
      try {
        await deps.mirror.update(toMirrored(next));
        return next;
      } catch (mirrorError) {
        try {
          await deps.schedules.update({ ...current, version: next.version + 1, updatedAt: next.updatedAt }, next);
        } catch (restoreError) {
          deps.log?.('Could not restore a schedule after the Scheduler update failed', {
            tenantId: principal.tenantId,
            scheduleId: id,
            restoreError: describeFailure(restoreError),
          });
        }
        throw mirrorFailure(mirrorError, `EventBridge Scheduler did not accept the change (${describeFailure(mirrorError)}); the schedule was left as it was.`);
      }
    },
    () => new ConflictError('The schedule kept changing while this update was applied; nothing was changed.', { hint: 'Retry the request.' }),
  );
}
