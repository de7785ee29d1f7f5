// The OpenAPI 3.1 document: request and response schemas from the domain's zod schemas, paths from the route table.
import { OpenAPIRegistry, OpenApiGeneratorV31, type ResponseConfig } from '@asteasolutions/zod-to-openapi';
import type { ZodObject } from 'zod';
import * as z from 'zod/mini';
import { ROUTES, type Route } from '../routes.ts';
import { REQUEST_ID_HEADER } from './api-handler.ts';
import { classicTwin } from './openapi-classic.ts';
import { OPERATIONS } from './openapi-operations.ts';
import { type DocumentedResponse, ErrorBody, GatewayError, type Operation, ScheduledAgent, ScheduledAgentList } from './openapi-schemas.ts';

/** The header API Gateway names its request id in, on AWS; its own refusals carry only this one. */
const GATEWAY_REQUEST_ID_HEADER = 'apigw-requestid';
const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

const ref = (kind: 'headers' | 'parameters' | 'schemas', name: string) => ({ $ref: `#/components/${kind}/${name}` });

/** The service's envelope, or API Gateway's own {message} where both may answer. */
const ERROR_OR_GATEWAY = { oneOf: [ref('schemas', 'Error'), ref('schemas', 'GatewayError')] };

/** The errors every route may answer besides its own (operation.also); the status API Gateway may send itself is marked. */
function usualErrors(route: Route, params: string[]): Array<DocumentedResponse & { gateway?: 'only' | 'also' }> {
  const limit = route.bodyLimitBytes ? `${route.bodyLimitBytes / (1024 * 1024)} MiB` : '256 KiB';
  return [
    { status: 400, description: 'Bad input: which field and why' },
    ...(route.auth === 'none'
      ? []
      : [
          {
            status: 401,
            gateway: 'also' as const,
            description:
              'Missing or unknown API key. On AWS, API Gateway answers a request without an Authorization header itself: {"message": "Unauthorized"} (GatewayError); the local server answers in the Error envelope (code unauthorized).',
          },
          {
            status: 403,
            gateway: 'also' as const,
            description:
              'Wrong kind of key: the admin key on a tenant route, or a tenant key on an admin route (Error, code forbidden). On AWS, API Gateway refuses a key the authorizer does not accept (unknown, revoked, malformed) itself: {"message": "Forbidden"} (GatewayError).',
          },
        ]),
    ...(params.length ? [{ status: 404, description: 'Not found (also for another tenant’s ids)' }] : []),
    { status: 413, description: `Body over ${limit}` },
    {
      status: 429,
      gateway: 'only' as const,
      description:
        'Throttled by API Gateway on AWS (the stage’s rate or burst limit): {"message": "Too Many Requests"} (GatewayError); retry after a pause. The local server does not throttle.',
    },
    {
      status: 500,
      gateway: 'also' as const,
      description:
        'Our fault; the message carries a request id. On AWS, a function that crashes or times out is answered by API Gateway: {"message": "Internal Server Error"} (GatewayError).',
    },
  ];
}

/** The /agent/schedules routes answer in the scheduled-agents API's snake_case shapes. */
function inDialect(route: Route, operation: Operation): Operation {
  if (!route.path.startsWith('/agent/')) return operation;
  if (route.function === 'delete-schedule')
    return { ...operation, success: { status: 200, schema: z.object({ success: z.literal(true) }), description: 'Deleted' } };
  if (route.function === 'list-schedules') return { ...operation, success: { ...operation.success, schema: ScheduledAgentList } };
  return {
    ...operation,
    success: { ...operation.success, schema: ScheduledAgent },
    also: (operation.also ?? []).filter((response) => response.status !== 200),
  };
}

