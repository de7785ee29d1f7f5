// What clients see of an agent: one view per kind with explicit fields (secret references, never secret values).
import * as z from 'zod/mini';
import { AgentDefinition, type Agent } from '../domain/agent.ts';
import { maxChars } from '../domain/length-checks.ts';
import { parseWith } from './validation.ts';

const identity = { object: z.literal('agent'), id: z.string(), createdAt: z.string(), updatedAt: z.string() };

/** "bedrock-agent" → "AgentBedrockAgent": each kind's view is a component, so the document maps kind to it. */
const componentOf = (kind: string): string => `Agent${kind.replace(/(^|-)([a-z])/g, (_match, _dash, letter: string) => letter.toUpperCase())}`;

/** Each kind's settings as defined, plus identity and dates; tenant and version stay inside. */
const [first, ...rest] = AgentDefinition.def.options.map((definition) =>
  z.extend(definition, identity).check(z.meta({ id: componentOf(definition.shape.kind.def.values[0]!) })),
);
const KIND_VIEWS = [first!, ...rest] as const;

export const AgentView = z
  .discriminatedUnion('kind', KIND_VIEWS)
  .check(z.meta({ id: 'Agent', description: 'An agent: its kind (http, openai, bedrock, bedrock-agent, lambda, command) says which settings it has.' }));
export type AgentViewShape = z.infer<typeof AgentView>;

const FIELDS_BY_KIND = new Map<string, string[]>(
  KIND_VIEWS.map((view) => [view.shape.kind.def.values[0]!, Object.keys(view.shape).filter((key) => key !== 'object')]),
);

export function presentAgent(agent: Agent): AgentViewShape {
  const stored = agent as unknown as Record<string, unknown>;
  const view: Record<string, unknown> = { object: 'agent' };
  for (const field of FIELDS_BY_KIND.get(agent.kind) ?? []) if (stored[field] !== undefined) view[field] = stored[field];
  return view as AgentViewShape;
}

/** GET /v1/agents' query string. */
export const AgentListQuery = z.strictObject({
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 50),
  cursor: z.optional(z.string().check(maxChars(512))),
});
export const parseAgentListQuery = (raw: unknown) => parseWith(AgentListQuery, raw);
