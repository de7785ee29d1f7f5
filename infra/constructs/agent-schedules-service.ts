// The service part: one Lambda per function folder of the route table (plus authorizer, runner and sweeper), the role
// EventBridge Scheduler invokes the runner with, and the grants between them; the HTTP API (AgentSchedulesApi) and the
// alarms and dashboard (AgentSchedulesMonitoring) are constructs of their own, wired to these functions here.
import { ArnFormat, Aws, Duration, Names, Stack } from 'aws-cdk-lib';
import type { DomainName, HttpApi, HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import type { Alarm, Dashboard } from 'aws-cdk-lib/aws-cloudwatch';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ENV } from '../../shared/config.ts';
import { METRICS_NAMESPACE_ENV } from '../../shared/run-metrics.ts';
import { AUTHORIZER_SPEC, NOTIFIER_SPEC, RUNNER_SPEC, SWEEPER_SPEC, apiFunctionSpecs, constructIdOf, type FunctionSpec } from '../functions.ts';
import { acknowledgeWildcardResource } from '../nag.ts';
import { resolveServiceOptions, type AgentSchedulesServiceOptions, type ResolvedServiceOptions } from '../props.ts';
import { settingsEnv } from '../settings.ts';
import { AgentFunction, type SchedulerBinding } from './agent-function.ts';
import { AgentSchedulesApi } from './agent-schedules-api.ts';
import type { AgentSchedulesState } from './agent-schedules-data.ts';
import { AgentSchedulesMonitoring, type AlarmName } from './agent-schedules-monitoring.ts';
import { AgentSchedulesNotifications } from './agent-schedules-notifications.ts';
import { AgentSchedulesBatches } from './agent-schedules-batches.ts';

export interface AgentSchedulesServiceProps extends AgentSchedulesServiceOptions {
  /** The stateful resources (AgentSchedulesData, or your own that satisfy the interface). */
  readonly state: AgentSchedulesState;
}

/** Lambda's async retries of a trigger run before it goes to the dead-letter queue. */
export const RUNNER_ASYNC_RETRIES = 2;
export const RUNNER_ASYNC_MAX_EVENT_AGE = Duration.hours(1);

/** How often the sweeper looks for runs whose runner died and for scheduled times with no run. */
export const SWEEP_INTERVAL_MINUTES = 5;

