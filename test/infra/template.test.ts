// The synthesised templates against the route table, the table definition and the code's config module: every
// function gets exactly the access its routes name, the env vars its code reads, and every Scheduler target dead-letters.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Token } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '#infra/bundling.ts';
import { AUTHORIZER_FUNCTION, NOTIFIER_FUNCTION, PUBLIC_ROUTE_PATHS, RUNNER_FUNCTION, SWEEPER_FUNCTION, allFunctionSpecs } from '#infra/functions.ts';
import { RUN_METRICS } from '#shared/run-metrics.ts';
import { toScheduleRequest, schedulerMirrorConfigFromEnv } from '#shared/adapters/eventbridge-scheduler/scheduler-mirror.ts';
import { ENV, LOCAL_ONLY_ENV, SCHEDULER_ENV, envNamesFor, settingsFromEnv } from '#shared/config.ts';
import { ROUTES, routeKey, type Route } from '#shared/routes.ts';
import { TABLE } from '#shared/table.ts';
import { TemplateReader, functionsByFolder, grants, logicalId, statementsOfRole, synthDeployment, type Resources } from './support.ts';

let deployment: ReturnType<typeof synthDeployment>;
let data: Resources;
let service: Resources;
let reader: TemplateReader;
let lambdas: ReturnType<typeof functionsByFolder>;

/** The route table, grouped by the function folder that serves it. */
const routesByFunction = new Map<string, Route[]>();
for (const route of ROUTES) routesByFunction.set(route.function, [...(routesByFunction.get(route.function) ?? []), route]);

/** What the code reads, from shared/config.ts and the route table's flags (never listed here by hand). */
function expectedEnv(folder: string): string[] {
  if (folder === AUTHORIZER_FUNCTION) return envNamesFor({ role: 'authorizer', table: true });
  // Both invoke the runner: the next occurrence of a backfill whose run they ended.
  if (folder === RUNNER_FUNCTION) return envNamesFor({ role: 'runner', table: true, invokeRunner: true });
  if (folder === SWEEPER_FUNCTION) return envNamesFor({ role: 'sweeper', table: true, invokeRunner: true });
  if (folder === NOTIFIER_FUNCTION) return envNamesFor({ role: 'notifier', table: true });
  const route = routesByFunction.get(folder)![0]!;
  return envNamesFor({
    role: 'api',
    table: route.table !== 'none',
    scheduler: route.scheduler ?? false,
    invokeRunner: route.invokeRunner ?? false,
    cursorKey: route.cursorKey ?? false,
    signingSecret: route.signingSecret ?? false,
  });
}

