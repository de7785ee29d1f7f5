// agent-schedules/agent: the helpers agent authors import. The types are checked against what the service really
// sends and accepts (a drift fails `tsc`), and verifySignature against the signer the service uses.
import { describe, expect, expectTypeOf, it } from 'vitest';
import type * as z from 'zod/mini';
import { SIGNATURE_HEADER, signatureHeader, verifySignature, type CallbackBody, type RunRequest } from '../../../agent/index.ts';
import type { AgentPayload } from '#shared/adapters/agents/common.ts';
import type { CallbackInput } from '#shared/http/callbacks.ts';

describe('agent helpers', () => {
  it('describe exactly what the service sends an http agent and what a callback may carry', () => {
    expectTypeOf<RunRequest>().toEqualTypeOf<AgentPayload>();
    expectTypeOf<CallbackBody>().toExtend<z.input<typeof CallbackInput>>();
    expectTypeOf<CallbackBody['status']>().toEqualTypeOf<z.input<typeof CallbackInput>['status']>();
    expectTypeOf<NonNullable<CallbackBody['error']>>().toEqualTypeOf<NonNullable<z.input<typeof CallbackInput>['error']>>();
  });

  it('verify the signature the service puts on a request, and refuse a changed body, another secret or an old one', () => {
    const body = JSON.stringify({ task: 'Summarise', runId: 'run_1' });
    const now = 1_800_000_000;
    const header = signatureHeader(body, 'secret-1', now);
    expect(SIGNATURE_HEADER).toBe('X-Agent-Schedules-Signature');
    expect(verifySignature(header, body, 'secret-1', 300, now)).toBe(true);
    expect(verifySignature(header, `${body} `, 'secret-1', 300, now)).toBe(false);
    expect(verifySignature(header, body, 'secret-2', 300, now)).toBe(false);
    expect(verifySignature(header, body, 'secret-1', 300, now + 301)).toBe(false);
    expect(verifySignature(undefined, body, 'secret-1', 300, now)).toBe(false);
  });
});
