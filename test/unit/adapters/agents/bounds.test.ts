// What agents send back is bounded before it is stored, URLs with credentials are refused, and trace context goes out.
import { describe, expect, it } from 'vitest';
import { MAX_TOKEN_COUNT, parseUsage, traceparentFrom } from '#shared/adapters/agents/common.ts';
import { parseAgentInput } from '#shared/domain/agent.ts';
import { ValidationError } from '#shared/domain/errors.ts';

describe('usage an agent reports', () => {
  it('keeps whole token counts and computes the total', () => {
    expect(parseUsage({ inputTokens: 12, outputTokens: 30 })).toEqual({ inputTokens: 12, outputTokens: 30, totalTokens: 42 });
    expect(parseUsage({ prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 })).toEqual({ inputTokens: 5, outputTokens: 7, totalTokens: 12 });
  });

  // biome-ignore lint/correctness/noPrecisionLoss: 2^53 + 1 is the point: a count a double cannot hold exactly.
  it.each([1e20, 9007199254740993, 1.5, -3, '12', Number.NaN, MAX_TOKEN_COUNT + 1])('drops a count of %s rather than storing or guessing it', (value) => {
    expect(parseUsage({ inputTokens: value, outputTokens: 4 })).toEqual({ outputTokens: 4 });
  });

  it('drops a total that two in-range parts would push past the bound', () => {
    expect(parseUsage({ inputTokens: MAX_TOKEN_COUNT, outputTokens: MAX_TOKEN_COUNT })).toEqual({
      inputTokens: MAX_TOKEN_COUNT,
      outputTokens: MAX_TOKEN_COUNT,
    });
    expect(parseUsage({ inputTokens: 1e20 })).toBeUndefined();
  });
});

describe('agent URLs', () => {
  it.each([
    ['http', { kind: 'http', name: 'A', url: 'https://user:pass@agents.example.com/run' }, 'url'],
    ['http, user only', { kind: 'http', name: 'A', url: 'http://token@agents.example.com/run' }, 'url'],
    ['openai', { kind: 'openai', name: 'A', baseUrl: 'https://key:x@api.example.com/v1', model: 'm' }, 'baseUrl'],
  ])('refuses credentials in the %s URL with a 400 naming the field', (_what, raw, field) => {
    const error = (() => {
      try {
        parseAgentInput(raw);
      } catch (caught) {
        return caught;
      }
    })() as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.details?.field).toBe(field);
    expect(error.message).toContain('credentials');
  });

  it('accepts an @ in the path or query', () => {
    expect(parseAgentInput({ kind: 'http', name: 'A', url: 'https://agents.example.com/run?user=a@b.c' })).toMatchObject({ kind: 'http' });
  });
});

describe('traceparent', () => {
  const hex = (bytes: number) => 'ab'.repeat(bytes);

  it('carries the Lambda X-Ray trace as W3C trace context, with the sampled flag', () => {
    expect(traceparentFrom('Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1', hex)).toBe(
      '00-5759e988bd862e3fe1be46a994272793-abababababababab-01',
    );
    expect(traceparentFrom('Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0', hex)).toBe('00-5759e988bd862e3fe1be46a994272793-abababababababab-00');
  });

  it('starts a fresh valid trace when there is none (the local server)', () => {
    expect(traceparentFrom(undefined)).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });
});
