// Dependencies of the routes that read: the stores and the clock; the list routes add the cursor signer.
import type { Cursors } from '../domain/cursor.ts';
import type { Clock } from '../ports/clock.ts';
import type { AgentStore } from '../ports/agent-store.ts';
import type { RunStore } from '../ports/run-store.ts';
import type { ScheduleStore } from '../ports/schedule-store.ts';
import type { SecretCatalog } from '../ports/secret-vault.ts';
import { cursors } from './cursors.ts';
import { clock } from './runtime.ts';
import { agentStore, runStore, scheduleStore, secretCatalog } from './stores.ts';

export interface ReadDeps {
  schedules: ScheduleStore;
  runs: RunStore;
  agents: AgentStore;
  clock: Clock;
}

export async function readDeps(): Promise<ReadDeps> {
  return { schedules: scheduleStore(), runs: runStore(), agents: agentStore(), clock: clock() };
}

export async function listDeps(): Promise<ReadDeps & { catalog: SecretCatalog; cursors: Cursors }> {
  return { ...(await readDeps()), catalog: secretCatalog(), cursors: await cursors() };
}
