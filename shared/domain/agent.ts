// Agents: the definitions schedules name by agentId; each kind has its own settings. Secrets are referenced, never stored.
import * as z from 'zod/mini';
import { maxChars, maxItems, minChars } from './length-checks.ts';
import { AGENT_ID_PATTERN } from './ids.ts';
import { storableMetadata } from './metadata.ts';
import { toValidationError } from './validation.ts';
import { parseSecretRef } from './secret-ref.ts';

const secretRef = z.string().check(
  maxChars(2048),
  z.refine((value) => parseSecretRef(value) !== undefined, {
    message:
      'a secret reference is secret:NAME (stored with PUT /v1/secrets/NAME), a Secrets Manager ARN of one of your secrets, or env:NAME on the local server',
  }),
  z.meta({
    description:
      'Where the secret lives: secret:NAME (PUT /v1/secrets/NAME), a Secrets Manager ARN under your tenant prefix, or env:NAME on the local server. The value is never stored or returned.',
  }),
);

const common = {
  id: z
    .optional(z.string().check(z.regex(AGENT_ID_PATTERN, 'id must be 1–64 letters, digits, "_" or "-"')))
    .check(z.meta({ description: 'Your own slug (e.g. finance_agent); generated (agent_…) when omitted.' })),
  name: z.string().check(z.trim(), minChars(1), maxChars(200)),
  description: z.optional(z.nullable(z.string().check(maxChars(2000)))),
  // The same limits as a schedule's metadata: storable JSON of at most 8 KiB and 16 levels.
  metadata: z.optional(z.nullable(storableMetadata())),
};

// A URL is stored and returned as given, so user:password@ in it would leak the way a credential header would.
const httpUrl = z.url({ protocol: /^https?$/, error: 'url must be an http(s) URL' }).check(
  z.refine((value) => !/^[a-z]+:\/\/[^/?#]*@/i.test(value), {
    message: 'must not carry credentials (user:password@): store the secret with PUT /v1/secrets/{name} and name it in secretRef',
  }),
);

// Headers are stored and returned as given, so credentials belong in secretRef instead.
const SECRET_HEADERS = /^(authorization|proxy-authorization|cookie|x-api-key|api-key|x-auth-token)$/i;
const headers = z
  .record(z.string().check(z.regex(/^[A-Za-z0-9-]{1,100}$/, 'header names are letters, digits and "-"')), z.string().check(maxChars(1024)))
  .check(
    // DynamoDB's marshaller reads an own "constructor" key as the map's type and fails on it.
    z.refine((value) => !Object.hasOwn(value, 'constructor'), {
      message: 'a header may not be named "constructor": DynamoDB cannot store it; agents never need it',
    }),
    z.refine((value) => !Object.keys(value).some((name) => SECRET_HEADERS.test(name)), {
      message: 'headers may not carry credentials (authorization, cookie, api keys): put the secret in Secrets Manager and name it in secretRef',
    }),
  );

export const AgentDefinition = z
  .discriminatedUnion('kind', [
    z.strictObject({ ...common, kind: z.literal('http'), url: httpUrl, secretRef: z.optional(secretRef), headers: z.optional(headers) }),
    z.strictObject({
      ...common,
      kind: z.literal('openai'),
      baseUrl: httpUrl,
      model: z.string().check(minChars(1), maxChars(200)),
      systemPrompt: z.optional(z.string().check(maxChars(32768))),
      secretRef: z.optional(secretRef),
    }),
    z.strictObject({
      ...common,
      kind: z.literal('bedrock'),
      modelId: z.string().check(minChars(1), maxChars(200)),
      systemPrompt: z.optional(z.string().check(maxChars(32768))),
    }),
    z.strictObject({
      ...common,
      kind: z.literal('bedrock-agent'),
      bedrockAgentId: z.string().check(minChars(1), maxChars(100)),
      aliasId: z.string().check(minChars(1), maxChars(100)),
    }),
    z.strictObject({
      ...common,
      kind: z.literal('lambda'),
      functionArn: z
        .string()
        .check(z.regex(/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/, 'functionArn must be a Lambda function ARN')),
    }),
    z.strictObject({
      ...common,
      kind: z.literal('command'),
      command: z.string().check(minChars(1), maxChars(4096)),
      args: z.optional(z.array(z.string().check(maxChars(4096))).check(maxItems(64))),
    }),
  ])
  .check(z.meta({ id: 'AgentInput' }));

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
    throw toValidationError({
      issues: [{ code: 'custom', path: ['kind'], message: 'kind is required: one of http, openai, bedrock, bedrock-agent, lambda, command', input: raw }],
    });
  }
  const result = AgentDefinition.safeParse(raw);
  if (!result.success) throw toValidationError(result.error);
  return result.data;
}
