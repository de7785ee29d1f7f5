// Rules every schedule use case shares: who may see a schedule, how input becomes a stored schedule, and the mirror's view of it.
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

export interface ScheduleDeps {
  schedules: ScheduleStore;
  agents: AgentStore;
  mirror: SchedulerMirror;
  clock: Clock;
  ids: IdGenerator;
  settings: Settings;
  /** Told about failures that were compensated or could not be, so operators see them. */
  log?: (message: string, details: Record<string, unknown>) => void;
}

export const DEFAULT_TIMEOUT_SECONDS = 300;

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

export function toValidation(error: unknown): unknown {
  if (error instanceof ExpressionError) {
    return new ValidationError(error.message, { field: error.field, ...(error.hint ? { hint: error.hint } : {}) }, { cause: error });
  }
  return error;
}

/** Resolves the timing fields; a scheduleType that contradicts them is a 400. */
export function resolveScheduleTiming(
  input: Pick<ScheduleInput, 'scheduleType' | 'cronExpression' | 'scheduledTime' | 'timezone'>,
  deps: Pick<ScheduleDeps, 'clock' | 'settings'>,
): Timing {
  if (input.scheduleType === 'recurring' && input.cronExpression === undefined) {
    throw new ValidationError('A recurring schedule needs a cronExpression.', { field: 'cronExpression', hint: 'e.g. "cronExpression": "0 9 * * 1-5"' });
  }
  if (input.scheduleType === 'one-time' && input.scheduledTime === undefined) {
    throw new ValidationError('A one-time schedule needs a scheduledTime.', { field: 'scheduledTime', hint: 'e.g. "scheduledTime": "2026-12-01T09:00:00Z"' });
  }
  const resolve = (cronExpression: string | undefined, timezone: string | undefined) =>
    resolveTiming(
      { cronExpression, scheduledTime: input.scheduledTime, timezone },
      { now: deps.clock.now(), minIntervalMinutes: deps.settings.minIntervalMinutes, count: 1 },
    );
  try {
    return resolve(input.cronExpression, input.timezone);
  } catch (error) {
    const text = cadenceAsText(error, input.cronExpression);
    if (!text) throw toValidation(error);
    try {
      return resolve(text.cronExpression, input.timezone ?? text.timezone);
    } catch (textError) {
      throw toValidation(textError);
    }
  }
}

/**
 * A cadence may be plain English ("sundays at 5pm UTC"), as Toolhouse allows: a cronExpression the cron parser
 * refused but the English grammar reads becomes that cron (and its timezone, unless one was given).
 * Undefined when the cron error stands.
 */
function cadenceAsText(error: unknown, cronExpression: string | undefined): ReturnType<typeof textToCron> | undefined {
  if (!(error instanceof ExpressionError) || error.field !== 'cronExpression' || cronExpression === undefined) return undefined;
  try {
    const text = textToCron(cronExpression);
    return text.cronExpression === cronExpression.trim() ? undefined : text;
  } catch {
    return undefined;
  }
}

export async function assertAgentExists(deps: Pick<ScheduleDeps, 'agents'>, tenantId: string, agentId: string | null | undefined): Promise<void> {
  if (agentId === null || agentId === undefined) return;
  if (!(await deps.agents.get(tenantId, agentId))) {
    throw new ValidationError(`agentId "${agentId}" names no agent of yours.`, {
      field: 'agentId',
      hint: 'Create it first with POST /v1/agents, or omit agentId to use the deployment default agent.',
    });
  }
}

/** A schedule must have something to run: a task, or an agent (its own or the deployment's default) that needs none. */
export function assertSomethingToRun(deps: Pick<ScheduleDeps, 'settings'>, task: string, agentId: string | null): void {
  if (task.trim() === '' && agentId === null && !deps.settings.defaultAgentId) {
    throw new ValidationError('task is required: this schedule names no agent and the deployment has no default agent, so it would have nothing to run.', {
      field: 'task',
      hint: 'Send "task": "what the agent should do" (alias prompt or message), or name an agent with "agentId".',
    });
  }
}

export function assertWindow(startAt: string | null, endAt: string | null, now: Date): void {
  if (startAt && endAt && Date.parse(endAt) <= Date.parse(startAt)) {
    throw new ValidationError('endAt must be after startAt.', { field: 'endAt' });
  }
  if (endAt && Date.parse(endAt) <= now.getTime()) {
    throw new ValidationError('endAt is in the past: the schedule would never run.', { field: 'endAt' });
  }
}

/** The next instant EventBridge will fire this schedule, or null when it will not. */
export function computeNextRunAt(schedule: Pick<Schedule, 'enabled' | 'schedulerExpression' | 'schedulerTimezone' | 'startAt' | 'endAt'>, now: Date): string | null {
  if (!schedule.enabled) return null;
  const from = schedule.startAt && Date.parse(schedule.startAt) > now.getTime() ? new Date(Date.parse(schedule.startAt) - 1) : now;
  const [next] = nextRunsOfSchedulerExpression(schedule.schedulerExpression, schedule.schedulerTimezone, from, 1);
  if (!next || (schedule.endAt && next.getTime() > Date.parse(schedule.endAt))) return null;
  return formatInstant(next);
}

/** Applies a resolved timing to a schedule's derived fields. */
export function withTiming<T extends Partial<Schedule>>(schedule: T, timing: Timing): T {
  return {
    ...schedule,
    scheduleType: timing.scheduleType,
    cronExpression: timing.cronExpression ?? null,
    scheduledTime: timing.scheduledTime ?? null,
    timezone: timing.timezone,
    schedulerExpression: timing.schedulerExpression,
    schedulerTimezone: timing.schedulerTimezone,
    cronDescription: timing.description,
  };
}

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
    description: `${schedule.name} — ${schedule.cronDescription}`,
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
          deps.log?.('Could not restore a schedule after the Scheduler update failed', { tenantId: principal.tenantId, scheduleId: id, restoreError: describeFailure(restoreError) });
        }
        throw mirrorFailure(mirrorError, `EventBridge Scheduler did not accept the change (${describeFailure(mirrorError)}); the schedule was left as it was.`);
      }
    },
    () => new ConflictError('The schedule kept changing while this update was applied; nothing was changed.', { hint: 'Retry the request.' }),
  );
}
