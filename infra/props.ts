// The deployment's knobs: every prop optional, each default chosen here once, each value checked before anything is built.
import { Duration, type RemovalPolicy, Token } from 'aws-cdk-lib';
import type { CorsPreflightOptions } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { FunctionRole } from '../shared/config.ts';
import { modelPricesFrom } from '../shared/domain/model-prices.ts';
import { DEFAULT_MEMORY_MB, checkMemorySize } from './constructs/agent-function.ts';
import type { ITopic } from 'aws-cdk-lib/aws-sns';

/** Props of the stateful part (table, dead-letter queue, schedule group, secrets). */
export interface AgentSchedulesDataProps {
  /** Names the deployment: resource descriptions, the agent secrets prefix, the metrics namespace. @default 'dev' */
  readonly stage?: string;
  /**
   * What happens to the table when the stack is deleted. RETAIN also turns on DynamoDB deletion protection;
   * DESTROY is for throw-away stages only.
   * @default RemovalPolicy.RETAIN
   */
  readonly dataRemovalPolicy?: RemovalPolicy;
}

export interface TenantRunQuotas {
  /** Runs per month for tenants not listed. @default unlimited */
  readonly default?: number;
  /** Runs per month by tenant id. */
  readonly tenants?: Record<string, number>;
}

export interface ApiThrottling {
  /** Steady-state requests per second for the whole API. @default 50 */
  readonly rateLimit?: number;
  /** Burst bucket size. @default 100 */
  readonly burstLimit?: number;
}

export interface CustomDomain {
  /** e.g. schedules.example.com; point a CNAME (or alias) at the `ApiDomainTarget` output. */
  readonly domainName: string;
  /** An ACM certificate for domainName in the stack's region… */
  readonly certificate?: ICertificate;
  /** …or its ARN (for cdk.json context). One of the two is required. */
  readonly certificateArn?: string;
}

/**
 * Lambda memory (MB, 128–10,240) by function role; CPU comes in proportion (1,769 MB = one vCPU). `api` is every API
 * route's function; the authorizer, the runner (scheduled runs, triggers, batch items), the sweeper and the notifier
 * are one function each. A role left out keeps its default (DEFAULT_MEMORY_MB in constructs/agent-function.ts).
 */
export type FunctionMemory = { readonly [R in FunctionRole]?: number };

/**
 * Props of the service part (functions, API, Scheduler role, alarms, dashboard). Each has a row in infra/settings.ts:
 * the cdk.json context key that sets it and the Lambda variable that carries it, if any.
 */
export interface AgentSchedulesServiceOptions {
  /** @default 'dev' */
  readonly stage?: string;
  /** Shortest cadence a schedule may have, in minutes. @default 1 */
  readonly minIntervalMinutes?: number;
  /** Days a run record is kept before DynamoDB's TTL removes it. @default 90 */
  readonly runRetentionDays?: number;
  /** Agent used by schedules that name none. @default none: such runs fail with `no_agent` */
  readonly defaultAgentId?: string;
  /** Hostnames http/openai agents may reach even when they resolve to link-local or private addresses. @default none */
  readonly allowedAgentHosts?: string[];
  /** Let http/openai agents reach private networks (10/8, 172.16/12, 192.168/16). @default false */
  readonly allowPrivateAgentTargets?: boolean;
  /** Pause a recurring schedule after this many consecutive failed runs; 0 = never. @default 0 */
  readonly autoDisableAfterFailures?: number;
  /** Monthly run quotas. @default unlimited */
  readonly tenantRunQuotas?: TenantRunQuotas;
  /** Stage-wide throttling of the HTTP API. @default 50 rps, burst 100 */
  readonly apiThrottling?: ApiThrottling;
  /** CORS for browser clients. @default off */
  readonly cors?: CorsPreflightOptions;
  /** How long API Gateway caches the authorizer's answer per Authorization header (a revoked key lives this long). @default 5 minutes */
  readonly authorizerCacheTtl?: Duration;
  /** Where alarms go. @default a new SNS topic */
  readonly alarmTopic?: ITopic;
  /** Subscribes this address to the alarm topic (confirm the e-mail AWS sends). @default none */
  readonly alarmEmail?: string;
  /** Serve the API on your own domain. @default the execute-api URL only */
  readonly customDomain?: CustomDomain;
  /** Retention of function logs and API access logs. @default one month */
  readonly logRetention?: RetentionDays;
  /** Name prefix of the Secrets Manager secrets agents reference (secretRef); the runner may read only these. @default `agent-schedules/<stage>/agents/` */
  readonly agentSecretsPrefix?: string;
  /** Bedrock model (or inference profile) ARNs bedrock agents may invoke. @default every foundation model (any region, for cross-region inference) and every inference profile of this account and region */
  readonly bedrockModelArns?: string[];
  /**
   * USD per million input and output tokens by model id, laid over the dated defaults (shared/domain/model-prices.ts):
   * what batches' actualUsd is reckoned with. A key matches any model id that contains it.
   * @default the defaults only
   */
  readonly modelPrices?: Record<string, { inputPerMillion: number; outputPerMillion: number }>;
  /** Bedrock Agent alias ARNs bedrock-agent agents may invoke. @default none */
  readonly bedrockAgentAliasArns?: string[];
  /** Lambda function ARNs lambda agents may invoke. @default none */
  readonly agentFunctionArns?: string[];
  /** The runner's Lambda timeout: the longest a run can take, plus the runner's 10 s margin. At most 15 minutes. @default 10 minutes */
  readonly runnerTimeout?: Duration;
  /** EventBridge Scheduler's retries of an undeliverable scheduled event before it goes to the dead-letter queue. @default 3 */
  readonly schedulerMaxRetryAttempts?: number;
  /** How long EventBridge Scheduler keeps retrying an event. @default 1 hour */
  readonly schedulerMaxEventAge?: Duration;
  /** CloudWatch namespace of the runner's run counts. @default `AgentSchedules/<stage>` */
  readonly metricsNamespace?: string;
  /**
   * Seconds after a fire time (plus the schedule's flexible window) with no run recorded before the sweeper records the
   * run missed (skipped, reason "missed") and the RunsMissed alarm fires. A delivery arriving later is not run.
   * @default 600 (10 minutes)
   */
  readonly missedRunGraceSeconds?: number;
  /** Lambda memory by function role, e.g. `{ api: 1024 }` (README › Benchmarks › Memory). @default api and authorizer 1024 MB, runner 128 MB, sweeper and notifier 512 MB */
  readonly memory?: FunctionMemory;
}

