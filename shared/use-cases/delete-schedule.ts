// Delete a schedule: the Scheduler copy first (so nothing fires for a deleted schedule), then the stored one.
import { ConflictError, MirrorError, StaleVersionError } from '../domain/errors.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import { loadVisibleSchedule, toMirrored, type ScheduleDeps } from './schedule-rules.ts';

export async function deleteSchedule(deps: ScheduleDeps, principal: TenantPrincipal, id: string): Promise<void> {
  const schedule = await loadVisibleSchedule(deps, principal, id);
  try {
    await deps.mirror.delete(schedule.id);
  } catch (error) {
    throw new MirrorError(`EventBridge Scheduler could not delete the schedule (${error instanceof Error ? error.name : 'unknown error'}); it was not deleted.`, { cause: error });
  }
  try {
    await deps.schedules.delete(schedule);
  } catch (error) {
    // The stored schedule changed or the write failed: put its Scheduler copy back as it is now stored.
    const current = await deps.schedules.get(principal.tenantId, id).catch(() => schedule);
    if (current) {
      await deps.mirror.create(toMirrored(current)).catch((restoreError: unknown) =>
        deps.log?.('Could not restore a Scheduler schedule after the delete failed', { tenantId: principal.tenantId, scheduleId: id, restoreError: restoreError instanceof Error ? restoreError.name : 'unknown' }),
      );
    }
    if (error instanceof StaleVersionError) throw new ConflictError('The schedule changed while it was being deleted; it was not deleted.', { hint: 'Retry the request.' });
    throw error;
  }
}
