// The `cdk deploy` deployment: a data stack and a service stack per stage, configured from cdk.json context.
import { Duration, RemovalPolicy, Tags, type App, type Environment } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DEFAULT_STAGE, type AgentSchedulesProps } from './props.ts';
import { DataStack } from './stacks/data-stack.ts';
import { ServiceStack } from './stacks/service-stack.ts';

/**
 * The JSON form of the props, for `cdk.json` ("context": {"agentSchedules": {…}}) or `-c agentSchedules='{…}'`;
 * `-c stage=prod` and `-c alarmEmail=…` override single values.
 */
export interface DeploymentContext {
  stage?: string;
  minIntervalMinutes?: number;
  runRetentionDays?: number;
  defaultAgentId?: string;
  allowedAgentHosts?: string[];
  allowPrivateAgentTargets?: boolean;
  autoDisableAfterFailures?: number;
  tenantRunQuotas?: { default?: number; tenants?: Record<string, number> };
  apiThrottling?: { rateLimit?: number; burstLimit?: number };
  cors?: { allowOrigins: string[] };
  authorizerCacheTtlSeconds?: number;
  alarmEmail?: string;
  customDomain?: { domainName: string; certificateArn: string };
  logRetentionDays?: number;
  agentSecretsPrefix?: string;
  bedrockModelArns?: string[];
  bedrockAgentAliasArns?: string[];
  agentFunctionArns?: string[];
  runnerTimeoutMinutes?: number;
  metricsNamespace?: string;
  /** "destroy" deletes the table with the stack (throw-away stages only). @default "retain" */
  dataRemovalPolicy?: 'retain' | 'destroy';
}

/**
 * App context the deployment is built and tested with (cdk.json and -c still override it). Cross-stack references
 * stay "strong": CloudFormation refuses to delete a data-stack export the service stack still uses.
 */
export const APP_CONTEXT: Record<string, unknown> = { '@aws-cdk/core:defaultCrossStackReferences': 'strong' };

export interface Deployment {
  data: DataStack;
  service: ServiceStack;
}

export function contextOf(app: App): DeploymentContext {
  const raw: unknown = app.node.tryGetContext('agentSchedules');
  const base = (typeof raw === 'string' ? JSON.parse(raw) : (raw ?? {})) as DeploymentContext;
  const stage = app.node.tryGetContext('stage') as string | undefined;
  const alarmEmail = app.node.tryGetContext('alarmEmail') as string | undefined;
  return { ...base, ...(stage ? { stage } : {}), ...(alarmEmail ? { alarmEmail } : {}) };
}

function retention(days: number | undefined): RetentionDays | undefined {
  if (days === undefined) return undefined;
  const valid = Object.values(RetentionDays).filter((value): value is number => typeof value === 'number');
  if (!valid.includes(days)) throw new Error(`logRetentionDays must be one of CloudWatch's retention periods (${valid.join(', ')}); got ${days}.`);
  return days as RetentionDays;
}

/** Adds the two stacks to the app. Stacks are environment-agnostic unless CDK_DEFAULT_ACCOUNT is known. */
export function addDeployment(app: App, context: DeploymentContext = contextOf(app)): Deployment {
  const stage = context.stage ?? DEFAULT_STAGE;
  const env: Environment | undefined = process.env.CDK_DEFAULT_ACCOUNT ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION } : undefined;
  const common = { ...(env ? { env } : {}), stage };
  const prefix = `AgentSchedules-${stage}`;

  const data = new DataStack(app, `${prefix}-Data`, {
    ...common,
    description: `agent-schedules ${stage}: table, dead-letter queue, schedule group, secrets`,
    dataRemovalPolicy: context.dataRemovalPolicy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
  });
  const service = new ServiceStack(app, `${prefix}-Service`, {
    ...common,
    description: `agent-schedules ${stage}: functions, HTTP API, Scheduler role, alarms`,
    state: data.data,
    ...serviceProps(context),
  });
  for (const stack of [data, service]) Tags.of(stack).add('agent-schedules:stage', stage);
  return { data, service };
}

function serviceProps(context: DeploymentContext): Omit<AgentSchedulesProps, 'stage' | 'dataRemovalPolicy'> {
  const logRetention = retention(context.logRetentionDays);
  return {
    ...(context.minIntervalMinutes !== undefined ? { minIntervalMinutes: context.minIntervalMinutes } : {}),
    ...(context.runRetentionDays !== undefined ? { runRetentionDays: context.runRetentionDays } : {}),
    ...(context.defaultAgentId !== undefined ? { defaultAgentId: context.defaultAgentId } : {}),
    ...(context.allowedAgentHosts ? { allowedAgentHosts: context.allowedAgentHosts } : {}),
    ...(context.allowPrivateAgentTargets !== undefined ? { allowPrivateAgentTargets: context.allowPrivateAgentTargets } : {}),
    ...(context.autoDisableAfterFailures !== undefined ? { autoDisableAfterFailures: context.autoDisableAfterFailures } : {}),
    ...(context.tenantRunQuotas ? { tenantRunQuotas: context.tenantRunQuotas } : {}),
    ...(context.apiThrottling ? { apiThrottling: context.apiThrottling } : {}),
    ...(context.cors ? { cors: { allowOrigins: context.cors.allowOrigins } } : {}),
    ...(context.authorizerCacheTtlSeconds !== undefined ? { authorizerCacheTtl: Duration.seconds(context.authorizerCacheTtlSeconds) } : {}),
    ...(context.alarmEmail ? { alarmEmail: context.alarmEmail } : {}),
    ...(logRetention !== undefined ? { logRetention } : {}),
    ...(context.agentSecretsPrefix ? { agentSecretsPrefix: context.agentSecretsPrefix } : {}),
    ...(context.bedrockModelArns ? { bedrockModelArns: context.bedrockModelArns } : {}),
    ...(context.bedrockAgentAliasArns ? { bedrockAgentAliasArns: context.bedrockAgentAliasArns } : {}),
    ...(context.agentFunctionArns ? { agentFunctionArns: context.agentFunctionArns } : {}),
    ...(context.runnerTimeoutMinutes !== undefined ? { runnerTimeout: Duration.minutes(context.runnerTimeoutMinutes) } : {}),
    ...(context.metricsNamespace ? { metricsNamespace: context.metricsNamespace } : {}),
    // By ARN only (no lookups), so synth still needs no credentials.
    ...(context.customDomain ? { customDomain: { domainName: context.customDomain.domainName, certificateArn: context.customDomain.certificateArn } } : {}),
  };
}

