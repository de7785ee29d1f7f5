// What the runner needs: the ports a run touches from its start to its end. In a module of its own so that the parts
// of a run (agent-call.ts, run-end.ts, execute-run.ts) can all name it without importing one another in a circle.
import type { Settings } from '../config.ts';
import type { AgentRunner } from '../ports/agent-runner.ts';
import type { AgentStore } from '../ports/agent-store.ts';
import type { BackfillStore } from '../ports/backfill-store.ts';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import type { RunDispatcher } from '../ports/run-dispatcher.ts';
import type { RunStore } from '../ports/run-store.ts';
import type { ScheduleStore } from '../ports/schedule-store.ts';
import type { SchedulerMirror } from '../ports/scheduler-mirror.ts';
import type { NotifyDeps } from './notifications.ts';
import type { BatchContinuation } from './batches/batch-deps.ts';

/** With BatchContinuation's ports, a batch item's run that ends frees its slot and starts the next item. */
export interface RunnerDeps extends BatchContinuation {
  schedules: ScheduleStore;
  agents: AgentStore;
  runs: RunStore;
  agentRunner: AgentRunner;
  mirror: SchedulerMirror;
  clock: Clock;
  ids: IdGenerator;
  settings: Settings;
  /** Milliseconds left before the runner itself is stopped (the Lambda's remaining time); unbounded locally. */
  remainingMs?: () => number;
  /** The signal that aborts the agent call at the run's deadline (tests may shorten time). */
  deadlineSignal?: (ms: number) => AbortSignal;
  log?: (message: string, details: Record<string, unknown>) => void;
  /** Waits between attempts (retries); ends early when the signal aborts. Tests pass one that moves their clock. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** How often a running run is re-read to notice a cancel (default CANCEL_CHECK_MS, 3 s). */
  cancelCheckMs?: number;
  /**
   * A backfill run that ends starts its backfill's next occurrence: through these (shared/composition/runner.ts wires
   * both). Without them a backfill run ends alone and its backfill waits.
   */
  backfills?: BackfillStore;
  dispatcher?: RunDispatcher;
  /** Webhook notifications of a run's end (notifyRunEnded in run-end.ts); without them none are sent. */
  notifications?: NotifyDeps;
  /** The signing secret callback tokens derive from (run-callback.ts); with PUBLIC_BASE_URL, http agents may answer 202. */
  callbackSecret?: string;
}
