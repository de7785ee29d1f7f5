import { AgentDefinition, parseAgentInput, type Agent, type AgentInput } from '../domain/agent.ts';
import { AlreadyExistsError, ConflictError, NotFoundError, ValidationError } from '../domain/errors.ts';
import { retryStale } from './retry.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import { AGENT_ID_PATTERN } from '../domain/ids.ts';
import type { Cursors } from '../domain/cursor.ts';
import type { AgentStore } from '../ports/agent-store.ts';
import type { Clock, IdGenerator } from '../ports/clock.ts';
import type { Settings } from '../config.ts';
import { secretRefProblem } from '../domain/secret-ref.ts';

export interface AgentDeps {
  agents: AgentStore;
  clock: Clock;
  ids: IdGenerator;
  settings: Pick<Settings, 'secretPolicy'>;
}

/** A tenant may reference only its own secrets: refused here with a 400, and again by the runner at call time. */
function assertOwnSecret(deps: Pick<AgentDeps, 'settings'>, tenantId: string, input: AgentInput): void {
  const reference = 'secretRef' in input ? input.secretRef : undefined;
  if (reference === undefined) return;
  const problem = secretRefProblem(reference, tenantId, deps.settings.secretPolicy);
  if (problem)
    throw new ValidationError(`secretRef: ${problem}.`, {
      field: 'secretRef',
      hint: 'Store the secret with PUT /v1/secrets/{name}, then set "secretRef": "secret:{name}".',
    });
}

export async function createAgent(deps: AgentDeps, principal: TenantPrincipal, raw: unknown): Promise<Agent> {
  const input = parseAgentInput(raw);
  assertOwnSecret(deps, principal.tenantId, input);
  const now = deps.clock.now().toISOString();
  const { id, ...definition } = input;
  const agent = { ...definition, tenantId: principal.tenantId, id: id ?? deps.ids.newId('agent'), createdAt: now, updatedAt: now, version: 1 } as Agent;
  try {
    await deps.agents.create(agent);
  } catch (error) {
    if (error instanceof AlreadyExistsError) {
      throw new ConflictError(`An agent with id "${agent.id}" already exists.`, {
        field: 'id',
        hint: 'Choose another id, or change that agent with PATCH /v1/agents/{id}.',
      });
    }
    throw error;
  }
  return agent;
}

export async function getAgent(deps: Pick<AgentDeps, 'agents'>, principal: TenantPrincipal, id: string): Promise<Agent> {
  if (!AGENT_ID_PATTERN.test(id)) throw new NotFoundError('agent', id.slice(0, 80));
  const agent = await deps.agents.get(principal.tenantId, id);
  if (!agent) throw new NotFoundError('agent', id);
  return agent;
}

export async function listAgents(
  deps: Pick<AgentDeps, 'agents'> & { cursors: Cursors },
  principal: TenantPrincipal,
  query: { limit: number; cursor?: string | undefined },
) {
  const binding = `agents\n${principal.tenantId}`;
  const after = query.cursor === undefined ? undefined : deps.cursors.decode(query.cursor, binding);
  const page = await deps.agents.list(principal.tenantId, query.limit, after);
  return {
    items: page.items,
    hasMore: page.nextAfter !== undefined,
    nextCursor: page.nextAfter === undefined ? null : deps.cursors.encode(page.nextAfter, binding),
  };
}

/** PATCH merges the given settings into the agent; PUT (`replace`) takes a whole definition. `kind` may change only with PUT. */
export async function changeAgent(deps: AgentDeps, principal: TenantPrincipal, id: string, raw: unknown, mode: 'merge' | 'replace'): Promise<Agent> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ValidationError('The request body must be a JSON object.');
  if ('id' in raw && (raw as { id: unknown }).id !== id) throw new ValidationError('An agent id cannot change.', { field: 'id' });
  return retryStale(
    async () => {
      const current = await getAgent(deps, principal, id);
      const { tenantId: _tenant, createdAt, updatedAt: _updated, version, ...definition } = current;
      const merged = mode === 'merge' ? { ...definition, ...raw } : { ...raw, id };
      const input: AgentInput = parseAgentInput(merged);
      assertOwnSecret(deps, principal.tenantId, input);
      const next = { ...input, id, tenantId: principal.tenantId, createdAt, updatedAt: deps.clock.now().toISOString(), version: version + 1 } as Agent;
      await deps.agents.update(next, version);
      return next;
    },
    () => new ConflictError('The agent kept changing while this update was applied.', { hint: 'Retry the request.' }),
  );
}

export async function deleteAgent(deps: Pick<AgentDeps, 'agents'>, principal: TenantPrincipal, id: string): Promise<void> {
  if (!AGENT_ID_PATTERN.test(id)) throw new NotFoundError('agent', id.slice(0, 80));
  if (!(await deps.agents.delete(principal.tenantId, id))) throw new NotFoundError('agent', id);
}

export { AgentDefinition };