export class AgentSchedulesService extends Construct {
  readonly options: ResolvedServiceOptions;
  readonly api: HttpApi;
  readonly stage: HttpStage;
  /** https://…/ (or https://<custom domain>/ when one is configured). */
  readonly apiUrl: string;
  readonly domainName: DomainName | undefined;
  readonly runner: AgentFunction;
  readonly authorizer: AgentFunction;
  /** Ends runs whose runner died (killed, out of memory) and records missed runs (lost fires), every 5 minutes. */
  readonly sweeper: AgentFunction;
  /** Delivers queued notifications to webhooks (the notification queue's consumer). */
  readonly notifier: AgentFunction;
  /** The notification queue, its dead-letter queue and alarm. */
  readonly notifications: AgentSchedulesNotifications;
  /** The batch queue (the runner consumes it), its dead-letter queue and alarm. */
  readonly batches: AgentSchedulesBatches;
  /** By function folder. */
  readonly apiFunctions: ReadonlyMap<string, AgentFunction>;
  /** The role EventBridge Scheduler assumes to invoke the runner. */
  readonly schedulerRole: Role;
  /** The HTTP API, its stage, authorizer and custom domain (api, stage, domainName and apiUrl below are its). */
  readonly http: AgentSchedulesApi;
  /** The alarm topic, alarms and dashboard (alarmTopic, alarms and dashboard below are its). */
  readonly monitoring: AgentSchedulesMonitoring;
  readonly alarmTopic: ITopic;
  readonly alarms: Record<AlarmName, Alarm>;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: AgentSchedulesServiceProps) {
    super(scope, id);
    this.options = resolveServiceOptions({ ...props, stage: props.stage ?? props.state.stage });
    const options = this.options;
    const { state } = props;
    const stack = Stack.of(this);

    // The runner's name is fixed so its ARN is known before it exists: the runner itself reads RUNNER_FUNCTION_ARN
    // (the Scheduler target it writes when pausing a schedule), which as a reference to itself would be a cycle.
    const runnerFunctionName = `${Names.uniqueResourceName(this, { maxLength: 57, separator: '-' })}-runner`;
    const runnerFunctionArn = stack.formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: runnerFunctionName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    this.schedulerRole = new Role(this, 'SchedulerRole', {
      description: 'EventBridge Scheduler invokes the agent-schedules runner with this role (and dead-letters to the queue).',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com').withConditions({ StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } }),
    });
    this.schedulerRole.addToPrincipalPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['lambda:InvokeFunction'], resources: [runnerFunctionArn] }));
    this.schedulerRole.addToPrincipalPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['sqs:SendMessage'], resources: [state.deadLetterQueue.queueArn] }),
    );

    const scheduler: SchedulerBinding = {
      groupName: state.scheduleGroupName,
      role: this.schedulerRole,
      deadLetterQueue: state.deadLetterQueue,
      runnerFunctionArn,
    };
    const settings = settingsEnv(options);
    const agentSecretsArn = stack.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${options.agentSecretsPrefix}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const build = (spec: FunctionSpec, id: string, extra: { functionName?: string; timeout?: Duration } = {}): AgentFunction => {
      const fn = new AgentFunction(this, id, { spec, settings, logRetention: options.logRetention, memorySize: options.memory[spec.role], ...extra });
      if (spec.access.table !== 'none') fn.bindTable(state.table, spec.access.table);
      if (spec.access.scheduler !== 'none') fn.bindScheduler(scheduler, spec.access.scheduler);
      if (spec.access.invokeRunner) fn.bindRunnerInvoke(runnerFunctionArn);
      if (spec.access.secrets) fn.bindSecretVault(agentSecretsArn);
      if (spec.access.cursorKey) fn.bindSecret(state.cursorKeySecret, ENV.cursorKeyArn);
      if (spec.access.signingSecret) fn.bindSecret(state.signingSecret, ENV.signingSecretArn);
      return fn;
    };

    this.runner = build(RUNNER_SPEC, 'Runner', { functionName: runnerFunctionName, timeout: options.runnerTimeout });
    this.runner.bindSecret(state.signingSecret, ENV.signingSecretArn);
    this.runner.addRuntimeEnvironment(METRICS_NAMESPACE_ENV, settings[METRICS_NAMESPACE_ENV]!);
    this.#grantAgentTargets(this.runner, options);
    this.runner.function.configureAsyncInvoke({
      retryAttempts: RUNNER_ASYNC_RETRIES,
      maxEventAge: RUNNER_ASYNC_MAX_EVENT_AGE,
      onFailure: new SqsDestination(state.deadLetterQueue),
    });

    this.sweeper = build(SWEEPER_SPEC, 'Sweeper', { timeout: Duration.minutes(2) });
    this.sweeper.addRuntimeEnvironment(METRICS_NAMESPACE_ENV, settings[METRICS_NAMESPACE_ENV]!);
    new Schedule(this, 'SweeperSchedule', {
      description: 'agent-schedules: end runs left unfinished past their deadline, record missed runs (README › Operations).',
      schedule: ScheduleExpression.rate(Duration.minutes(SWEEP_INTERVAL_MINUTES)),
      // A missed sweep is taken up by the next one: no retries, no dead letters.
      target: new LambdaInvoke(this.sweeper.function, { role: this.schedulerRole, retryAttempts: 0 }),
    });
    acknowledgeWildcardResource(
      this.schedulerRole,
      `${this.sweeper.function.functionArn}:*`,
      "The LambdaInvoke target grants the sweeper function and its versions (ARN:*); it is this deployment's own function and nothing else.",
    );

    this.authorizer = build(AUTHORIZER_SPEC, 'Authorizer');
    this.authorizer.bindSecret(state.adminKeySecret, ENV.adminKeySecretArn);

    const apiFunctions = new Map<string, AgentFunction>();
    for (const spec of apiFunctionSpecs()) apiFunctions.set(spec.name, build(spec, constructIdOf(spec.name)));
    this.apiFunctions = apiFunctions;

    // The API creates its resources in this scope, under the ids they had before it was a construct of its own.
    this.http = new AgentSchedulesApi(this, 'Http', {
      stage: options.stage,
      routeFunctions: new Map([...apiFunctions].map(([name, fn]) => [name, { function: fn.function, routes: fn.spec.routes }])),
      authorizerFunction: this.authorizer.function,
      authorizerCacheTtl: options.authorizerCacheTtl,
      throttling: options.apiThrottling,
      ...(options.cors ? { cors: options.cors } : {}),
      accessLogRetention: options.logRetention,
      ...(options.customDomain ? { customDomain: options.customDomain } : {}),
    });
    ({ api: this.api, stage: this.stage, domainName: this.domainName, url: this.apiUrl } = this.http);
    // Agents that answer 202 call back under the API's URL. No cycle: the API refers to the route functions, never the runner.
    this.runner.bindPublicBaseUrl(this.apiUrl);
    this.sweeper.bindPublicBaseUrl(this.apiUrl);

    // 'Default' is left out of logical IDs: the alarm topic (and its subscriptions), the alarms and the dashboard keep
    // the IDs they had before monitoring was a construct of its own.
    this.monitoring = new AgentSchedulesMonitoring(this, 'Default', {
      stage: options.stage,
      runner: this.runner.function,
      runnerTimeout: options.runnerTimeout,
      authorizer: this.authorizer.function,
      api: this.api,
      deadLetterQueue: state.deadLetterQueue,
      metricsNamespace: options.metricsNamespace,
      ...(options.alarmTopic ? { alarmTopic: options.alarmTopic } : {}),
      ...(options.alarmEmail ? { alarmEmail: options.alarmEmail } : {}),
    });
    ({ alarmTopic: this.alarmTopic, alarms: this.alarms, dashboard: this.dashboard } = this.monitoring);

    // Webhook notifications: the runner and the sweeper only queue them, so a slow or failing webhook never holds a run.
    this.notifier = build(NOTIFIER_SPEC, 'Notifier', { timeout: Duration.seconds(30) });
    this.notifier.bindSecret(state.signingSecret, ENV.signingSecretArn);
    this.notifications = new AgentSchedulesNotifications(this, 'Notifications', {
      deliverFunction: this.notifier,
      senders: [this.runner, this.sweeper, ...[...apiFunctions.values()].filter((fn) => fn.spec.access.notify)],
      alarmTopic: this.alarmTopic,
    });

    // Batch items: the routes that start them, and the runner and the sweeper (a batch's next items, when one of its
    // runs ends), send their runs to the batch queue; the runner takes them one per invocation.
    this.batches = new AgentSchedulesBatches(this, 'Batches', {
      runner: this.runner,
      senders: [this.runner, this.sweeper, ...[...apiFunctions.values()].filter((fn) => fn.spec.access.batchQueue)],
      alarmTopic: this.alarmTopic,
    });
  }

  /** What agents may reach: secrets under the prefix, Bedrock models and agents, Lambda agents — only as configured. */
  #grantAgentTargets(runner: AgentFunction, options: ResolvedServiceOptions): void {
    const stack = Stack.of(this);
    const agentSecrets = stack.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${options.agentSecretsPrefix}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    runner.allow(['secretsmanager:GetSecretValue'], [agentSecrets]);
    acknowledgeWildcardResource(
      runner,
      agentSecrets,
      "Agents name their secrets (secretRef) at run time; the runner may read only secrets under the deployment's agent prefix, never the admin key or any other secret.",
    );

    // The Converse API is authorised as bedrock:InvokeModel; there is no separate IAM action for it.
    // Newer models are invoked through cross-region inference profiles (model ids "us.…", "eu.…", "global.…"): that
    // needs the profile in this account and region, and the foundation model in every region the profile routes to.
    const models = options.bedrockModelArns ?? [
      stack.formatArn({
        service: 'bedrock',
        region: '*',
        account: '',
        resource: 'foundation-model',
        resourceName: '*',
        arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
      }),
      stack.formatArn({ service: 'bedrock', resource: 'inference-profile', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME }),
    ];
    if (models.length > 0) {
      runner.allow(['bedrock:InvokeModel'], models);
      for (const model of models.filter((arn) => arn.includes('*'))) {
        acknowledgeWildcardResource(
          runner,
          model,
          "Which foundation models bedrock agents use is the tenants' choice; restrict it with the bedrockModelArns prop.",
        );
      }
    }
    if (options.bedrockAgentAliasArns.length > 0) {
      runner.allow(['bedrock:InvokeAgent'], options.bedrockAgentAliasArns);
      for (const alias of options.bedrockAgentAliasArns.filter((arn) => arn.includes('*'))) {
        acknowledgeWildcardResource(runner, alias, 'Bedrock agent aliases configured by the deployer (bedrockAgentAliasArns).');
      }
    }
    if (options.agentFunctionArns.length > 0) {
      runner.allow(['lambda:InvokeFunction'], options.agentFunctionArns);
      for (const fn of options.agentFunctionArns.filter((arn) => arn.includes('*'))) {
        acknowledgeWildcardResource(runner, fn, 'Lambda agents configured by the deployer (agentFunctionArns).');
      }
    }
  }
}
