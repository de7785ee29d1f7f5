// At start-up the local scheduler is rebuilt from DynamoDB, the source of truth, so a restart loses no schedule.
import { scanAllSchedules } from '#shared/adapters/dynamodb/scan-schedules.ts';
import type { MirroredSchedule } from '#shared/ports/scheduler-mirror.ts';
import { toMirrored } from '#shared/use-cases/scheduler-sync.ts';

export async function loadMirroredSchedules(client: Parameters<typeof scanAllSchedules>[0], tableName: string): Promise<MirroredSchedule[]> {
  return (await scanAllSchedules(client, tableName)).map(toMirrored);
}
