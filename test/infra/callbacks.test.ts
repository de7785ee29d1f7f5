// Agent callbacks on AWS: POST /v1/callbacks/{handle} is the one data route served without the API key authorizer (its
// per-run token is checked in the function), its function may touch the table, the Scheduler (auto-pause) and the
// signing secret and nothing else, and the runner knows the API's URL to build callback URLs — without a cycle.
import { beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_ROUTE_PATHS, RUNNER_FUNCTION } from '#infra/functions.ts';
import { ENV } from '#shared/config.ts';
import { ROUTES } from '#shared/routes.ts';
import { TABLE } from '#shared/table.ts';
import { TemplateReader, functionsByFolder, grants, logicalId, statementsOfRole, synthDeployment, type Resources } from './support.ts';

const CALLBACK_FUNCTION = 'complete-run-callback';
const CALLBACK_ROUTE = 'POST /v1/callbacks/{handle}';

let service: Resources;
let reader: TemplateReader;
let lambdas: ReturnType<typeof functionsByFolder>;
let groupName: string;

beforeAll(() => {
  // Synth itself fails on a dependency cycle (runner → API → route functions): this proves there is none.
  const deployment = synthDeployment({ stage: 'test' });
  const data = deployment.templates.data.toJSON().Resources as Resources;
  service = deployment.templates.service.toJSON().Resources as Resources;
  const state = deployment.data.data;
  const svc = deployment.service.service;
  groupName = state.scheduleGroupName;
  reader = new TemplateReader(
    { ...data, ...service },
    new Map([
      [logicalId(state.table), 'table'],
      [logicalId(state.signingSecret), 'signing-secret'],
      [logicalId(svc.schedulerRole), 'scheduler-role'],
      [logicalId(svc.api), 'api'],
      [logicalId(svc.apiFunctions.get(CALLBACK_FUNCTION)!.logGroup), 'logs'],
      [logicalId(svc.notifications.queue), 'queue'],
      [logicalId(svc.batches.queue), 'batch-queue'],
    ]),
    [deployment.templates.data, deployment.templates.service],
  );
  lambdas = functionsByFolder(service);
});

describe('the agent callback route', () => {
  it('is served by its own function without the API key authorizer; every other data route keeps it', () => {
    const routes = reader.ofType('AWS::ApiGatewayV2::Route').map(([, resource]) => resource.Properties!);
    const callback = routes.find((route) => route.RouteKey === CALLBACK_ROUTE)!;
    expect(callback).toMatchObject({ AuthorizationType: 'NONE' });
    expect(callback.AuthorizerId).toBeUndefined();
    expect(ROUTES.filter((route) => route.auth === 'none').map((route) => route.path)).toEqual(PUBLIC_ROUTE_PATHS);
    const guarded = routes.filter((route) => !PUBLIC_ROUTE_PATHS.includes((route.RouteKey as string).split(' ')[1]!));
    expect(guarded.length).toBeGreaterThan(40);
    for (const route of guarded) expect(route.AuthorizationType, route.RouteKey).toBe('CUSTOM');
  });

  it('may read and write the table, update the Scheduler of its group (auto-pause), read the signing secret, start the runner (a backfill goes on), queue notifications and the next items of a batch — nothing else', () => {
    const { properties } = lambdas.get(CALLBACK_FUNCTION)!;
    const allowed = grants(reader, statementsOfRole(service, properties.Role['Fn::GetAtt'][0]));
    const schedules = `arn:\${AWS::Partition}:scheduler:\${AWS::Region}:\${AWS::AccountId}:schedule/${groupName}/*`;
    const tables = ['<table>', ...TABLE.globalSecondaryIndexes.map((index) => `<table>/index/${index.indexName}`)];
    const runner = reader.text(lambdas.get(RUNNER_FUNCTION)!.properties.FunctionName);
    const resources = new Set(allowed.map((grant) => grant.slice(grant.indexOf(' ') + 1)));
    expect([...resources].sort()).toEqual(
      [
        ...tables,
        '*',
        '<batch-queue>',
        '<logs>',
        '<queue>',
        '<scheduler-role>',
        '<signing-secret>',
        schedules,
        expect.stringMatching(new RegExp(`:function:${runner}$`)),
      ].sort(),
    );
    expect(allowed.filter((grant) => grant.startsWith('secretsmanager:'))).toEqual(['secretsmanager:GetSecretValue <signing-secret>']);
    expect(allowed.filter((grant) => grant.startsWith('sqs:')).sort()).toEqual(['sqs:SendMessage <batch-queue>', 'sqs:SendMessage <queue>']);
    expect(allowed.filter((grant) => grant.startsWith('lambda:'))).toEqual([expect.stringMatching(/^lambda:InvokeFunction arn:.*-runner$/)]);
    expect(allowed.filter((grant) => grant.startsWith('bedrock:'))).toEqual([]);
    expect(allowed).toContain('dynamodb:UpdateItem <table>');
  });

  it('names the signing secret and the table in its environment, and no local-only key', () => {
    const variables = lambdas.get(CALLBACK_FUNCTION)!.properties.Environment.Variables as Record<string, unknown>;
    expect(reader.text(variables[ENV.signingSecretArn])).toBe('<signing-secret>');
    expect(reader.text(variables[ENV.tableName])).toBe('<table>');
    expect(variables[ENV.signingSecret]).toBeUndefined();
  });
});

describe('the runner', () => {
  it("knows the API's own URL (PUBLIC_BASE_URL), from which callback URLs are made", () => {
    const variables = lambdas.get(RUNNER_FUNCTION)!.properties.Environment.Variables as Record<string, unknown>;
    expect(reader.text(variables[ENV.publicBaseUrl])).toBe('https://<api>.execute-api.${AWS::Region}.${AWS::URLSuffix}/');
  });
});
