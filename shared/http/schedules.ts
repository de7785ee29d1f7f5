// What clients see of schedules: the view (also the OpenAPI component), the canonical (seed 001) shapes, and the
// snake_case dialects of the other replaced APIs.
import { z } from 'zod';
import type { Dialect, Schedule } from '../domain/schedule.ts';
import type { ScheduleList } from '../use-cases/list-schedules.ts';
import { computeNextRunAt } from '../use-cases/schedule-timing.ts';

const nullableString = z.string().nullable();

/** The schedule as the API returns it (seed 001's object plus run state and the Scheduler's view). */
export const ScheduleView = z
  .object({
    id: z.string().meta({ example: 'sched_3xK9mQ2vLp8RtY6wZa1B' }),
    object: z.literal('schedule'),
    userId: z.string(),
    teamId: nullableString,
    name: z.string(),
    description: nullableString,
    task: z.string(),
    agentId: nullableString,
    environmentId: nullableString,
    appId: nullableString,
    scheduleType: z.enum(['recurring', 'one-time']),
    cronExpression: nullableString,
    scheduledTime: nullableString,
    timezone: z.string(),
    enabled: z.boolean(),
    status: z.enum(['active', 'paused', 'completed']),
    statusReason: nullableString.meta({ description: 'Why the service paused it (autoDisableAfterFailures); null otherwise.' }),
    nextRunAt: nullableString.meta({ description: 'The instant EventBridge Scheduler will fire next (UTC); null when it will not.' }),
    lastRunAt: nullableString,
    lastRunStatus: z.enum(['queued', 'running', 'succeeded', 'failed', 'timed_out', 'skipped']).nullable(),
    lastError: z.object({ message: z.string(), kind: z.string(), at: z.string() }).nullable(),
    runCount: z.number().int(),
    successCount: z.number().int(),
    failureCount: z.number().int(),
    consecutiveFailures: z.number().int(),
    schedulerExpression: z.string().meta({ example: 'cron(0 9 ? * MON-FRI *)' }),
    schedulerTimezone: z.string(),
    cronDescription: z.string().meta({ example: 'At 09:00, Monday through Friday (America/New_York)' }),
    startAt: nullableString,
    endAt: nullableString,
    overlapPolicy: z.enum(['skip', 'allow']),
    timeoutSeconds: z.number().int(),
    metadata: z.record(z.string(), z.unknown()).nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Schedule' });

export type ScheduleViewShape = z.infer<typeof ScheduleView>;

/** The schedule as the API returns it; nextRunAt is recomputed when the stored value has passed. */
export function presentSchedule(schedule: Schedule, now: Date): ScheduleViewShape {
  const nextRunAt = schedule.nextRunAt && Date.parse(schedule.nextRunAt) > now.getTime() ? schedule.nextRunAt : computeNextRunAt(schedule, now);
  return {
    id: schedule.id,
    object: 'schedule' as const,
    userId: schedule.userId,
    teamId: schedule.teamId,
    name: schedule.name,
    description: schedule.description,
    task: schedule.task,
    agentId: schedule.agentId,
    environmentId: schedule.environmentId,
    appId: schedule.appId ?? null,
    scheduleType: schedule.scheduleType,
    cronExpression: schedule.cronExpression,
    scheduledTime: schedule.scheduledTime,
    timezone: schedule.timezone,
    enabled: schedule.enabled,
    status: schedule.status,
    statusReason: schedule.statusReason ?? null,
    nextRunAt,
    lastRunAt: schedule.lastRunAt,
    lastRunStatus: schedule.lastRunStatus,
    lastError: schedule.lastError,
    runCount: schedule.runCount,
    successCount: schedule.successCount,
    failureCount: schedule.failureCount,
    consecutiveFailures: schedule.consecutiveFailures,
    schedulerExpression: schedule.schedulerExpression,
    schedulerTimezone: schedule.schedulerTimezone,
    cronDescription: schedule.cronDescription,
    startAt: schedule.startAt,
    endAt: schedule.endAt,
    overlapPolicy: schedule.overlapPolicy,
    timeoutSeconds: schedule.timeoutSeconds,
    metadata: schedule.metadata,
    createdAt: schedule.createdAt,
    updatedAt: schedule.updatedAt,
  };
}

const snake = (key: string): string => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** snake_case keys plus the other APIs' own names (cron_schedule, cadence, prompt, active, last_spawn_error). */
export function snakeSchedule(view: ScheduleViewShape): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(view)) out[snake(key)] = value;
  out.cron_schedule = view.cronExpression;
  out.cadence = view.cronExpression;
  out.prompt = view.task;
  out.active = view.enabled;
  out.last_spawn_error = view.lastError?.message ?? null;
  return out;
}

/** The body for one schedule, in the dialect the request used. */
export function scheduleBody(schedule: Schedule, now: Date, dialect: Dialect): Record<string, unknown> {
  const view = presentSchedule(schedule, now);
  if (dialect === 'agent') return snakeSchedule(view);
  if (dialect === 'toolhouse') return { data: snakeSchedule(view), schedule: view };
  return { schedule: view };
}

export function scheduleListBody(list: ScheduleList, now: Date, dialect: Dialect): Record<string, unknown> {
  const views = list.items.map((item) => presentSchedule(item, now));
  return {
    object: 'list',
    data: dialect === 'agent' ? views.map(snakeSchedule) : views,
    has_more: list.hasMore,
    total_count: list.totalCount,
    stats: list.stats,
    next_cursor: list.nextCursor,
  };
}
