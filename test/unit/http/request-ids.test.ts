// Every answer of a route function names its request id (x-request-id): successes, refusals and failures alike.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler as getOpenApi } from '#functions/get-openapi/handler.ts';
import { apiHandler, json, noContent, REQUEST_ID_HEADER, type ApiResult } from '#shared/http/api-handler.ts';
import { printedJson } from '../../support/printed.ts';

const context = { functionName: 'agent-schedules-test', awsRequestId: 'lambda-request-1', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

function event(requestId: string, fields: { body?: string; authorizer?: Record<string, string> } = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /v1/schedules',
    rawPath: '/v1/schedules',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    isBase64Encoded: false,
    ...(fields.body === undefined ? {} : { body: fields.body }),
    requestContext: {
      requestId,
      http: { method: 'POST', path: '/v1/schedules' },
      ...(fields.authorizer ? { authorizer: { lambda: fields.authorizer } } : {}),
    },
  } as unknown as APIGatewayProxyEventV2;
}

const tenant = { role: 'tenant', tenantId: 't1', userId: 'u1', keyId: 'key_t1_x' };
const created = apiHandler('tenant', async () => json(201, { ok: true }));
const failing = apiHandler('tenant', async () => {
  throw new Error('boom');
});

describe('x-request-id', () => {
  it.each([
    ['a success', 201, () => created(event('gw-ok', { body: '{}', authorizer: tenant }), context)],
    ['a 204', 204, () => apiHandler('tenant', async () => noContent())(event('gw-none', { authorizer: tenant }), context)],
    ['no principal', 401, () => created(event('gw-no-principal', { body: '{}' }), context)],
    ['the admin key on a tenant route', 403, () => created(event('gw-admin', { body: '{}', authorizer: { role: 'admin' } }), context)],
    ['a body that is not JSON', 400, () => created(event('gw-bad-json', { body: '{"name": ', authorizer: tenant }), context)],
    [
      'a body over the limit',
      413,
      () => created(event('gw-too-large', { body: JSON.stringify({ task: 'x'.repeat(300 * 1024) }), authorizer: tenant }), context),
    ],
    ['a failure', 500, () => failing(event('gw-failed', { authorizer: tenant }), context)],
    ['GET /openapi.json', 200, () => getOpenApi(event('gw-document'), context)],
  ] as const)('is on %s (%i)', async (_what, status, call) => {
    let answer: ApiResult | undefined;
    await printedJson(async () => {
      answer = await call();
    });
    expect(answer?.statusCode).toBe(status);
    expect(answer?.headers?.[REQUEST_ID_HEADER]).toMatch(/^gw-/);
  });
});
