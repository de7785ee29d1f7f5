// POST /v1/runs (and the seed's POST /v1/threads): run an agent once now; with a `schedule` block, also create that schedule.
import type { TenantPrincipal } from '../domain/principal.ts';
import type { Run } from '../domain/run.ts';
import type { Schedule, ScheduleInput } from '../domain/schedule.ts';
import { createSchedule } from './create-schedule.ts';
import { assertAgentExists } from './schedule-checks.ts';
import type { ScheduleDeps } from './schedule-deps.ts';
import { enqueueRun, queuedRun, type TriggerDeps } from './trigger-schedule.ts';

/** A one-off run, and optionally a schedule to create with it (parsed by shared/http/runs.ts). */
export interface RunRequest {
  task: string;
  agentId?: string | null | undefined;
  environmentId?: string | null | undefined;
  metadata?: Record<string, unknown> | null | undefined;
  /** Already carries the run's task and agent unless it named its own. */
  schedule?: ScheduleInput | undefined;
}

export async function createRun(
  deps: TriggerDeps & ScheduleDeps,
  principal: TenantPrincipal,
  input: RunRequest,
): Promise<{ run: Run; schedule: Schedule | null }> {
  await assertAgentExists(deps, principal.tenantId, input.agentId);

  let schedule: Schedule | null = null;
  if (input.schedule) schedule = (await createSchedule(deps, principal, input.schedule)).schedule;

  const run = await enqueueRun(
    deps,
    queuedRun(deps, {
      tenantId: principal.tenantId,
      scheduleId: null,
      userId: principal.userId,
      trigger: 'api',
      agentId: input.agentId ?? deps.settings.defaultAgentId ?? null,
      task: input.task,
      metadata: input.metadata ?? null,
    }),
  );
  return { run, schedule };
}
