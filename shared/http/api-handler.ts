// The middy stack every API route uses: header normalising, auth from the authorizer, body limit, JSON, and the error mapper last.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ExpressionError } from '../expressions/errors.ts';
import { DomainError, ForbiddenError, UnauthorizedError } from '../domain/errors.ts';
import type { Principal, TenantPrincipal } from '../domain/principal.ts';
import { LIMITS } from '../domain/limits.ts';
import type { Dialect } from './schedules.ts';
import { logger } from '../logger.ts';
import { statusOf } from './errors.ts';
import { ROUTES, routeKey } from '../routes.ts';

export type Auth = 'tenant' | 'admin' | 'none';
type PrincipalFor<A extends Auth> = A extends 'tenant' ? TenantPrincipal : A extends 'admin' ? { role: 'admin' } : undefined;

export interface ApiRequest<A extends Auth> {
  event: APIGatewayProxyEventV2;
  principal: PrincipalFor<A>;
  /** The parsed JSON body ({} when the request had none). */
  body: unknown;
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  headers: Record<string, string | undefined>;
  /** 'agent' on the /agent/schedules routes (the scheduled-agents API's shapes), else 'v1'. */
  routeDialect: Dialect;
}

export type ApiResult = APIGatewayProxyStructuredResultV2;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

export const noContent = (): ApiResult => ({ statusCode: 204, headers: {} });

/** The authorizer's context (API Gateway on AWS, the local server locally) as a Principal. */
export function principalFromEvent(event: APIGatewayProxyEventV2): Principal | undefined {
  const context = (event.requestContext as { authorizer?: { lambda?: Record<string, unknown> } }).authorizer?.lambda;
  if (!context) return undefined;
  if (context.role === 'admin') return { role: 'admin' };
  if (context.role === 'tenant' && typeof context.tenantId === 'string' && typeof context.userId === 'string') {
    return {
      role: 'tenant',
      tenantId: context.tenantId,
      userId: context.userId,
      teamId: typeof context.teamId === 'string' && context.teamId !== '' ? context.teamId : undefined,
      keyId: String(context.keyId ?? ''),
    };
  }
  return undefined;
}

function authorize(auth: Auth, event: APIGatewayProxyEventV2): Principal | undefined {
  if (auth === 'none') return undefined;
  const principal = principalFromEvent(event);
  if (!principal) throw new UnauthorizedError();
  if (principal.role !== auth) {
    throw new ForbiddenError(
      auth === 'admin' ? 'This route needs the deployment admin key.' : 'The admin key manages API keys only; call this route with a tenant API key.',
    );
  }
  return principal;
}

/** "256 KiB", "5 MiB": a byte count as people read it. */
export const bytesText = (bytes: number): string =>
  bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;

/** The largest body a route takes: its own bodyLimitBytes (the batch routes), else 256 KiB. */
const bodyLimitOf = (key: string | undefined): number => ROUTES.find((route) => routeKey(route) === key)?.bodyLimitBytes ?? LIMITS.bodyBytes;

const bodyLimit = (): middy.MiddlewareObj<APIGatewayProxyEventV2> => ({
  before: ({ event }) => {
    const size = event.body === undefined ? 0 : event.isBase64Encoded ? Math.floor((event.body.length * 3) / 4) : Buffer.byteLength(event.body);
    const limit = bodyLimitOf(event.routeKey);
    if (size > limit) {
      throw new DomainError('payload_too_large', `The request body is ${size} bytes; the limit is ${limit} bytes (${bytesText(limit)}).`, {
        hint:
          limit === LIMITS.bodyBytes
            ? 'Shorten the task or metadata: task may be 32 KiB, metadata 8 KiB.'
            : 'Send fewer items at once: create the batch with "start": false, then append the rest with POST /v1/batches/{id}/items.',
      });
    }
    if (event.body === undefined || event.body === '') {
      event.body = '{}';
      event.isBase64Encoded = false;
    }
  },
});

interface HttpErrorLike {
  statusCode: number;
  message: string;
  cause?: unknown;
}

