// Delete a schedule: the Scheduler copy first (so nothing fires for a deleted schedule), then the stored one.
// Deleting is idempotent under races: a request that finds the schedule already deleted by another one succeeds.
import { ConflictError, NotFoundError } from '../domain/errors.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import { retryStale } from './retry.ts';
import { loadVisibleSchedule } from './schedule-access.ts';
import { mirrorFailure, toMirrored } from './scheduler-sync.ts';
import type { ScheduleDeps } from './schedule-deps.ts';

export async function deleteSchedule(deps: ScheduleDeps, principal: TenantPrincipal, id: string): Promise<void> {
  let found = false;
  await retryStale(
    async () => {
      let schedule;
      try {
        schedule = await loadVisibleSchedule(deps, principal, id);
      } catch (error) {
        // Gone since an earlier attempt read it: another request deleted it, which is what this one wanted.
        if (found && error instanceof NotFoundError) return;
        throw error;
      }
      found = true;
      try {
        await deps.mirror.delete(schedule.id);
      } catch (error) {
        throw mirrorFailure(
          error,
          `EventBridge Scheduler could not delete the schedule (${error instanceof Error ? error.name : 'unknown error'}); it was not deleted.`,
        );
      }
      try {
        await deps.schedules.delete(schedule);
      } catch (error) {
        const current = await deps.schedules.get(principal.tenantId, id).catch(() => schedule);
        if (!current) return;
        // Changed meanwhile (still there): put its Scheduler copy back as it is now stored, then try again.
        await deps.mirror.create(toMirrored(current)).catch((restoreError: unknown) =>
          deps.log?.('Could not restore a Scheduler schedule after the delete failed', {
            tenantId: principal.tenantId,
            scheduleId: id,
            restoreError: restoreError instanceof Error ? restoreError.name : 'unknown',
          }),
        );
        throw error;
      }
    },
    () => new ConflictError('The schedule kept changing while it was being deleted; it was not deleted.', { hint: 'Retry the request.' }),
  );
}
