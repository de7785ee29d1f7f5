// Create a schedule: validate, store it with its counters (and idempotency record), then mirror it into the Scheduler.
import { AlreadyExistsError, ValidationError } from '../domain/errors.ts';
import { checkItems } from '../domain/batch.ts';
import { assertSameRequest, idempotentRequest, type IdempotentRequest } from './idempotency.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import { DEFAULT_CATCH_UP_WINDOW_MINUTES, retryPolicyOf, type Schedule, type ScheduleInput } from '../domain/schedule.ts';
import { assertAgentExists, assertSomethingToRun } from './schedule-checks.ts';
import { assertWindow, computeNextRunAt, resolveScheduleTiming, withTiming } from './schedule-timing.ts';
import { DEFAULT_TIMEOUT_SECONDS, type ScheduleDeps } from './schedule-deps.ts';
import { loadVisibleSchedule } from './schedule-access.ts';
import { mirrorFailure, toMirrored } from './scheduler-sync.ts';

export interface CreateScheduleResult {
  schedule: Schedule;
  /** True when an Idempotency-Key matched an earlier request and its schedule is returned again. */
  replayed: boolean;
}

export async function createSchedule(
  deps: ScheduleDeps,
  principal: TenantPrincipal,
  input: ScheduleInput,
  options: { idempotencyKey?: string | undefined } = {},
): Promise<CreateScheduleResult> {
  const { idempotencyKey } = options;
  const idempotent = idempotentRequest(idempotencyKey, input);
  const requestHash = idempotent?.requestHash;
  if (idempotent) {
    const replay = await replayed(deps, principal, idempotent);
    if (replay) return replay;
  }

  const now = deps.clock.now();
  const timing = resolveScheduleTiming(input, deps);
  await assertAgentExists(deps, principal.tenantId, input.agentId);
  const team = input.team ?? Boolean(principal.teamId);
  if (team && !principal.teamId) {
    throw new ValidationError('"team": true needs an API key that belongs to a team; this one has none.', { field: 'team' });
  }
  const startAt = input.startAt ?? null;
  const endAt = input.endAt ?? null;
  assertWindow(startAt, endAt, now);
  assertSomethingToRun(deps, input.task ?? '', input.agentId ?? null);
  if (input.batch) checkItems(input.task ?? '', input.batch.items);

  const enabled = input.enabled ?? true;
  const timestamp = now.toISOString();
  const id = deps.ids.newId('sched');
  const schedule: Schedule = withTiming(
    {
      tenantId: principal.tenantId,
      id,
      userId: principal.userId,
      teamId: team ? principal.teamId! : null,
      ownerType: team ? 'team' : 'user',
      name: input.name ?? timing.description,
      description: input.description ?? null,
      task: input.task ?? '',
      agentId: input.agentId ?? null,
      environmentId: input.environmentId ?? null,
      appId: input.appId ?? null,
      enabled,
      status: enabled ? 'active' : 'paused',
      nextRunAt: null,
      lastRunAt: null,
      lastRunStatus: null,
      lastError: null,
      runCount: 0,
      successCount: 0,
      failureCount: 0,
      consecutiveFailures: 0,
      metadata: input.metadata ?? null,
      startAt,
      endAt,
      overlapPolicy: input.overlapPolicy ?? 'skip',
      timeoutSeconds: input.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS,
      flexibleWindowMinutes: input.flexibleWindowMinutes ?? 0,
      catchUp: input.catchUp ?? 'none',
      catchUpWindowMinutes: input.catchUpWindowMinutes ?? DEFAULT_CATCH_UP_WINDOW_MINUTES,
      retry: input.retry ? retryPolicyOf(input) : null,
      notify: input.notify ?? null,
      batch: input.batch ?? null,
      cancelledCount: 0,
      missedCount: 0,
      createdAt: timestamp,
      updatedAt: timestamp,
      version: 1,
    } as Schedule,
    timing,
  );
  schedule.nextRunAt = computeNextRunAt(schedule, now);

  try {
    await deps.schedules.create(
      schedule,
      idempotencyKey !== undefined && requestHash !== undefined ? { key: idempotencyKey, requestHash, scheduleId: id } : undefined,
    );
  } catch (error) {
    // Another request with the same Idempotency-Key won the race: answer with its schedule.
    if (error instanceof AlreadyExistsError && idempotencyKey !== undefined && requestHash !== undefined) {
      const replay = await replayed(deps, principal, { key: idempotencyKey, requestHash });
      if (replay) return replay;
    }
    throw error;
  }

  try {
    await deps.mirror.create(toMirrored(schedule));
  } catch (mirrorError) {
    try {
      await deps.schedules.delete(schedule);
      if (idempotencyKey !== undefined) await deps.schedules.releaseIdempotency(principal.tenantId, principal.userId, idempotencyKey);
    } catch (cleanupError) {
      deps.log?.('Could not remove a schedule after the Scheduler refused it', {
        tenantId: principal.tenantId,
        scheduleId: id,
        cleanupError: cleanupError instanceof Error ? cleanupError.name : 'unknown',
      });
    }
    const reason = mirrorError instanceof Error ? mirrorError.name : 'unknown error';
    throw mirrorFailure(mirrorError, `EventBridge Scheduler could not create the schedule (${reason}); it was not created.`);
  }
  return { schedule, replayed: false };
}

async function replayed(deps: ScheduleDeps, principal: TenantPrincipal, request: IdempotentRequest): Promise<CreateScheduleResult | undefined> {
  const record = await deps.schedules.findIdempotency(principal.tenantId, principal.userId, request.key);
  if (!record) return undefined;
  assertSameRequest(record, request);
  return { schedule: await loadVisibleSchedule(deps, principal, record.scheduleId), replayed: true };
}