const READ = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'];
const WRITE = [...READ, 'dynamodb:ConditionCheckItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
const TABLE_RESOURCES = ['<table>', ...TABLE.globalSecondaryIndexes.map((index) => `<table>/index/${index.indexName}`)];
const pairs = (actions: string[], resources: string[]) => actions.flatMap((action) => resources.map((resource) => `${action} ${resource}`));

/** The grants a function should have: its own logs, X-Ray, and what its route-table flags name. */
function expectedGrants(folder: string, scheduleArns: string): string[] {
  const expected = [
    ...pairs(['logs:CreateLogStream', 'logs:PutLogEvents'], [`<logs:${folder}>`]),
    ...pairs(['xray:PutTelemetryRecords', 'xray:PutTraceSegments'], ['*']),
  ];
  const route = routesByFunction.get(folder)?.[0];
  const table =
    folder === RUNNER_FUNCTION || folder === SWEEPER_FUNCTION || folder === NOTIFIER_FUNCTION
      ? 'write'
      : folder === AUTHORIZER_FUNCTION
        ? 'read'
        : route!.table;
  if (table === 'read') expected.push(...pairs(READ, TABLE_RESOURCES));
  if (table === 'write') expected.push(...pairs(WRITE, TABLE_RESOURCES));
  if (route?.scheduler)
    expected.push(...pairs(['scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule', 'scheduler:UpdateSchedule'], [scheduleArns]));
  // The runner and the sweeper start a backfill's next occurrence when they end one of its runs.
  if (route?.invokeRunner || folder === RUNNER_FUNCTION || folder === SWEEPER_FUNCTION) expected.push('lambda:InvokeFunction <runner>');
  if (route?.secrets) {
    expected.push(
      ...pairs(
        [
          'secretsmanager:CreateSecret',
          'secretsmanager:DeleteSecret',
          'secretsmanager:PutSecretValue',
          'secretsmanager:RestoreSecret',
          'secretsmanager:TagResource',
        ],
        ['arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:agent-schedules/test/agents/*'],
      ),
    );
  }
  if (route?.scheduler || folder === RUNNER_FUNCTION) expected.push('iam:PassRole <scheduler-role>');
  if (route?.cursorKey) expected.push('secretsmanager:GetSecretValue <cursor-key>');
  if (route?.signingSecret) expected.push('secretsmanager:GetSecretValue <signing-secret>');
  if (folder === AUTHORIZER_FUNCTION) expected.push('secretsmanager:GetSecretValue <admin-key>');
  // Notifications: the functions that end runs only send to the queue; the notifier consumes it (its event source).
  if (route?.notify || folder === RUNNER_FUNCTION || folder === SWEEPER_FUNCTION) expected.push('sqs:SendMessage <notification-queue>');
  // Batch items: the functions that start them only send to the batch queue; the runner also consumes it.
  if (route?.batchQueue || folder === RUNNER_FUNCTION || folder === SWEEPER_FUNCTION) expected.push('sqs:SendMessage <batch-queue>');
  if (folder === RUNNER_FUNCTION) {
    expected.push(
      ...pairs(['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'], ['<batch-queue>']),
    );
  }
  if (folder === NOTIFIER_FUNCTION) {
    expected.push(
      'secretsmanager:GetSecretValue <signing-secret>',
      ...pairs(
        ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
        ['<notification-queue>'],
      ),
    );
  }
  if (folder === RUNNER_FUNCTION) {
    expected.push(
      ...pairs(['scheduler:CreateSchedule', 'scheduler:UpdateSchedule'], [scheduleArns]),
      'secretsmanager:GetSecretValue <signing-secret>',
      'secretsmanager:GetSecretValue arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:agent-schedules/test/agents/*',
      'bedrock:InvokeModel arn:${AWS::Partition}:bedrock:*::foundation-model/*',
      'bedrock:InvokeModel arn:${AWS::Partition}:bedrock:${AWS::Region}:${AWS::AccountId}:inference-profile/*',
      // The async-invoke on-failure destination (CDK's SqsDestination grants these three).
      ...pairs(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'], ['<dlq>']),
    );
  }
  return expected.sort();
}

beforeAll(() => {
  deployment = synthDeployment();
  data = deployment.templates.data.toJSON().Resources as Resources;
  service = deployment.templates.service.toJSON().Resources as Resources;
  const state = deployment.data.data;
  const svc = deployment.service.service;
  const labels = new Map<string, string>([
    [logicalId(state.table), 'table'],
    [logicalId(state.deadLetterQueue), 'dlq'],
    [logicalId(state.adminKeySecret), 'admin-key'],
    [logicalId(state.signingSecret), 'signing-secret'],
    [logicalId(state.cursorKeySecret), 'cursor-key'],
    [logicalId(svc.schedulerRole), 'scheduler-role'],
    [logicalId(svc.alarmTopic), 'alarm-topic'],
    [logicalId(svc.notifications.queue), 'notification-queue'],
    [logicalId(svc.batches.queue), 'batch-queue'],
    [logicalId(svc.notifications.deadLetterQueue), 'notification-dlq'],
  ]);
  for (const fn of [svc.runner, svc.authorizer, svc.sweeper, svc.notifier, ...svc.apiFunctions.values()]) {
    labels.set(logicalId(fn.logGroup), `logs:${fn.spec.name}`);
    labels.set(logicalId(fn.function), `fn:${fn.spec.name}`);
  }
  const runnerName = service[logicalId(svc.runner.function)]!.Properties!.FunctionName as string;
  const aliases = new Map([
    [`arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${runnerName}`, '<runner>'],
    ['<fn:runner>', '<runner>'],
  ]);
  reader = new TemplateReader({ ...data, ...service }, labels, [deployment.templates.data, deployment.templates.service], aliases);
  lambdas = functionsByFolder(service);
});

describe('functions', () => {
  it('builds one Lambda per function folder in the route table, plus the authorizer, the runner, the sweeper and the notifier', () => {
    const expected = new Set([AUTHORIZER_FUNCTION, RUNNER_FUNCTION, SWEEPER_FUNCTION, NOTIFIER_FUNCTION, ...ROUTES.map((route) => route.function)]);
    expect(new Set(lambdas.keys())).toEqual(expected);
    expect(Object.values(service).filter((resource) => resource.Type === 'AWS::Lambda::Function')).toHaveLength(expected.size);
    for (const folder of expected) expect(existsSync(join(PROJECT_ROOT, 'functions', folder, 'handler.ts')), folder).toBe(true);
  });

  it('serves routes that share a function only when they name identical access', () => {
    for (const [folder, routes] of routesByFunction) {
      const flags = routes.map((route) => ({
        auth: route.auth === 'none' ? 'none' : 'key',
        table: route.table,
        scheduler: route.scheduler ?? false,
        invokeRunner: route.invokeRunner ?? false,
        secrets: route.secrets ?? false,
      }));
      expect(flags, folder).toEqual(flags.map(() => flags[0]));
    }
    expect(allFunctionSpecs()).toHaveLength(routesByFunction.size + 4);
  });

  it('runs every function on Node 24, arm64, with active tracing, JSON logs and a log group with retention', () => {
    for (const [folder, { properties }] of lambdas) {
      expect(properties.Runtime, folder).toBe('nodejs24.x');
      expect(properties.Architectures, folder).toEqual(['arm64']);
      expect(properties.TracingConfig, folder).toEqual({ Mode: 'Active' });
      expect(properties.LoggingConfig.LogFormat, folder).toBe('JSON');
      expect(reader.text(properties.LoggingConfig.LogGroup), folder).toBe(`<logs:${folder}>`);
      const logGroup = Object.entries(service).find(([id]) => reader.labels.get(id) === `logs:${folder}`)![1];
      expect(logGroup.Properties!.RetentionInDays, folder).toBe(30);
      expect(properties.Handler, folder).toBe('index.handler');
    }
  });

  it('gives the runner a 10-minute timeout and a fixed name, so it knows its own ARN without a cycle', () => {
    const runner = lambdas.get(RUNNER_FUNCTION)!.properties;
    expect(runner.Timeout).toBe(600);
    expect(typeof runner.FunctionName).toBe('string');
    expect(reader.text(runner.Environment.Variables[ENV.runnerFunction])).toBe('<runner>');
  });

  it('retries a failed trigger run twice within an hour, then sends it to the dead-letter queue', () => {
    const [config] = Object.values(service).filter((resource) => resource.Type === 'AWS::Lambda::EventInvokeConfig');
    expect(config!.Properties!.MaximumRetryAttempts).toBe(2);
    expect(config!.Properties!.MaximumEventAgeInSeconds).toBe(3600);
    expect(reader.text(config!.Properties!.FunctionName)).toBe('<runner>');
    expect(reader.text(config!.Properties!.DestinationConfig.OnFailure.Destination)).toBe('<dlq>');
  });
});

describe('permissions', () => {
  it('grants each function exactly what its route needs: table access by level, Scheduler only to mutating routes, invoke only to the routes that start runs', () => {
    const scheduleArns = `arn:\${AWS::Partition}:scheduler:\${AWS::Region}:\${AWS::AccountId}:schedule/${deployment.data.data.scheduleGroupName}/*`;
    for (const [folder, { properties }] of lambdas) {
      const roleId = (properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      expect(service[roleId]!.Properties!.ManagedPolicyArns, `${folder} has no managed policy`).toBeUndefined();
      expect(grants(reader, statementsOfRole(service, roleId)), folder).toEqual(expectedGrants(folder, scheduleArns));
    }
  });

  it('lets the route functions pass the Scheduler role only to EventBridge Scheduler', () => {
    for (const [folder, { properties }] of lambdas) {
      const roleId = (properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      for (const statement of statementsOfRole(service, roleId).filter((candidate) => candidate.Action === 'iam:PassRole')) {
        expect(statement.Condition, folder).toEqual({ StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } });
      }
    }
  });

  it('lets only EventBridge Scheduler of this account assume the Scheduler role, to invoke the runner and the sweeper and dead-letter', () => {
    const roleId = logicalId(deployment.service.service.schedulerRole);
    const role = service[roleId]!.Properties!;
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    expect(role.ManagedPolicyArns).toBeUndefined();
    expect(grants(reader, statementsOfRole(service, roleId))).toEqual([
      'lambda:InvokeFunction <fn:sweep-runs>',
      'lambda:InvokeFunction <fn:sweep-runs>:*',
      'lambda:InvokeFunction <runner>',
      'sqs:SendMessage <dlq>',
    ]);
  });

  it('sweeps for runs whose runner died every 5 minutes, through EventBridge Scheduler, without retries', () => {
    const [schedule] = Object.values(service).filter((resource) => resource.Type === 'AWS::Scheduler::Schedule');
    expect(schedule!.Properties!.ScheduleExpression).toBe('rate(5 minutes)');
    expect(schedule!.Properties!.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
    expect(reader.text(schedule!.Properties!.Target.Arn)).toBe('<fn:sweep-runs>');
    expect(reader.text(schedule!.Properties!.Target.RoleArn)).toBe('<scheduler-role>');
    expect(schedule!.Properties!.Target.RetryPolicy.MaximumRetryAttempts).toBe(0);
  });
});

describe('environment', () => {
  it('sets on every function the variables its code reads (from shared/config.ts), and no local-only one', () => {
    for (const [folder, { properties }] of lambdas) {
      const variables = Object.keys(properties.Environment.Variables as Record<string, unknown>);
      expect(variables, folder).toEqual(expect.arrayContaining(expectedEnv(folder)));
      for (const name of LOCAL_ONLY_ENV) expect(variables, folder).not.toContain(name);
    }
  });

  it('names the resources each function was granted, and settings the config module accepts', () => {
    for (const [folder, { properties }] of lambdas) {
      const env = Object.fromEntries(
        Object.entries(properties.Environment.Variables as Record<string, unknown>).map(([name, value]) => [name, reader.text(value)]),
      );
      if (env[ENV.tableName] !== undefined) expect(env[ENV.tableName], folder).toBe('<table>');
      if (env[ENV.runnerFunction] !== undefined) expect(env[ENV.runnerFunction], folder).toBe('<runner>');
      if (folder === AUTHORIZER_FUNCTION) expect(env[ENV.adminKeySecretArn]).toBe('<admin-key>');
      if (folder === RUNNER_FUNCTION || folder === NOTIFIER_FUNCTION || routesByFunction.get(folder)?.[0]?.signingSecret)
        expect(env[ENV.signingSecretArn], folder).toBe('<signing-secret>');
      if (env[ENV.notificationQueueUrl] !== undefined) expect(env[ENV.notificationQueueUrl], folder).toBe('<notification-queue>');
      if (routesByFunction.get(folder)?.[0]?.cursorKey) expect(env[ENV.cursorKeyArn]).toBe('<cursor-key>');
      if (folder !== AUTHORIZER_FUNCTION) expect(() => settingsFromEnv(env), folder).not.toThrow();
    }
  });

  it("points every Scheduler target the code writes at the runner, through the Scheduler role, with the stack's queue as its dead-letter queue", () => {
    const writers = [...lambdas].filter(([folder]) => folder === RUNNER_FUNCTION || routesByFunction.get(folder)?.[0]?.scheduler);
    expect(writers.length).toBeGreaterThan(1);
    for (const [folder, { properties }] of writers) {
      // References travel through the code as opaque text and are read back as what they refer to.
      const env = Object.fromEntries(
        Object.entries(properties.Environment.Variables as Record<string, unknown>).map(([name, value]) => [
          name,
          typeof value === 'string' ? value : `ref:${JSON.stringify(value)}`,
        ]),
      );
      const request = toScheduleRequest(
        {
          name: 'sched_1',
          tenantId: 'acme',
          expression: 'cron(0 9 ? * MON *)',
          timezone: 'UTC',
          enabled: true,
          oneTime: false,
          startAt: null,
          endAt: null,
          description: 'test',
        },
        schedulerMirrorConfigFromEnv(env),
      );
      const read = (value: string | undefined) => (value!.startsWith('ref:') ? reader.text(JSON.parse(value!.slice(4))) : value);
      expect(read(request.Target!.DeadLetterConfig!.Arn), folder).toBe('<dlq>');
      expect(read(request.Target!.RoleArn), folder).toBe('<scheduler-role>');
      expect(read(request.Target!.Arn), folder).toBe('<runner>');
      expect(read(request.GroupName), folder).toBe(deployment.data.data.scheduleGroupName);
      expect(request.Target!.RetryPolicy).toEqual({ MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 });
      expect(env[SCHEDULER_ENV.maxRetryAttempts], folder).toBe('3');
    }
  });
});

describe('data', () => {
  it('keeps the table on demand, recoverable to a point in time, encrypted, protected from deletion and retained', () => {
    const tables = Object.values(data).filter((resource) => resource.Type === 'AWS::DynamoDB::Table');
    expect(tables).toHaveLength(1);
    const table = tables[0]!;
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: TABLE.timeToLiveAttribute, Enabled: true },
      DeletionProtectionEnabled: true,
      SSESpecification: { SSEEnabled: true },
      KeySchema: [
        { AttributeName: TABLE.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey.name, KeyType: 'RANGE' },
      ],
    });
    expect(table.Properties!.GlobalSecondaryIndexes).toEqual(
      TABLE.globalSecondaryIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: index.projection },
      })),
    );
  });

  it('encrypts the dead-letter queue and refuses requests without TLS', () => {
    deployment.templates.data.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
    deployment.templates.data.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('generates the admin key at deploy time and outputs where it is, never its value', () => {
    const adminKey = data[logicalId(deployment.data.data.adminKeySecret)]!.Properties!;
    expect(adminKey.GenerateSecretString).toMatchObject({ ExcludePunctuation: true, PasswordLength: 48 });
    expect(adminKey.SecretString).toBeUndefined();
    const outputs = deployment.templates.data.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(reader.text(outputs.AdminKeySecretArn!.Value)).toBe('<admin-key>');
    expect(reader.text(outputs.TableName!.Value)).toBe('<table>');
    expect(outputs.ScheduleGroupName!.Value).toBe(deployment.data.data.scheduleGroupName);
    expect(Object.keys(deployment.templates.service.toJSON().Outputs as object)).toContain('ApiUrl');
  });

  it('gives the deployment a schedule group of its own', () => {
    deployment.templates.data.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    deployment.templates.data.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: deployment.data.data.scheduleGroupName });
  });

  it('needs no account or region to synthesise', () => {
    expect(Token.isUnresolved(deployment.service.account)).toBe(true);
    expect(Token.isUnresolved(deployment.data.region)).toBe(true);
  });
});

