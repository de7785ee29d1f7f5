// The mirror of each stored schedule in EventBridge Scheduler (or the local scheduler): what fires the runner.

export interface MirroredSchedule {
  /** The Scheduler schedule's name: the schedule id. */
  name: string;
  tenantId: string;
  /** cron(…) or at(…), from the expressions module. */
  expression: string;
  timezone: string;
  enabled: boolean;
  oneTime: boolean;
  startAt: string | null;
  endAt: string | null;
  /** Minutes after each scheduled time within which it may fire (EventBridge's FlexibleTimeWindow); 0 = on time. */
  flexibleWindowMinutes?: number | undefined;
  description: string;
  /** The agent the schedule names (null: the deployment's default), carried in each event so the runner reads it with the schedule. */
  agentId?: string | null | undefined;
}

/**
 * The Scheduler refused the definition itself (EventBridge's ValidationException, or a quota): retrying the same
 * request cannot help, unlike throttling or an outage. The message is EventBridge's, which names what it refused.
 */
export class SchedulerRejectedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SchedulerRejectedError';
  }
}

export interface SchedulerMirror {
  create(schedule: MirroredSchedule): Promise<void>;
  update(schedule: MirroredSchedule): Promise<void>;
  /** Succeeds when the schedule is already gone. */
  delete(name: string): Promise<void>;
}

/** The event the Scheduler delivers to the runner; placeholders are filled in by EventBridge (or the local scheduler). */
export interface ScheduledEvent {
  tenantId: string;
  scheduleId: string;
  scheduledTime: string;
  executionId: string;
  attempt: number;
  /**
   * The agent the schedule named when its Scheduler schedule was last written (null: the default agent); absent from
   * events of schedules written before it was carried. A hint: the runner checks it against the schedule it reads.
   */
  agentId?: string | null | undefined;
}

/** The target Input, with EventBridge Scheduler's context attributes as placeholders. */
export function scheduledEventTemplate(tenantId: string, scheduleId: string, agentId: string | null = null): string {
  return JSON.stringify({
    tenantId,
    scheduleId,
    agentId,
    scheduledTime: '<aws.scheduler.scheduled-time>',
    executionId: '<aws.scheduler.execution-id>',
    attempt: '<aws.scheduler.attempt-number>',
  });
}
