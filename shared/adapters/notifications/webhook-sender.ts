// The webhook POST: signed like agent calls (X-Agent-Schedules-Signature), through the agents' SSRF guard and pinned
// connection, with a small answer cap; an answer of any status resolves, no answer rejects with a readable reason.
import type { Clock } from '../../ports/clock.ts';
import type { WebhookAnswer, WebhookRequest, WebhookSender } from '../../ports/notifications.ts';
import { SIGNATURE_HEADER, USER_AGENT, signatureHeader } from '../agents/http-agent.ts';
import { guardedPost } from '../agents/http-client.ts';
import type { TargetGuardOptions } from '../agents/target-guard.ts';

/** Webhook answers are read up to this size (only their start is kept, for the delivery log). */
const MAX_ANSWER_BYTES = 64 * 1024;

export interface WebhookSenderOptions {
  /** The same key as agent calls: receivers verify with the deployment's signing secret. */
  signingSecret: string;
  /** The agents' guard options: allowed hosts, private networks, loopback (the local server only). */
  guard: TargetGuardOptions;
  /** The signature's timestamp (tests move it). */
  clock: Clock;
}

export class GuardedWebhookSender implements WebhookSender {
  readonly #options: WebhookSenderOptions;

  constructor(options: WebhookSenderOptions) {
    if (options.signingSecret === '') throw new Error('GuardedWebhookSender needs a non-empty signingSecret.');
    this.#options = options;
  }

  async post(request: WebhookRequest, signal: AbortSignal): Promise<WebhookAnswer> {
    const nowSeconds = Math.floor(this.#options.clock.now().getTime() / 1000);
    const headers: Record<string, string> = {
      ...request.headers,
      'user-agent': USER_AGENT,
      [SIGNATURE_HEADER.toLowerCase()]: signatureHeader(request.body, this.#options.signingSecret, nowSeconds),
    };
    try {
      const answer = await guardedPost({
        url: new URL(request.url),
        headers,
        body: request.body,
        signal,
        guard: this.#options.guard,
        maxResponseBytes: MAX_ANSWER_BYTES,
      });
      return { status: answer.status, body: answer.body.slice(0, 1000) };
    } catch (error) {
      throw new Error(asWebhookMessage(error), { cause: error });
    }
  }
}

/** The guard's and client's messages speak of agents; a delivery log reader is looking at a webhook. */
function asWebhookMessage(error: unknown): string {
  if ((error as { kind?: unknown } | undefined)?.kind === 'timeout') return 'The webhook did not answer in time.';
  const message = error instanceof Error ? error.message : String(error);
  return message
    .replace(/Agent URLs/g, 'Webhook URLs')
    .replace(/; use secretRef\./, '.')
    .replace(/\bthe agent's answer\b/gi, "the webhook's answer")
    .replace(/\bthe agent\b/g, 'the webhook')
    .replace(/\bThe agent\b/g, 'The webhook');
}
