// What clients see of schedules: the canonical (seed 001) shapes, plus the snake_case dialects of the other replaced APIs.
import type { Dialect, Schedule, ScheduleViewShape } from '../domain/schedule.ts';
import type { ScheduleList } from '../use-cases/list-schedules.ts';
import { computeNextRunAt } from '../use-cases/schedule-rules.ts';

export type ScheduleView = ScheduleViewShape;

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
export function snakeSchedule(view: ScheduleView): Record<string, unknown> {
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
