// Where agent definitions live.
import type { Agent } from '../domain/agent.ts';

export interface AgentStore {
  get(tenantId: string, id: string): Promise<Agent | undefined>;
  /** Throws AlreadyExistsError when the id is taken. */
  create(agent: Agent): Promise<void>;
  /** Throws StaleVersionError when the stored version is not `expectedVersion`. */
  update(agent: Agent, expectedVersion: number): Promise<void>;
  /** Returns false when there was nothing to delete. */
  delete(tenantId: string, id: string): Promise<boolean>;
  /** Sorted by id; `after` resumes strictly after that id. */
  list(tenantId: string, limit: number, after?: string): Promise<{ items: Agent[]; nextAfter: string | undefined }>;
}
