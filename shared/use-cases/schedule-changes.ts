// Applying a change to a stored schedule: merged fields, re-resolved timing, and the rules a change must keep.
import { checkItems } from '../domain/batch.ts';
import { ValidationError } from '../domain/errors.ts';
import { retryPolicyOf, type Schedule, type ScheduleInput } from '../domain/schedule.ts';
import { assertSomethingToRun } from './schedule-checks.ts';
import type { ScheduleDeps } from './schedule-deps.ts';
import { assertWindow, resolveScheduleTiming, withTiming } from './schedule-timing.ts';

const TIMING_FIELDS = ['scheduleType', 'cronExpression', 'scheduledTime', 'timezone', 'rate'] as const;

export function applyChanges(deps: Pick<ScheduleDeps, 'clock' | 'settings'>, current: Schedule, input: ScheduleInput): Schedule {
  if (input.team !== undefined && input.team !== (current.ownerType === 'team')) {
    throw new ValidationError('A schedule cannot move between you and your team; create a new one instead.', { field: 'team' });
  }
  let next: Schedule = { ...current };
  if (input.name !== undefined) next.name = input.name;
  if (input.description !== undefined) next.description = input.description;
  if (input.task !== undefined) next.task = input.task;
  if (input.agentId !== undefined) next.agentId = input.agentId;
  if (input.environmentId !== undefined) next.environmentId = input.environmentId;
  if (input.appId !== undefined) next.appId = input.appId;
  if (input.metadata !== undefined) next.metadata = input.metadata;
  if (input.startAt !== undefined) next.startAt = input.startAt;
  if (input.endAt !== undefined) next.endAt = input.endAt;
  if (input.overlapPolicy !== undefined) next.overlapPolicy = input.overlapPolicy;
  if (input.timeoutSeconds !== undefined) next.timeoutSeconds = input.timeoutSeconds;
  if (input.flexibleWindowMinutes !== undefined) next.flexibleWindowMinutes = input.flexibleWindowMinutes;
  if (input.catchUp !== undefined) next.catchUp = input.catchUp;
  if (input.catchUpWindowMinutes !== undefined) next.catchUpWindowMinutes = input.catchUpWindowMinutes;
  // A partial retry keeps the other setting: {"retry": {"maxAttempts": 3}} keeps the backoff.
  if (input.retry !== undefined) next.retry = input.retry === null ? null : retryPolicyOf({ retry: { ...current.retry, ...input.retry } });
  if (input.notify !== undefined) next.notify = input.notify;
  if (input.batch !== undefined) next.batch = input.batch;
  // A new task or new items: every item must still fill the template.
  if (next.batch && (input.batch !== undefined || input.task !== undefined)) checkItems(next.task, next.batch.items);

  const timingChanged = TIMING_FIELDS.some((field) => input[field] !== undefined && input[field] !== current[field]);
  if (timingChanged) {
    // A new cron makes the schedule recurring, a new scheduledTime one-time, unless scheduleType says otherwise.
    const type =
      input.scheduleType ??
      (input.cronExpression !== undefined || input.rate !== undefined ? 'recurring' : input.scheduledTime !== undefined ? 'one-time' : current.scheduleType);
    // One cadence: a new cron or time replaces a rate and the other way round; otherwise the current one stays.
    const newCadence = input.cronExpression !== undefined || input.rate !== undefined || input.scheduledTime !== undefined;
    const rate = input.rate ?? (newCadence ? undefined : (current.rate ?? undefined));
    const timing = resolveScheduleTiming(
      {
        scheduleType: type,
        cronExpression: type === 'recurring' && rate === undefined ? (input.cronExpression ?? current.cronExpression ?? undefined) : undefined,
        rate: type === 'recurring' ? rate : undefined,
        // A rate keeps counting from its anchor unless a new startAt is given.
        startAt: next.startAt ?? undefined,
        scheduledTime: type === 'one-time' ? (input.scheduledTime ?? current.scheduledTime ?? undefined) : undefined,
        timezone: input.timezone ?? current.timezone,
      },
      deps,
    );
    next = withTiming(next, timing);
    if (current.status === 'completed' && input.enabled === undefined) next.enabled = true;
  }

  if (input.enabled !== undefined) {
    next.enabled = input.enabled;
    next.statusReason = null;
  }
  if (next.enabled && current.status === 'completed' && !timingChanged) {
    throw new ValidationError('This one-time schedule has already run; give it a new scheduledTime to run it again.', { field: 'scheduledTime' });
  }
  next.status = next.enabled ? 'active' : current.status === 'completed' && !timingChanged ? 'completed' : 'paused';
  if (input.startAt !== undefined || input.endAt !== undefined) assertWindow(next.startAt, next.endAt, deps.clock.now());
  if (input.task !== undefined || input.agentId !== undefined) assertSomethingToRun(deps, next.task, next.agentId);
  return next;
}
