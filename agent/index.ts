// Helpers for agent authors (`agent-schedules/agent`): check that a request came from your deployment, and the shapes
// of what the service sends an http agent and of the callback a long-running agent finishes its run with.
export { SIGNATURE_HEADER, signatureHeader, verifySignature } from '../shared/domain/signature.ts';

/**
 * What the service POSTs to an http agent (JSON, signed in the X-Agent-Schedules-Signature header). `callbackUrl` and
 * `callbackToken` are there when the deployment offers callbacks: answer 202 Accepted at once, then POST a
 * {@link CallbackBody} to `callbackUrl` with `Authorization: Bearer <callbackToken>` before the run's deadline.
 */
export interface RunRequest {
  task: string;
  runId: string;
  scheduleId: string | null;
  scheduledTime: string | null;
  metadata: Record<string, unknown> | null;
  environmentId: string | null;
  callbackUrl?: string;
  callbackToken?: string;
}

/** What an http agent answers synchronously (HTTP 200): JSON like this, or plain text (the whole body is the output). */
export interface RunAnswer {
  output: unknown;
  /** Token counts, either spelling; whole numbers up to 10^12 are kept. */
  usage?: { inputTokens?: number; outputTokens?: number; totalTokens?: number } | { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number };
}

/** The error kinds an agent may report in a callback. */
export type ReportableErrorKind = 'agent_error' | 'timeout' | 'http_status' | 'network' | 'invalid_response';

/** The body of POST {callbackUrl}: how the run ended. */
export interface CallbackBody {
  status: 'succeeded' | 'failed';
  /** Text, or any JSON (stored as its JSON text); at most 64 KiB is kept. */
  output?: unknown;
  /** Why it failed (status "failed"); kind defaults to agent_error. */
  error?: { message: string; kind?: ReportableErrorKind };
  usage?: RunAnswer['usage'];
}
