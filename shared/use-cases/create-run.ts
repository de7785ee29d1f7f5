// POST /v1/runs (and the seed's POST /v1/threads): run an agent once now; with a `schedule` block, also create that schedule.
import type { TenantPrincipal } from '../domain/principal.ts';
import type { Run } from '../domain/run.ts';
import type { Schedule, ScheduleInput } from '../domain/schedule.ts';
import { createSchedule } from './create-schedule.ts';
import { assertAgentExists } from './schedule-checks.ts';
import type { ScheduleDeps } from './schedule-deps.ts';
import { idempotentRequest } from './idempotency.ts';
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
  options: { idempotencyKey?: string | undefined } = {},
): Promise<{ run: Run; schedule: Schedule | null; replayed: boolean }> {
  const idempotent = idempotentRequest(options.idempotencyKey, { route: 'runs', input });
  await assertAgentExists(deps, principal.tenantId, input.agentId);

  let schedule: Schedule | null = null;
  // The schedule block is created once too: under a key derived from the run's, so a retry finds the same schedule.
  if (input.schedule) {
    const scheduleKey = idempotent ? { idempotencyKey: `${idempotent.key.slice(0, 240)}#schedule` } : {};
    schedule = (await createSchedule(deps, principal, input.schedule, scheduleKey)).schedule;
  }

  const { run, replayed } = await enqueueRun(
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
    idempotent,
  );
  return { run, schedule, replayed };
}
