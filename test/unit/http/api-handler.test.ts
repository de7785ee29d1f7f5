// The API handler's middleware as Lambda runs it: a request id on every answer, and log lines an operator can join to it.
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiHandler, json, REQUEST_ID_HEADER } from '#shared/http/api-handler.ts';
import { printedJson } from '../../support/printed.ts';

const context = {
  functionName: 'agent-schedules-get-thing',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:agent-schedules-get-thing',
  memoryLimitInMB: '256',
  awsRequestId: 'lambda-request-1',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

const event = (requestId: string): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: 'GET /thing',
    rawPath: '/thing',
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    requestContext: { requestId, http: { method: 'GET', path: '/thing' } },
  }) as unknown as APIGatewayProxyEventV2;

afterEach(() => vi.restoreAllMocks());

/** The JSON log lines the logger printed while `run` ran. */
const logLines = (run: () => Promise<unknown>) => printedJson(run);

describe('apiHandler', () => {
  it('answers with the API Gateway request id in x-request-id, on success and on error', async () => {
    const ok = await apiHandler('none', async () => json(200, { fine: true }))(event('gw-1'), context);
    expect(ok.headers?.[REQUEST_ID_HEADER]).toBe('gw-1');
    const failing = apiHandler('none', async () => {
      throw new Error('boom');
    });
    let failed: Awaited<ReturnType<typeof failing>> | undefined;
    await logLines(async () => (failed = await failing(event('gw-2'), context)));
    expect(failed!.statusCode).toBe(500);
    expect(failed!.headers?.[REQUEST_ID_HEADER]).toBe('gw-2');
    expect(JSON.parse(failed!.body as string).error.message).toContain('Request id: gw-2');
  });

  it('logs a failure with the Lambda request id, cold start and the request id as correlation id, and forgets them after', async () => {
    const failing = apiHandler('none', async () => {
      throw new Error('boom');
    });
    const [line] = await logLines(() => failing(event('gw-3'), context));
    expect(line).toMatchObject({
      level: 'ERROR',
      message: 'Request failed',
      function_request_id: 'lambda-request-1',
      correlation_id: 'gw-3',
      function_name: 'agent-schedules-get-thing',
    });
    expect(typeof line!.cold_start).toBe('boolean');
    const [next] = await logLines(() => failing(event('gw-4'), { ...context, awsRequestId: 'lambda-request-2' } as Context));
    expect(next).toMatchObject({ function_request_id: 'lambda-request-2', correlation_id: 'gw-4' });
  });
});
