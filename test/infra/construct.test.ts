// Embedding: AgentSchedules inside a platform team's own stack, with their own props, passes cdk-nag and honours every prop.
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { AgentSchedules } from '#infra/index.ts';
import { ENV, settingsFromEnv } from '#shared/config.ts';
import { describeFindings, synthWithNag } from './nag-support.ts';
import { TemplateReader, functionsByFolder, grants, logicalId, statementsOfRole, testApp, type Resources } from './support.ts';

const MODEL = 'arn:aws:bedrock:eu-west-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0';
const AGENT_ALIAS = 'arn:aws:bedrock:eu-west-1:111122223333:agent-alias/AGENT1/ALIAS1';
const AGENT_FUNCTION = 'arn:aws:lambda:eu-west-1:111122223333:function:summariser';

let host: Stack;
let embedded: AgentSchedules;
let template: Template;
let resources: Resources;
let report: ReturnType<typeof synthWithNag>;

beforeAll(() => {
  const app = testApp({ '@aws-cdk/core:failSynthOnValidationErrors': false });
  host = new Stack(app, 'PlatformStack', { env: { account: '111122223333', region: 'eu-west-1' } });
  const onCall = new Topic(host, 'OnCall', { enforceSSL: true });
  embedded = new AgentSchedules(host, 'Scheduling', {
    stage: 'prod',
    minIntervalMinutes: 5,
    runRetentionDays: 30,
    defaultAgentId: 'helper',
    allowedAgentHosts: ['agents.internal.example.com'],
    autoDisableAfterFailures: 3,
    tenantRunQuotas: { default: 1000, tenants: { acme: 5000 } },
    apiThrottling: { rateLimit: 20, burstLimit: 40 },
    cors: { allowOrigins: ['https://console.example.com'] },
    authorizerCacheTtl: Duration.minutes(1),
    alarmTopic: onCall,
    alarmEmail: 'oncall@example.com',
    customDomain: {
      domainName: 'schedules.example.com',
      certificate: Certificate.fromCertificateArn(host, 'Cert', 'arn:aws:acm:eu-west-1:111122223333:certificate/abc'),
    },
    logRetention: RetentionDays.THREE_MONTHS,
    bedrockModelArns: [MODEL],
    bedrockAgentAliasArns: [AGENT_ALIAS],
    agentFunctionArns: [AGENT_FUNCTION],
    dataRemovalPolicy: RemovalPolicy.DESTROY,
  });
  report = synthWithNag(app);
  template = Template.fromStack(host);
  resources = template.toJSON().Resources as Resources;
});