/** One answer: its body schema, x-request-id always, apigw-requestid where API Gateway may answer, Idempotent-Replayed on a replayable success. */
function responseOf(response: DocumentedResponse & { gateway?: 'only' | 'also' }, idempotent: boolean): ResponseConfig {
  const schema = response.gateway === 'only' ? GatewayError : response.schema;
  const content = schema
    ? { [response.contentType ?? 'application/json']: { schema: classicTwin(schema) } }
    : response.status >= 400
      ? { 'application/json': { schema: response.gateway ? ERROR_OR_GATEWAY : classicTwin(ErrorBody) } }
      : undefined;
  return {
    description: response.description,
    headers: {
      [REQUEST_ID_HEADER]: ref('headers', 'RequestId'),
      ...(response.gateway ? { [GATEWAY_REQUEST_ID_HEADER]: ref('headers', 'ApiGatewayRequestId') } : {}),
      ...(idempotent && response.status < 300 ? { [IDEMPOTENT_REPLAYED_HEADER]: ref('headers', 'IdempotentReplayed') } : {}),
      ...response.headers,
    },
    ...(content ? { content } : {}),
  };
}

function register(registry: OpenAPIRegistry, route: Route): void {
  const known = OPERATIONS[route.function];
  if (!known) throw new Error(`No OpenAPI operation for function ${route.function}`);
  const operation = inDialect(route, known);
  const idempotent = operation.idempotent ?? false;
  const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  const answers = [...usualErrors(route, params), operation.success, ...(operation.also ?? [])];
  registry.registerPath({
    method: route.method.toLowerCase() as 'get',
    path: route.path,
    operationId: route.operation,
    summary: operation.summary,
    ...(route.auth === 'none' ? { security: [] } : {}),
    ...(idempotent ? { parameters: [ref('parameters', 'IdempotencyKey')] } : {}),
    request: {
      ...(params.length ? { params: classicTwin(z.object(Object.fromEntries(params.map((name) => [name, z.string()])))) as ZodObject } : {}),
      ...(operation.query ? { query: classicTwin(operation.query) as ZodObject } : {}),
      ...(operation.body ? { body: { required: true, content: { 'application/json': { schema: classicTwin(operation.body) } } } } : {}),
    },
    // A later answer of the same status (the operation's own) replaces a usual one.
    responses: Object.fromEntries(answers.map((answer) => [String(answer.status), responseOf(answer, idempotent)])),
  });
}

function registerComponents(registry: OpenAPIRegistry): void {
  registry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer', description: 'An API key from POST /v1/admin/api-keys' });
  registry.registerComponent('headers', 'RequestId', {
    description:
      'The request id (API Gateway’s, on AWS): on every answer of the service, success or error; quote it when you report a problem. API Gateway’s own {"message"} answers (GatewayError) carry apigw-requestid instead.',
    schema: { type: 'string' },
    example: 'Kd9xQhVtoAMEbXw=',
  });
  registry.registerComponent('headers', 'ApiGatewayRequestId', {
    description: 'On AWS only: API Gateway’s request id, the one header its own answers (GatewayError) carry.',
    schema: { type: 'string' },
  });
  registry.registerComponent('headers', 'IdempotentReplayed', {
    description: 'Present ("true") when a repeated Idempotency-Key answered with what its first request did, rather than doing it again.',
    schema: { type: 'string', enum: ['true'] },
  });
  registry.registerComponent('parameters', 'IdempotencyKey', {
    name: IDEMPOTENCY_KEY_HEADER,
    in: 'header',
    required: false,
    description:
      'Makes a retry safe: for 24 hours, the same key with the same body answers what the first request did (Idempotent-Replayed: true); with another body, 409.',
    schema: { type: 'string', pattern: '^[!-~]{1,255}$', maxLength: 255 },
    example: 'daily-report-2026-11-20',
  });
}

let document: ReturnType<OpenApiGeneratorV31['generateDocument']> | undefined;

export function openApiDocument() {
  if (document) return document;
  const registry = new OpenAPIRegistry();
  registerComponents(registry);
  for (const route of ROUTES) register(registry, route);
  document = new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'agent-schedules', version: '1.0.0', description: 'Run AI agents on a schedule, in your own AWS account.' },
    security: [{ apiKey: [] }],
  });
  return document;
}
