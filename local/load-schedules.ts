// At start-up the local scheduler is rebuilt from DynamoDB, the source of truth, so a restart loses no schedule.
import { scanAllSchedules } from '#shared/adapters/dynamodb/scan-schedules.ts';
import type { Schedule } from '#shared/domain/schedule.ts';
import type { MirroredSchedule } from '#shared/ports/scheduler-mirror.ts';
import { toMirrored } from '#shared/use-cases/scheduler-sync.ts';

/** Every stored schedule, and the mirrored form the local scheduler holds. */
export async function loadSchedules(
  client: Parameters<typeof scanAllSchedules>[0],
  tableName: string,
): Promise<{ stored: Schedule[]; mirrored: MirroredSchedule[] }> {
  const stored = await scanAllSchedules(client, tableName);
  return { stored, mirrored: stored.map(toMirrored) };
}
