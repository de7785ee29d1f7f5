// The `cdk deploy` deployment: a data stack and a service stack per stage, configured from cdk.json context.
import { Tags, type App, type Environment } from 'aws-cdk-lib';
import { DEFAULT_STAGE } from './props.ts';
import { CONTEXT_KEY, TOP_LEVEL_CONTEXT_KEYS, propsFromContext, type DeploymentContext } from './settings.ts';
import { DataStack } from './stacks/data-stack.ts';
import { ServiceStack } from './stacks/service-stack.ts';

export type { DeploymentContext } from './settings.ts';

/**
 * App context the deployment is built and tested with (cdk.json and -c still override it). Cross-stack references
 * stay "strong": CloudFormation refuses to delete a data-stack export the service stack still uses.
 */
export const APP_CONTEXT: Record<string, unknown> = { '@aws-cdk/core:defaultCrossStackReferences': 'strong' };

export interface Deployment {
  data: DataStack;
  service: ServiceStack;
}

/** The context object, with the keys that may be given on their own (`-c stage=prod`, `-c alarmEmail=…`) laid over it. */
export function contextOf(app: App): DeploymentContext {
  const raw: unknown = app.node.tryGetContext(CONTEXT_KEY);
  const context = { ...((typeof raw === 'string' ? JSON.parse(raw) : (raw ?? {})) as Record<string, unknown>) };
  for (const key of TOP_LEVEL_CONTEXT_KEYS) {
    const value: unknown = app.node.tryGetContext(key);
    if (value) context[key] = value;
  }
  return context as DeploymentContext;
}

/** Adds the two stacks to the app. Stacks are environment-agnostic unless CDK_DEFAULT_ACCOUNT is known. */
export function addDeployment(app: App, context: DeploymentContext = contextOf(app)): Deployment {
  const { stage = DEFAULT_STAGE, dataRemovalPolicy, ...serviceOptions } = propsFromContext(context);
  const env: Environment | undefined = process.env.CDK_DEFAULT_ACCOUNT
    ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION }
    : undefined;
  const common = { ...(env ? { env } : {}), stage };
  const prefix = `AgentSchedules-${stage}`;

  const data = new DataStack(app, `${prefix}-Data`, {
    ...common,
    description: `agent-schedules ${stage}: table, dead-letter queue, schedule group, secrets`,
    ...(dataRemovalPolicy ? { dataRemovalPolicy } : {}),
  });
  const service = new ServiceStack(app, `${prefix}-Service`, {
    ...common,
    description: `agent-schedules ${stage}: functions, HTTP API, Scheduler role, alarms`,
    state: data.data,
    ...serviceOptions,
  });
  for (const stack of [data, service]) Tags.of(stack).add('agent-schedules:stage', stage);
  return { data, service };
}