function isHttpError(error: unknown): error is HttpErrorLike {
  return error instanceof Error && typeof (error as { statusCode?: unknown }).statusCode === 'number';
}

/** Maps every failure to `{error: {code, message, details?}}`; a 5xx never shows its internals. */
export function toErrorResponse(error: unknown, requestId: string): ApiResult {
  if (error instanceof DomainError) {
    return json(statusOf(error), { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } });
  }
  if (error instanceof ExpressionError) {
    return json(400, {
      error: { code: 'invalid_request', message: error.message, details: { field: error.field, ...(error.hint ? { hint: error.hint } : {}) } },
    });
  }
  if (isHttpError(error) && error.statusCode === 415) {
    const detail = (error.cause as { message?: string } | undefined)?.message;
    return json(400, {
      error: {
        code: 'invalid_json',
        message: `The request body is not valid JSON${detail ? `: ${detail}` : '.'}`,
        details: { hint: 'Send a JSON object, e.g. {"name": "Daily report"}.' },
      },
    });
  }
  if (isHttpError(error) && error.statusCode < 500) {
    return json(error.statusCode, { error: { code: 'bad_request', message: error.message } });
  }
  return json(500, {
    error: { code: 'internal', message: `Something went wrong on our side; nothing about your request was logged as its cause. Request id: ${requestId}.` },
  });
}

/** The id of one request: API Gateway's (in its access logs), else the Lambda invocation's. */
function requestIdOf(event: APIGatewayProxyEventV2, context: Context | undefined): string {
  return event.requestContext?.requestId ?? context?.awsRequestId ?? 'unknown';
}

/** The response header that carries the request id, so a client can quote it and operators find the logs. */
export const REQUEST_ID_HEADER = 'x-request-id';

const errorMapper = (): middy.MiddlewareObj<APIGatewayProxyEventV2, ApiResult> => ({
  onError: (request) => {
    const requestId = requestIdOf(request.event, request.context);
    const response = toErrorResponse(request.error, requestId);
    if ((response.statusCode ?? 500) >= 500) logger.error('Request failed', { requestId, routeKey: request.event.routeKey, error: request.error as Error });
    request.response = response;
  },
});

/** Every answer, success or error, names its request id; every log line carries it as the correlation id. */
const requestIds = (): middy.MiddlewareObj<APIGatewayProxyEventV2, ApiResult, Error, Context> => {
  const stamp = (request: middy.Request<APIGatewayProxyEventV2, ApiResult, Error, Context>) => {
    if (!request.response) return;
    request.response.headers = { ...request.response.headers, [REQUEST_ID_HEADER]: requestIdOf(request.event, request.context) };
  };
  return {
    before: (request) => {
      logger.setCorrelationId(requestIdOf(request.event, request.context));
    },
    after: stamp,
    onError: stamp,
  };
};

/** Builds a route's Lambda handler: middleware first, the route's function last. */
export function apiHandler<A extends Auth>(auth: A, fn: (request: ApiRequest<A>) => Promise<ApiResult>) {
  return (
    middy<APIGatewayProxyEventV2, ApiResult, Error, Context>()
      // Function request id and cold start on every log line, and the keys added per request cleared after it.
      .use(injectLambdaContext(logger, { resetKeys: true }))
      .use(requestIds())
      .use(httpHeaderNormalizer())
      .use(bodyLimit())
      // Seed clients send JSON without a JSON Content-Type; the option exists at runtime, not in middy 6's types.
      .use(httpJsonBodyParser({ disableContentTypeCheck: true } as Parameters<typeof httpJsonBodyParser>[0]))
      .use(errorMapper())
      .handler(async (event) => {
        const principal = authorize(auth, event) as PrincipalFor<A>;
        return fn({
          event,
          principal,
          body: event.body,
          params: (event.pathParameters ?? {}) as Record<string, string>,
          query: { ...(event.queryStringParameters ?? {}) },
          headers: event.headers ?? {},
          routeDialect: event.routeKey?.includes(' /agent/') ? 'agent' : 'v1',
        });
      })
  );
}
