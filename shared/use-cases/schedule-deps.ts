// What the schedule use cases are given: the stores, the Scheduler mirror, time, ids and settings.
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
