// The service part: one Lambda per function folder of the route table (plus authorizer and runner), the HTTP API, the
// role EventBridge Scheduler invokes the runner with, and the alarms and dashboard that say whether runs are happening.
import { ArnFormat, Aws, Duration, Names, Stack } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { DomainName, HttpApi, HttpMethod, HttpNoneAuthorizer, HttpStage, LogGroupLogDestination, type HttpRoute } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
  type IAlarm,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Schedule, ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { ENV } from '#shared/config.ts';
import { routeKey } from '#shared/routes.ts';
import { AUTHORIZER_SPEC, PUBLIC_ROUTE_PATHS, RUNNER_SPEC, SWEEPER_SPEC, apiFunctionSpecs, type FunctionSpec } from '../functions.ts';
import { acknowledge, acknowledgeWildcardResource } from '../nag.ts';
import { resolveServiceOptions, runQuotasJson, type AgentSchedulesServiceOptions, type ResolvedServiceOptions } from '../props.ts';
import { METRICS_NAMESPACE_ENV, RUN_METRICS } from '#shared/run-metrics.ts';
import { AgentFunction, type SchedulerBinding } from './agent-function.ts';
import type { AgentSchedulesState } from './agent-schedules-data.ts';

export interface AgentSchedulesServiceProps extends AgentSchedulesServiceOptions {
  /** The stateful resources (AgentSchedulesData, or your own that satisfy the interface). */
  readonly state: AgentSchedulesState;
}

/** Lambda's async retries of a trigger run before it goes to the dead-letter queue. */
export const RUNNER_ASYNC_RETRIES = 2;
export const RUNNER_ASYNC_MAX_EVENT_AGE = Duration.hours(1);

/** How often the sweeper looks for runs whose runner died. */
export const SWEEP_INTERVAL_MINUTES = 5;

/** The runner alarm fires when a run comes this close to the Lambda timeout (the run's own deadline then cut it short). */
const NEAR_TIMEOUT_FRACTION = 0.9;

