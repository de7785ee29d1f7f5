import type { Settings } from '../config.ts';
import type { AgentStore } from '../ports/agent-store.ts';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import type { ScheduleStore } from '../ports/schedule-store.ts';
import type { SchedulerMirror } from '../ports/scheduler-mirror.ts';

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
