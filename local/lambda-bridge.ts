// The local server's stand-in for API Gateway and Lambda: a Node request as the HTTP API (payload 2.0) event the
// Lambda would get, a Lambda context, and the raw answers for requests Node itself could not parse.
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { routeKey, type Route } from '#shared/routes.ts';

// API Gateway refuses bodies over 10 MB itself; the local server stops reading at 1 MiB (the API's limit is 256 KiB).
export const MAX_BODY_BYTES = 1024 * 1024;

export function errorBody(code: string, message: string, hint?: string): string {
  return JSON.stringify({ error: { code, message, ...(hint ? { details: { hint } } : {}) } });
}

/** A whole HTTP/1.1 answer for a request Node could not parse (bad request line, headers over 16 KB). */
export function rawAnswer(status: number, reason: string, body: string, requestId: string): string {
  return `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\nx-request-id: ${requestId}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}

/** The body as text, undefined when empty, or 'too_large' past `limit` (the rest is drained unread). */
export async function readBody(request: IncomingMessage, limit: number = MAX_BODY_BYTES): Promise<string | undefined | 'too_large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  return size > limit ? 'too_large' : Buffer.concat(chunks).toString('utf8');
}

export function toEvent(
  request: IncomingMessage,
  url: URL,
  route: Route,
  params: Record<string, string>,
  body: string | undefined,
  authorizer: Record<string, string> | undefined,
  requestId: string,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
  const now = new Date();
  return {
    version: '2.0',
    routeKey: routeKey(route),
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(params).length ? { pathParameters: params } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: route.method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey: routeKey(route),
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      ...(authorizer ? { authorizer: { lambda: authorizer } } : {}),
    } as APIGatewayProxyEventV2['requestContext'],
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: false,
  };
}

export function lambdaContext(functionName: string, requestId: string): Context {
  const deadline = Date.now() + 30_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/local/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