export class AgentSchedulesService extends Construct {
  readonly options: ResolvedServiceOptions;
  readonly api: HttpApi;
  readonly stage: HttpStage;
  /** https://…/ (or https://<custom domain>/ when one is configured). */
  readonly apiUrl: string;
  readonly domainName: DomainName | undefined;
  readonly runner: AgentFunction;
  readonly authorizer: AgentFunction;
  /** Ends runs whose runner died (killed, out of memory), every 5 minutes. */
  readonly sweeper: AgentFunction;
  /** By function folder. */
  readonly apiFunctions: ReadonlyMap<string, AgentFunction>;
  /** The role EventBridge Scheduler assumes to invoke the runner. */
  readonly schedulerRole: Role;
  readonly alarmTopic: ITopic;
  readonly alarms: Record<'deadLetters' | 'runnerErrors' | 'runnerNearTimeout' | 'apiServerErrors' | 'throttles', Alarm>;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: AgentSchedulesServiceProps) {
    super(scope, id);
    const options = (this.options = resolveServiceOptions({ ...props, stage: props.stage ?? props.state.stage }));
    const { state } = props;
    const stack = Stack.of(this);

    // The runner's name is fixed so its ARN is known before it exists: the runner itself reads RUNNER_FUNCTION_ARN
    // (the Scheduler target it writes when pausing a schedule), which as a reference to itself would be a cycle.
    const runnerFunctionName = `${Names.uniqueResourceName(this, { maxLength: 57, separator: '-' })}-runner`;
    const runnerFunctionArn = stack.formatArn({ service: 'lambda', resource: 'function', resourceName: runnerFunctionName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });

    this.schedulerRole = new Role(this, 'SchedulerRole', {
      description: 'EventBridge Scheduler invokes the agent-schedules runner with this role (and dead-letters to the queue).',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com').withConditions({ StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } }),
    });
    this.schedulerRole.addToPrincipalPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['lambda:InvokeFunction'], resources: [runnerFunctionArn] }));
    this.schedulerRole.addToPrincipalPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: ['sqs:SendMessage'], resources: [state.deadLetterQueue.queueArn] }));

    const scheduler: SchedulerBinding = {
      groupName: state.scheduleGroupName,
      role: this.schedulerRole,
      deadLetterQueue: state.deadLetterQueue,
      runnerFunctionArn,
      maxRetryAttempts: options.schedulerMaxRetryAttempts,
      maxEventAgeSeconds: options.schedulerMaxEventAge.toSeconds(),
    };
    const settings = settingsEnv(options);
    const agentSecretsArn = stack.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${options.agentSecretsPrefix}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const build = (spec: FunctionSpec, id: string, extra: { functionName?: string; timeout?: Duration; memorySize?: number } = {}): AgentFunction => {
      const fn = new AgentFunction(this, id, { spec, settings, logRetention: options.logRetention, ...extra });
      if (spec.access.table !== 'none') fn.bindTable(state.table, spec.access.table);
      if (spec.access.scheduler !== 'none') fn.bindScheduler(scheduler, spec.access.scheduler);
      if (spec.access.invokeRunner) fn.bindRunnerInvoke(runnerFunctionArn);
      if (spec.access.secrets) fn.bindSecretVault(agentSecretsArn);
      if (spec.access.cursorKey) fn.bindSecret(state.cursorKeySecret, ENV.cursorKeyArn);
      return fn;
    };

    this.runner = build(RUNNER_SPEC, 'Runner', { functionName: runnerFunctionName, timeout: options.runnerTimeout });
    this.runner.bindSecret(state.signingSecret, ENV.signingSecretArn);
    this.runner.addRuntimeEnvironment(METRICS_NAMESPACE_ENV, options.metricsNamespace);
    this.#grantAgentTargets(this.runner, options);
    this.runner.function.configureAsyncInvoke({
      retryAttempts: RUNNER_ASYNC_RETRIES,
      maxEventAge: RUNNER_ASYNC_MAX_EVENT_AGE,
      onFailure: new SqsDestination(state.deadLetterQueue),
    });

    this.sweeper = build(SWEEPER_SPEC, 'Sweeper', { timeout: Duration.minutes(2) });
    this.sweeper.addRuntimeEnvironment(METRICS_NAMESPACE_ENV, options.metricsNamespace);
    new Schedule(this, 'SweeperSchedule', {
      description: 'agent-schedules: end runs left unfinished past their deadline (README › Operations).',
      schedule: ScheduleExpression.rate(Duration.minutes(SWEEP_INTERVAL_MINUTES)),
      // A missed sweep is taken up by the next one: no retries, no dead letters.
      target: new LambdaInvoke(this.sweeper.function, { role: this.schedulerRole, retryAttempts: 0 }),
    });
    acknowledgeWildcardResource(
      this.schedulerRole,
      `${this.sweeper.function.functionArn}:*`,
      'The LambdaInvoke target grants the sweeper function and its versions (ARN:*); it is this deployment\'s own function and nothing else.',
    );

    this.authorizer = build(AUTHORIZER_SPEC, 'Authorizer');
    this.authorizer.bindSecret(state.adminKeySecret, ENV.adminKeySecretArn);

    const apiFunctions = new Map<string, AgentFunction>();
    for (const spec of apiFunctionSpecs()) apiFunctions.set(spec.name, build(spec, pascal(spec.name)));
    this.apiFunctions = apiFunctions;

    ({ api: this.api, stage: this.stage, domainName: this.domainName, url: this.apiUrl } = this.#api(options));
    this.alarmTopic = this.#alarmTopic(options);
    this.alarms = this.#alarms(options, state);
    this.dashboard = this.#dashboard(options, state);
  }

  /** What agents may reach: secrets under the prefix, Bedrock models and agents, Lambda agents — only as configured. */
  #grantAgentTargets(runner: AgentFunction, options: ResolvedServiceOptions): void {
    const stack = Stack.of(this);
    const agentSecrets = stack.formatArn({ service: 'secretsmanager', resource: 'secret', resourceName: `${options.agentSecretsPrefix}*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    runner.allow(['secretsmanager:GetSecretValue'], [agentSecrets]);
    acknowledgeWildcardResource(
      runner,
      agentSecrets,
      'Agents name their secrets (secretRef) at run time; the runner may read only secrets under the deployment\'s agent prefix, never the admin key or any other secret.',
    );

    // The Converse API is authorised as bedrock:InvokeModel; there is no separate IAM action for it.
    // Newer models are invoked through cross-region inference profiles (model ids "us.…", "eu.…", "global.…"): that
    // needs the profile in this account and region, and the foundation model in every region the profile routes to.
    const models = options.bedrockModelArns ?? [
      stack.formatArn({ service: 'bedrock', region: '*', account: '', resource: 'foundation-model', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME }),
      stack.formatArn({ service: 'bedrock', resource: 'inference-profile', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME }),
    ];
    if (models.length > 0) {
      runner.allow(['bedrock:InvokeModel'], models);
      for (const model of models.filter((arn) => arn.includes('*'))) {
        acknowledgeWildcardResource(runner, model, 'Which foundation models bedrock agents use is the tenants\' choice; restrict it with the bedrockModelArns prop.');
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

  #api(options: ResolvedServiceOptions): { api: HttpApi; stage: HttpStage; domainName: DomainName | undefined; url: string } {
    const api = new HttpApi(this, 'Api', {
      description: `agent-schedules ${options.stage}`,
      createDefaultStage: false,
      ...(options.cors ? { corsPreflight: options.cors } : {}),
    });
    const custom = options.customDomain;
    const domainName = custom
      ? new DomainName(this, 'Domain', {
          domainName: custom.domainName,
          certificate: custom.certificate ?? Certificate.fromCertificateArn(this, 'DomainCertificate', custom.certificateArn!),
        })
      : undefined;
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: options.logRetention });
    const stage = new HttpStage(this, 'ApiStage', {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      throttle: options.apiThrottling,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: ACCESS_LOG_FORMAT },
      ...(domainName ? { domainMapping: { domainName } } : {}),
    });

    const authorizer = new HttpLambdaAuthorizer('ApiKeyAuthorizer', this.authorizer.function, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization'],
      resultsCacheTtl: options.authorizerCacheTtl,
    });
    const none = new HttpNoneAuthorizer();
    for (const [name, fn] of this.apiFunctions) {
      const integration = new HttpLambdaIntegration(`${pascal(name)}Integration`, fn.function);
      for (const route of fn.spec.routes) {
        const isPublic = PUBLIC_ROUTE_PATHS.includes(route.path);
        const [created] = api.addRoutes({ path: route.path, methods: [HttpMethod[route.method]], integration, authorizer: isPublic ? none : authorizer }) as [HttpRoute];
        if (isPublic) {
          acknowledge(created, 'APIG4', `${routeKey(route)} is public by design: liveness for load balancers and the API's own OpenAPI document; it reads no data.`);
        }
      }
    }
    const url = domainName ? `https://${options.customDomain!.domainName}/` : stage.url;
    return { api, stage, domainName, url };
  }

  #alarmTopic(options: ResolvedServiceOptions): ITopic {
    const topic = options.alarmTopic ?? new Topic(this, 'AlarmTopic', { displayName: `agent-schedules ${options.stage} alarms`, enforceSSL: true });
    if (options.alarmEmail) topic.addSubscription(new EmailSubscription(options.alarmEmail));
    return topic;
  }

  #alarms(options: ResolvedServiceOptions, state: AgentSchedulesState): AgentSchedulesService['alarms'] {
    const fiveMinutes = Duration.minutes(5);
    const runner = this.runner.function;
    const timeoutMs = options.runnerTimeout.toMilliseconds();
    const alarms: AgentSchedulesService['alarms'] = {
      deadLetters: new Alarm(this, 'DeadLettersAlarm', {
        alarmDescription: 'Scheduled runs or trigger runs could not be delivered to the runner and are waiting in the dead-letter queue. See README › Operations.',
        metric: state.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      runnerErrors: new Alarm(this, 'RunnerErrorsAlarm', {
        alarmDescription: 'The runner threw (not an agent failure, which is recorded on the run): runs may be missing. See README › Operations.',
        metric: runner.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      runnerNearTimeout: new Alarm(this, 'RunnerNearTimeoutAlarm', {
        alarmDescription: `A run took over ${Math.round(NEAR_TIMEOUT_FRACTION * 100)}% of the runner's ${options.runnerTimeout.toHumanString()} timeout. See README › Operations.`,
        metric: runner.metricDuration({ period: fiveMinutes, statistic: 'Maximum' }),
        threshold: Math.floor(timeoutMs * NEAR_TIMEOUT_FRACTION),
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      apiServerErrors: new Alarm(this, 'ApiServerErrorsAlarm', {
        alarmDescription: 'Over 5% of API requests answered 5xx for 10 of the last 15 minutes (ignored under 20 requests per 5 minutes). See README › Operations.',
        metric: new MathExpression({
          label: 'API 5xx %',
          expression: 'IF(FILL(requests, 0) >= 20, 100 * FILL(errors, 0) / requests, 0)',
          usingMetrics: { errors: this.api.metricServerError({ period: fiveMinutes, statistic: 'Sum' }), requests: this.api.metricCount({ period: fiveMinutes, statistic: 'Sum' }) },
          period: fiveMinutes,
        }),
        threshold: 5,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      // Every authorised request passes the authorizer and every run the runner, so their throttles are the first
      // sign of exhausted Lambda concurrency; a throttled route function shows up in the 5xx alarm.
      throttles: new Alarm(this, 'ThrottlesAlarm', {
        alarmDescription: 'Lambda throttled the runner or the authorizer: account concurrency is exhausted. See README › Operations.',
        metric: new MathExpression({
          label: 'Runner + authorizer throttles',
          expression: 'FILL(runner, 0) + FILL(authorizer, 0)',
          usingMetrics: {
            runner: runner.metricThrottles({ period: fiveMinutes, statistic: 'Sum' }),
            authorizer: this.authorizer.function.metricThrottles({ period: fiveMinutes, statistic: 'Sum' }),
          },
          period: fiveMinutes,
        }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    };
    const action = new SnsAction(this.alarmTopic);
    for (const alarm of Object.values(alarms)) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
    return alarms;
  }

  #dashboard(options: ResolvedServiceOptions, state: AgentSchedulesState): Dashboard {
    const fiveMinutes = Duration.minutes(5);
    const runMetric = (status: keyof typeof RUN_METRICS, color: string) =>
      new Metric({ namespace: options.metricsNamespace, metricName: RUN_METRICS[status], statistic: 'Sum', period: fiveMinutes, label: status.replace('_', ' '), color });
    const runner = this.runner.function;
    const dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(24) });
    dashboard.addWidgets(new TextWidget({ markdown: `# agent-schedules ${options.stage}\nRuns, API and dead letters. What each alarm means: README › Operations.`, width: 24, height: 2 }));
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Runs by outcome (per 5 minutes)',
        left: [runMetric('succeeded', '#2ca02c'), runMetric('failed', '#d62728'), runMetric('timed_out', '#ff7f0e'), runMetric('skipped', '#7f7f7f')],
        stacked: true,
        width: 12,
      }),
      new GraphWidget({
        title: 'Runner duration (ms) and errors',
        left: [runner.metricDuration({ statistic: 'p50', period: fiveMinutes }), runner.metricDuration({ statistic: 'Maximum', period: fiveMinutes })],
        right: [runner.metricErrors({ period: fiveMinutes }), runner.metricThrottles({ period: fiveMinutes })],
        width: 12,
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'API latency (ms)',
        left: [this.api.metricLatency({ statistic: 'p50', period: fiveMinutes }), this.api.metricLatency({ statistic: 'p99', period: fiveMinutes }), this.api.metricIntegrationLatency({ statistic: 'p99', period: fiveMinutes })],
        width: 12,
      }),
      new GraphWidget({
        title: 'API requests and errors',
        left: [this.api.metricCount({ statistic: 'Sum', period: fiveMinutes })],
        right: [this.api.metricClientError({ statistic: 'Sum', period: fiveMinutes }), this.api.metricServerError({ statistic: 'Sum', period: fiveMinutes })],
        width: 12,
      }),
    );
    dashboard.addWidgets(
      new SingleValueWidget({
        title: 'Dead-letter queue depth',
        metrics: [state.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' })],
        sparkline: true,
        width: 8,
      }),
      new AlarmStatusWidget({ title: 'Alarms', alarms: Object.values(this.alarms) as IAlarm[], width: 16 }),
    );
    return dashboard;
  }
}

/** The non-resource settings, by variable name; each function receives the ones its code reads. */
function settingsEnv(options: ResolvedServiceOptions): Record<string, string> {
  return {
    [ENV.minInterval]: String(options.minIntervalMinutes),
    [ENV.defaultAgent]: options.defaultAgentId ?? '',
    [ENV.runRetentionDays]: String(options.runRetentionDays),
    [ENV.autoDisable]: String(options.autoDisableAfterFailures),
    [ENV.runQuotas]: runQuotasJson(options.tenantRunQuotas),
    [ENV.agentSecretsPrefix]: options.agentSecretsPrefix,
    [ENV.allowedAgentHosts]: options.allowedAgentHosts.join(','),
    [ENV.allowPrivateAgentTargets]: String(options.allowPrivateAgentTargets),
  };
}

/** One JSON line per request, in HTTP API's own context variables. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    ip: '$context.identity.sourceIp',
    requestTime: '$context.requestTime',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationStatus: '$context.integrationStatus',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
    tenantId: '$context.authorizer.tenantId',
    keyId: '$context.authorizer.keyId',
    userAgent: '$context.identity.userAgent',
  }),
);

const pascal = (name: string): string => name.replace(/(^|-)([a-z0-9])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());