/** Everything `AgentSchedules` accepts. */
export interface AgentSchedulesProps extends AgentSchedulesDataProps, AgentSchedulesServiceOptions {}

export const DEFAULT_STAGE = 'dev';

export interface ResolvedServiceOptions {
  stage: string;
  minIntervalMinutes: number;
  runRetentionDays: number;
  defaultAgentId: string | undefined;
  allowedAgentHosts: string[];
  allowPrivateAgentTargets: boolean;
  autoDisableAfterFailures: number;
  tenantRunQuotas: TenantRunQuotas | undefined;
  apiThrottling: Required<ApiThrottling>;
  cors: CorsPreflightOptions | undefined;
  authorizerCacheTtl: Duration;
  alarmTopic: ITopic | undefined;
  alarmEmail: string | undefined;
  customDomain: CustomDomain | undefined;
  logRetention: RetentionDays;
  agentSecretsPrefix: string;
  bedrockModelArns: string[] | undefined;
  modelPrices: Record<string, { inputPerMillion: number; outputPerMillion: number }> | undefined;
  bedrockAgentAliasArns: string[];
  agentFunctionArns: string[];
  runnerTimeout: Duration;
  schedulerMaxRetryAttempts: number;
  schedulerMaxEventAge: Duration;
  metricsNamespace: string;
  missedRunGraceSeconds: number;
  memory: Readonly<Record<FunctionRole, number>>;
}

/** Stage names end up in secret names and the metrics namespace: keep them simple. */
export function checkStage(stage: string): string {
  if (!Token.isUnresolved(stage) && !/^[a-z0-9][a-z0-9-]{0,31}$/.test(stage)) {
    throw new Error(`stage must be 1–32 lowercase letters, digits or dashes, starting with a letter or digit; got "${stage}".`);
  }
  return stage;
}

/** A custom domain names its certificate exactly once: as a construct or by ARN. */
export function checkCustomDomain(domain: CustomDomain): CustomDomain {
  if (!domain.certificate === !domain.certificateArn) throw new Error('customDomain needs exactly one of certificate and certificateArn.');
  return domain;
}

function wholeNumber(name: string, value: number, minimum: number, maximum = Number.MAX_SAFE_INTEGER): number {
  if (Token.isUnresolved(value)) return value;
  if (!Number.isInteger(value) || value < minimum || value > maximum) {
    throw new Error(`${name} must be a whole number from ${minimum} to ${maximum}; got ${value}.`);
  }
  return value;
}

