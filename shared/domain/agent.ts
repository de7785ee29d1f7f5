// Agents: the definitions schedules name by agentId; each kind has its own settings. Secrets are referenced, never stored.
import { z } from 'zod';
import { AGENT_ID_PATTERN, toValidationError } from './schedule.ts';

const secretRef = z
  .string()
  .regex(/^(arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+|env:[A-Z_][A-Z0-9_]*)$/, {
    message: 'a secret reference is a Secrets Manager ARN, or env:NAME for an environment variable on the local server',
  })
  .meta({ description: 'Where the secret lives: a Secrets Manager ARN, or env:NAME locally. The value is never stored or returned.' });

const common = {
  id: z.string().regex(AGENT_ID_PATTERN, 'id must be 1–64 letters, digits, "_" or "-"').optional().meta({ description: 'Your own slug (e.g. finance_agent); generated (agent_…) when omitted.' }),
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).nullable().optional(),
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
};

const httpUrl = z.url({ protocol: /^https?$/, error: 'url must be an http(s) URL' });

// Headers are stored and returned as given, so credentials belong in secretRef instead.
const SECRET_HEADERS = /^(authorization|proxy-authorization|cookie|x-api-key|api-key|x-auth-token)$/i;
const headers = z
  .record(z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'header names are letters, digits and "-"'), z.string().max(1024))
  .refine((value) => !Object.keys(value).some((name) => SECRET_HEADERS.test(name)), {
    message: 'headers may not carry credentials (authorization, cookie, api keys): put the secret in Secrets Manager and name it in secretRef',
  });

export const AgentDefinition = z.discriminatedUnion('kind', [
  z.object({ ...common, kind: z.literal('http'), url: httpUrl, secretRef: secretRef.optional(), headers: headers.optional() }).strict(),
  z.object({ ...common, kind: z.literal('openai'), baseUrl: httpUrl, model: z.string().min(1).max(200), systemPrompt: z.string().max(32768).optional(), secretRef: secretRef.optional() }).strict(),
  z.object({ ...common, kind: z.literal('bedrock'), modelId: z.string().min(1).max(200), systemPrompt: z.string().max(32768).optional() }).strict(),
  z.object({ ...common, kind: z.literal('bedrock-agent'), bedrockAgentId: z.string().min(1).max(100), aliasId: z.string().min(1).max(100) }).strict(),
  z.object({ ...common, kind: z.literal('lambda'), functionArn: z.string().regex(/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/, 'functionArn must be a Lambda function ARN') }).strict(),
  z.object({ ...common, kind: z.literal('command'), command: z.string().min(1).max(4096), args: z.array(z.string().max(4096)).max(64).optional() }).strict(),
]).meta({ id: 'AgentInput' });

export type AgentInput = z.infer<typeof AgentDefinition>;
export type AgentKind = AgentInput['kind'];

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A stored agent: its kind's settings (each kind keeps its own fields) plus identity and version. */
export type Agent = DistributiveOmit<AgentInput, 'id'> & {
  tenantId: string;
  id: string;
  createdAt: string;
  updatedAt: string;
  version: number;
};

export function parseAgentInput(raw: unknown): AgentInput {
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && !('kind' in raw)) {
    throw toValidationError(new z.ZodError([{ code: 'custom', path: ['kind'], message: 'kind is required: one of http, openai, bedrock, bedrock-agent, lambda, command', input: raw }]));
  }
  const result = AgentDefinition.safeParse(raw);
  if (!result.success) throw toValidationError(result.error);
  return result.data;
}
