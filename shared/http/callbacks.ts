// POST /v1/callbacks/{handle}: the body a long-running agent finishes its run with, and its bearer token.
import * as z from 'zod/mini';
import { maxChars, minChars } from '../domain/length-checks.ts';
import { outputText, parseUsage } from '../adapters/agents/common.ts';
import type { CallbackResult } from '../use-cases/run-callback.ts';
import { parseWith } from './validation.ts';

/** The error kinds an agent may report; the others (no_agent, forbidden_target) are the service's own findings. */
const REPORTABLE_KINDS = ['agent_error', 'timeout', 'http_status', 'network', 'invalid_response'] as const;

export const CALLBACK_ERROR_MESSAGE_CHARS = 4000;

export const CallbackInput = z
  .strictObject({
    status: z.enum(['succeeded', 'failed'], { error: 'must be "succeeded" or "failed"' }).check(z.meta({ description: 'How the run ended.' })),
    output: z.optional(z.unknown()).check(
      z.meta({
        description: 'The result: text, or any JSON (stored as its JSON text). At most 64 KiB is kept (the run says truncated).',
        example: 'All 12 tickets summarised.',
      }),
    ),
    error: z
      .optional(
        z.strictObject({
          message: z.string().check(minChars(1, 'must not be empty'), maxChars(CALLBACK_ERROR_MESSAGE_CHARS)),
          kind: z.optional(z.enum(REPORTABLE_KINDS, { error: `must be one of ${REPORTABLE_KINDS.join(', ')}` })),
        }),
      )
      .check(z.meta({ description: 'Why it failed (status "failed"); kind defaults to agent_error.' })),
    usage: z
      .optional(z.record(z.string(), z.unknown()))
      .check(z.meta({ description: '{inputTokens, outputTokens, totalTokens} or OpenAI-style {prompt_tokens, …}: whole numbers up to 10^12 are kept.' })),
  })
  .check(z.meta({ id: 'CallbackInput' }));

export function parseCallbackBody(raw: unknown): CallbackResult {
  const input = parseWith(CallbackInput, raw);
  const output = outputText(input.output);
  const usage = parseUsage(input.usage);
  return {
    status: input.status,
    ...(output === undefined ? {} : { output }),
    ...(input.error ? { error: { message: input.error.message, ...(input.error.kind ? { kind: input.error.kind } : {}) } } : {}),
    ...(usage ? { usage } : {}),
  };
}

/** The token of `Authorization: Bearer <token>`; undefined when the header is missing or another scheme. */
export function bearerToken(headers: Record<string, string | undefined>): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '')?.[1];
}
