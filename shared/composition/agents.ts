// Dependencies of the routes that change agents.
import type { AgentDeps } from '../use-cases/agents.ts';
import { randomIds } from '../adapters/system/ids.ts';
import { clock, settings } from './runtime.ts';
import { agentStore } from './stores.ts';

export async function agentDeps(): Promise<AgentDeps> {
  return { agents: agentStore(), clock: clock(), ids: randomIds, settings: settings() };
}