describe('AgentSchedules embedded in another stack', () => {
  it('passes cdk-nag AwsSolutions with nothing unacknowledged', () => {
    expect(describeFindings(report)).toEqual([]);
  });

  it('passes the props to the functions as the settings their code reads', () => {
    const lambdas = functionsByFolder(resources);
    const env = lambdas.get('create-schedule')!.properties.Environment.Variables as Record<string, string>;
    expect(settingsFromEnv(env)).toEqual({
      minIntervalMinutes: 5,
      defaultAgentId: 'helper',
      runRetentionDays: 30,
      autoDisableAfterFailures: 3,
      runQuotas: { default: 1000, tenants: { acme: 5000 } },
      secretPolicy: { secretsPrefix: 'agent-schedules/prod/agents/', envNames: [] },
      // Only the sweeper reads MISSED_RUN_GRACE_SECONDS: the API functions see the default.
      missedRunGraceSeconds: 600,
    });
    const runnerEnv = lambdas.get('runner')!.properties.Environment.Variables as Record<string, string>;
    expect(runnerEnv[ENV.allowedAgentHosts]).toBe('agents.internal.example.com');
    expect(runnerEnv.POWERTOOLS_METRICS_NAMESPACE).toBe('AgentSchedules/prod');
  });

  it('lets the runner reach only the configured models, agents and functions, itself, and the prod agent secrets', () => {
    const reader = new TemplateReader(resources, new Map(), [template]);
    const runner = functionsByFolder(resources).get('runner')!.properties;
    // The runner invokes itself (asynchronously) with a backfill's next occurrence.
    const self = `arn:\${AWS::Partition}:lambda:eu-west-1:111122223333:function:${runner.FunctionName}`;
    const agentGrants = grants(reader, statementsOfRole(resources, runner.Role['Fn::GetAtt'][0])).filter((grant) =>
      /^(bedrock|lambda|secretsmanager)/.test(grant),
    );
    expect(agentGrants).toEqual(
      [
        `bedrock:InvokeModel ${MODEL}`,
        `bedrock:InvokeAgent ${AGENT_ALIAS}`,
        `lambda:InvokeFunction ${AGENT_FUNCTION}`,
        `lambda:InvokeFunction ${self}`,
        'secretsmanager:GetSecretValue arn:${AWS::Partition}:secretsmanager:eu-west-1:111122223333:secret:agent-schedules/prod/agents/*',
        `secretsmanager:GetSecretValue <${logicalId(embedded.data.signingSecret)}>`,
      ].sort(),
    );
  });

  it('throttles, caches, enables CORS and serves the custom domain as configured', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 } });
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerResultTtlInSeconds: 60 });
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: { AllowOrigins: ['https://console.example.com'] } });
    template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', { DomainName: 'schedules.example.com' });
    template.resourceCountIs('AWS::ApiGatewayV2::ApiMapping', 1);
    expect(embedded.apiUrl).toBe('https://schedules.example.com/');
  });

  it('sends alarms to the given topic, subscribes the e-mail and creates no topic of its own', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    const topicId = logicalId(host.node.findChild('OnCall'));
    for (const [, alarm] of Object.entries(resources).filter(([, resource]) => resource.Type === 'AWS::CloudWatch::Alarm')) {
      expect(alarm.Properties!.AlarmActions).toEqual([{ Ref: topicId }]);
    }
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: { Ref: topicId } });
  });

  it('keeps logs for the configured retention and lets a throw-away stage delete its table', () => {
    for (const resource of Object.values(resources).filter((candidate) => candidate.Type === 'AWS::Logs::LogGroup')) {
      expect(resource.Properties!.RetentionInDays).toBe(90);
    }
    const table = Object.values(resources).find((resource) => resource.Type === 'AWS::DynamoDB::Table')!;
    expect(table.DeletionPolicy).toBe('Delete');
    expect(table.Properties!.DeletionProtectionEnabled).toBe(false);
  });
});

describe('AgentSchedules side by side', () => {
  it('gives two deployments in one stack their own runner name and schedule group', () => {
    // Two deployments (32 functions each) pass CloudFormation's 500 resources per stack: this synthesises one only to
    // compare their names, with CDK's resource-limit check off; a deployable stack holds one deployment.
    const app = testApp({ '@aws-cdk/core:stackResourceLimit': 0 });
    const stack = new Stack(app, 'Shared');
    const blue = new AgentSchedules(stack, 'Blue', { stage: 'blue' });
    const green = new AgentSchedules(stack, 'Green', { stage: 'green' });
    const lambdas = [...Object.values(Template.fromStack(stack).toJSON().Resources as Resources)].filter(
      (resource) => resource.Type === 'AWS::Lambda::Function',
    );
    const names = lambdas.map((resource) => resource.Properties!.FunctionName).filter(Boolean);
    expect(new Set(names).size).toBe(2);
    expect(blue.data.scheduleGroupName).not.toBe(green.data.scheduleGroupName);
  });

  it('refuses props the functions would reject, at synth rather than at the first request', () => {
    const stack = new Stack(testApp(), 'Invalid');
    expect(() => new AgentSchedules(stack, 'TooLong', { runnerTimeout: Duration.minutes(20) })).toThrow(/runnerTimeout/);
    expect(() => new AgentSchedules(stack, 'BadStage', { stage: 'Prod Stage' })).toThrow(/stage/);
    expect(() => new AgentSchedules(stack, 'BadInterval', { minIntervalMinutes: 0 })).toThrow(/minIntervalMinutes/);
    expect(() => new AgentSchedules(stack, 'BadQuota', { tenantRunQuotas: { tenants: { acme: -1 } } })).toThrow(/acme/);
  });
});
