// The SDK's one error type: every refused or failed call, with the API's own code, message, details and request id.

/** What the API says in `details` (all optional): the field at fault, what to do, and each problem of a 400. */
export interface ErrorDetails {
  field?: string;
  hint?: string;
  problems?: Array<{ field: string; message: string }>;
  [key: string]: unknown;
}

/**
 * A call the API refused (4xx) or failed (5xx), or that never reached it (status 0, code `network`).
 * `code` is the API's machine-readable code (`invalid_request`, `not_found`, `run_finished`, …); quote `requestId`
 * when you report a 5xx: the operator finds its logs by it.
 */
export class AgentSchedulesError extends Error {
  override readonly name = 'AgentSchedulesError';
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetails | undefined;
  readonly requestId: string | undefined;

  constructor(init: { status: number; code: string; message: string; details?: ErrorDetails | undefined; requestId?: string | undefined; cause?: unknown }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.details = init.details;
    this.requestId = init.requestId;
  }

  /** The field the API blamed (a 400), if any. */
  get field(): string | undefined {
    return this.details?.field;
  }

  /** What the API suggests doing, if it said. */
  get hint(): string | undefined {
    return this.details?.hint;
  }
}

/** The header every answer of the API carries its request id in. */
export const REQUEST_ID_HEADER = 'x-request-id';

/** API Gateway's own refusals (no authorizer answer, throttling) carry `{message}` only; they get a code here. */
const GATEWAY_CODES: Record<number, string> = { 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 413: 'payload_too_large', 429: 'throttled' };

/** The error for a response that was not 2xx, from its body (`{error: {code, message, details}}`, or API Gateway's `{message}`). */
export function errorFromResponse(response: Response, body: unknown): AgentSchedulesError {
  const requestId = response.headers.get(REQUEST_ID_HEADER) ?? response.headers.get('apigw-requestid') ?? undefined;
  const envelope = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (envelope && typeof envelope.code === 'string') {
    return new AgentSchedulesError({
      status: response.status,
      code: envelope.code,
      message: typeof envelope.message === 'string' ? envelope.message : `HTTP ${response.status}`,
      details: (envelope.details as ErrorDetails | undefined) ?? undefined,
      requestId,
    });
  }
  const gatewayMessage = (body as { message?: unknown } | undefined)?.message;
  return new AgentSchedulesError({
    status: response.status,
    code: GATEWAY_CODES[response.status] ?? (response.status >= 500 ? 'internal' : 'bad_request'),
    message: typeof gatewayMessage === 'string' ? gatewayMessage : `HTTP ${response.status} ${response.statusText}`.trim(),
    requestId,
  });
}

/** The error for a call that got no answer (DNS, refused connection, TLS, timeout). */
export function networkError(baseUrl: string, cause: unknown): AgentSchedulesError {
  const reason = cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause);
  return new AgentSchedulesError({
    status: 0,
    code: 'network',
    message: `Could not reach the API at ${baseUrl}: ${reason}.`,
    details: { hint: 'Check the API URL (the stack output ApiUrl, or http://localhost:3000 for npm start) and your network.' },
    cause,
  });
}