describe('api', () => {
  it('serves exactly the route table, each route by the function the table names', () => {
    const routes = reader.ofType('AWS::ApiGatewayV2::Route').map(([, resource]) => resource.Properties!);
    expect(routes.map((route) => route.RouteKey).sort()).toEqual(ROUTES.map(routeKey).sort());
    const integrations = new Map(reader.ofType('AWS::ApiGatewayV2::Integration'));
    for (const route of routes) {
      const integrationId = (route.Target['Fn::Join'][1] as unknown[]).map((part) => (part as { Ref?: string }).Ref).find(Boolean)!;
      const uri = reader.text(integrations.get(integrationId)!.Properties!.IntegrationUri);
      const expected = ROUTES.find((candidate) => routeKey(candidate) === route.RouteKey)!.function;
      expect(uri, route.RouteKey).toBe(`<fn:${expected}>`);
    }
  });

  it('serves the web console at GET /console and /console/assets/{file}: public, one function, no data access', () => {
    const routes = reader.ofType('AWS::ApiGatewayV2::Route').map(([, { Properties }]) => Properties!.RouteKey as string);
    expect(routes).toEqual(expect.arrayContaining(['GET /console', 'GET /console/assets/{file}']));
    expect(PUBLIC_ROUTE_PATHS).toEqual(expect.arrayContaining(['/console', '/console/assets/{file}']));
    const spec = allFunctionSpecs().find((each) => each.name === 'get-console')!;
    expect(spec.access).toMatchObject({ table: 'none', scheduler: 'none', secrets: false, invokeRunner: false });
  });

  it('authorizes every route with the API key authorizer except /health, /openapi.json and the console', () => {
    const [authorizerId] = reader.only('AWS::ApiGatewayV2::Authorizer');
    for (const [, { Properties: route }] of reader.ofType('AWS::ApiGatewayV2::Route')) {
      const path = (route!.RouteKey as string).split(' ')[1]!;
      if (PUBLIC_ROUTE_PATHS.includes(path)) {
        expect(route!.AuthorizationType, route!.RouteKey).toBe('NONE');
        expect(route!.AuthorizerId).toBeUndefined();
      } else {
        expect(route!.AuthorizationType, route!.RouteKey).toBe('CUSTOM');
        expect(route!.AuthorizerId, route!.RouteKey).toEqual({ Ref: authorizerId });
      }
    }
  });

  it('caches the simple-response authorizer by Authorization header for five minutes', () => {
    const [, authorizer] = reader.only('AWS::ApiGatewayV2::Authorizer');
    expect(authorizer).toMatchObject({
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 300,
    });
    expect(reader.text(authorizer.AuthorizerUri)).toContain(`<fn:${AUTHORIZER_FUNCTION}>`);
  });

  it('throttles the stage, logs every request and leaves CORS off', () => {
    const [, stage] = reader.only('AWS::ApiGatewayV2::Stage');
    expect(stage).toMatchObject({ StageName: '$default', AutoDeploy: true, DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 } });
    expect(JSON.parse(stage.AccessLogSettings.Format as string)).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
    const [, api] = reader.only('AWS::ApiGatewayV2::Api');
    expect(api.CorsConfiguration).toBeUndefined();
  });
});