/** Fills in the defaults and rejects values the functions would refuse at cold start (better at synth than at 3 a.m.). */
export function resolveServiceOptions(props: AgentSchedulesServiceOptions): ResolvedServiceOptions {
  const stage = checkStage(props.stage ?? DEFAULT_STAGE);
  const runnerTimeout = props.runnerTimeout ?? Duration.minutes(10);
  if (!runnerTimeout.isUnresolved() && (runnerTimeout.toSeconds() < 30 || runnerTimeout.toSeconds() > 900)) {
    throw new Error(`runnerTimeout must be between 30 seconds and 15 minutes (Lambda's maximum); got ${runnerTimeout.toHumanString()}.`);
  }
  const quotas = props.tenantRunQuotas;
  if (quotas?.default !== undefined) wholeNumber('tenantRunQuotas.default', quotas.default, 0);
  for (const [tenant, quota] of Object.entries(quotas?.tenants ?? {})) {
    if (tenant === 'default') throw new Error('tenantRunQuotas.tenants cannot name a tenant "default"; use tenantRunQuotas.default.');
    wholeNumber(`tenantRunQuotas.tenants.${tenant}`, quota, 0);
  }
  const schedulerMaxEventAge = props.schedulerMaxEventAge ?? Duration.hours(1);
  if (!schedulerMaxEventAge.isUnresolved()) wholeNumber('schedulerMaxEventAge (seconds)', schedulerMaxEventAge.toSeconds(), 60, 86_400);
  for (const host of props.allowedAgentHosts ?? []) {
    if (!Token.isUnresolved(host) && !/^[a-z0-9.-]+$/i.test(host)) throw new Error(`allowedAgentHosts holds hostnames only; "${host}" is not one.`);
  }
  if (props.customDomain) checkCustomDomain(props.customDomain);
  const agentSecretsPrefix = props.agentSecretsPrefix ?? `agent-schedules/${stage}/agents/`;
  if (!Token.isUnresolved(agentSecretsPrefix) && !/^[A-Za-z0-9/_+=.@-]+$/.test(agentSecretsPrefix)) {
    throw new Error(`agentSecretsPrefix must be a Secrets Manager name prefix (letters, digits, /_+=.@-); got "${agentSecretsPrefix}".`);
  }
  return {
    stage,
    minIntervalMinutes: wholeNumber('minIntervalMinutes', props.minIntervalMinutes ?? 1, 1, 525_600),
    runRetentionDays: wholeNumber('runRetentionDays', props.runRetentionDays ?? 90, 1, 3650),
    defaultAgentId: props.defaultAgentId,
    allowedAgentHosts: props.allowedAgentHosts ?? [],
    allowPrivateAgentTargets: props.allowPrivateAgentTargets ?? false,
    autoDisableAfterFailures: wholeNumber('autoDisableAfterFailures', props.autoDisableAfterFailures ?? 0, 0),
    tenantRunQuotas: quotas,
    apiThrottling: {
      rateLimit: wholeNumber('apiThrottling.rateLimit', props.apiThrottling?.rateLimit ?? 50, 1),
      burstLimit: wholeNumber('apiThrottling.burstLimit', props.apiThrottling?.burstLimit ?? 100, 1, 5000),
    },
    cors: props.cors,
    authorizerCacheTtl: props.authorizerCacheTtl ?? Duration.minutes(5),
    alarmTopic: props.alarmTopic,
    alarmEmail: props.alarmEmail,
    customDomain: props.customDomain,
    logRetention: props.logRetention ?? RetentionDays.ONE_MONTH,
    agentSecretsPrefix,
    bedrockModelArns: props.bedrockModelArns,
    modelPrices: checkedModelPrices(props.modelPrices),
    bedrockAgentAliasArns: props.bedrockAgentAliasArns ?? [],
    agentFunctionArns: props.agentFunctionArns ?? [],
    runnerTimeout,
    schedulerMaxRetryAttempts: wholeNumber('schedulerMaxRetryAttempts', props.schedulerMaxRetryAttempts ?? 3, 0, 185),
    schedulerMaxEventAge,
    metricsNamespace: props.metricsNamespace ?? `AgentSchedules/${stage}`,
    missedRunGraceSeconds: wholeNumber('missedRunGraceSeconds', props.missedRunGraceSeconds ?? 600, 1, 86_400),
    memory: resolveMemory(props.memory),
  };
}

/** Each role's memory: the prop's value, checked against Lambda's range, or the role's default. */
export function resolveMemory(memory: FunctionMemory | undefined): Readonly<Record<FunctionRole, number>> {
  const roles = Object.keys(DEFAULT_MEMORY_MB) as FunctionRole[];
  const unknown = Object.keys(memory ?? {}).filter((role) => !roles.includes(role as FunctionRole));
  if (unknown.length > 0) throw new Error(`memory has no role ${unknown.join(', ')}; the roles are ${roles.join(', ')}.`);
  return Object.fromEntries(
    roles.map((role) => {
      const value = memory?.[role];
      return [role, value === undefined ? DEFAULT_MEMORY_MB[role] : checkMemorySize(`memory.${role}`, value)];
    }),
  ) as Record<FunctionRole, number>;
}

/** RUN_QUOTAS as the functions read it: {"default": n, "<tenant>": n, …}; empty when unlimited. */
export function runQuotasJson(quotas: TenantRunQuotas | undefined): string {
  if (!quotas || (quotas.default === undefined && Object.keys(quotas.tenants ?? {}).length === 0)) return '';
  return JSON.stringify({ ...(quotas.default === undefined ? {} : { default: quotas.default }), ...quotas.tenants });
}

/** The deployment's model prices, each entry checked now (synth fails naming a bad one, not the first batch). */
function checkedModelPrices(prices: AgentSchedulesProps['modelPrices']): AgentSchedulesProps['modelPrices'] {
  if (prices !== undefined) modelPricesFrom(JSON.stringify(prices), {});
  return prices;
}
