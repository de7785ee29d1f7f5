import { ValidationError } from '../domain/errors.ts';
import type { ScheduleDeps } from './schedule-deps.ts';

export async function assertAgentExists(deps: Pick<ScheduleDeps, 'agents'>, tenantId: string, agentId: string | null | undefined): Promise<void> {
  if (agentId === null || agentId === undefined) return;
  if (!(await deps.agents.get(tenantId, agentId))) {
    throw new ValidationError(`agentId "${agentId}" names no agent of yours.`, {
      field: 'agentId',
      hint: 'Create it first with POST /v1/agents, or omit agentId to use the deployment default agent.',
    });
  }
}

/** A schedule must have something to run: a task, or an agent (its own or the deployment's default) that needs none. */
export function assertSomethingToRun(deps: Pick<ScheduleDeps, 'settings'>, task: string, agentId: string | null): void {
  if (task.trim() === '' && agentId === null && !deps.settings.defaultAgentId) {
    throw new ValidationError('task is required: this schedule names no agent and the deployment has no default agent, so it would have nothing to run.', {
      field: 'task',
      hint: 'Send "task": "what the agent should do" (alias prompt or message), or name an agent with "agentId".',
    });
  }
}