describe('safety nets', () => {
  it('alarms on dead letters (runs, notifications and batch items), runner errors, runs near the timeout, missed runs, API 5xx rate and throttles, to the alarm topic', () => {
    const alarms = reader.ofType('AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties!);
    expect(alarms).toHaveLength(8);
    for (const alarm of alarms) expect(reader.text(alarm.AlarmActions)).toBe('<alarm-topic>');
    const byMetric = (name: string) =>
      alarms.find((alarm) => alarm.MetricName === name || JSON.stringify(alarm.Metrics ?? []).includes(`"MetricName":"${name}"`));
    expect(reader.text(byMetric('ApproximateNumberOfMessagesVisible')!.Dimensions[0].Value)).toBe('<dlq.QueueName>');
    expect(reader.text(byMetric('Errors')!.Dimensions[0].Value)).toBe('<runner>');
    expect(byMetric('Duration')!.Threshold).toBe(540_000);
    expect(byMetric('RunsMissed')!.Threshold).toBe(1);
    expect(byMetric('5xx')!.Threshold).toBe(5);
    expect(JSON.stringify(byMetric('Throttles')!.Metrics)).toContain('Throttles');
  });

  it("charts runs by outcome from the runner's metrics, API latency and the dead-letter queue depth", () => {
    const [, dashboard] = reader.only('AWS::CloudWatch::Dashboard');
    const body = reader.text(dashboard.DashboardBody);
    for (const metric of Object.values(RUN_METRICS)) expect(body).toContain(`"AgentSchedules/test","${metric}"`);
    expect(body).toContain('"Latency"');
    expect(body).toContain('"ApproximateNumberOfMessagesVisible"');
  });

  it('gives the runner the metrics namespace the dashboard reads', () => {
    expect(lambdas.get(RUNNER_FUNCTION)!.properties.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE).toBe('AgentSchedules/test');
  });
});
