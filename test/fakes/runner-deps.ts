// The runner's ports as in-memory fakes: what every runner-level unit test starts from, then adds to.
import { settingsFromEnv } from '#shared/config.ts';
import type { AgentRunner } from '#shared/ports/agent-runner.ts';
import type { RunnerDeps } from '#shared/use-cases/runner-deps.ts';
import type { InMemoryRunStore } from './in-memory-runs.ts';
import { type FixedClock, InMemoryAgentStore, type InMemoryScheduleStore, RecordingMirror, SequentialIds } from './in-memory.ts';

export interface RunnerParts {
  schedules: InMemoryScheduleStore;
  runs: InMemoryRunStore;
  clock: FixedClock;
  agentRunner: AgentRunner;
  agents?: InMemoryAgentStore;
  /** Settings as the deployment's environment variables would give them. */
  env?: Record<string, string>;
}

/** RunnerDeps over the given fakes (a Scheduler mirror that records, sequential ids), with `extra` on top. */
export function inMemoryRunnerDeps<E extends Partial<RunnerDeps>>(parts: RunnerParts, extra: E & Partial<RunnerDeps> = {} as E): RunnerDeps & E {
  return {
    schedules: parts.schedules,
    agents: parts.agents ?? new InMemoryAgentStore(),
    runs: parts.runs,
    agentRunner: parts.agentRunner,
    mirror: new RecordingMirror(),
    clock: parts.clock,
    ids: new SequentialIds(),
    settings: settingsFromEnv(parts.env ?? {}),
    ...extra,
  };
}
