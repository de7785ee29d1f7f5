// The deployment's settings, one row each: the construct prop (the row's key), the cdk.json context key that sets it,
// and the Lambda environment variable that carries it to the functions. Context reading (deployment.ts) and the
// functions' settings (AgentSchedulesService) are derived from this table; what a prop means, its default and its
// checks stay with the props (props.ts). A new setting: its prop in props.ts, one row here, and the code that uses it.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { ENV, SCHEDULER_ENV } from '../shared/config.ts';
import { METRICS_NAMESPACE_ENV } from '../shared/run-metrics.ts';
import { runQuotasJson, type AgentSchedulesProps, type ResolvedServiceOptions } from './props.ts';

/** The context key holding the JSON form of the props: cdk.json ("context": {"agentSchedules": {…}}) or `-c agentSchedules='{…}'`. */
export const CONTEXT_KEY = 'agentSchedules';

type Prop = keyof AgentSchedulesProps;

/** How a setting is read from the context object. */
interface ContextColumn<K extends string, J, V> {
  /** Its key in the context object. */
  readonly key: K;
  /** The prop value for the key's JSON value (undefined: leave the prop to its default). */
  readonly read: (json: J) => V | undefined;
  /** Also a context key of its own (`-c stage=prod`), which wins over the context object. */
  readonly topLevel: boolean;
}

/** The variable a setting reaches the functions by, and its text there. */
interface EnvColumn<V> {
  readonly name: string;
  readonly write: (value: V) => string;
}

interface Setting<P extends Prop> {
  /** @default not settable from context (a construct prop only) */
  readonly context?: ContextColumn<string, any, AgentSchedulesProps[P]>;
  /** @default no variable (the setting shapes resources, not the functions' configuration) */
  readonly env?: EnvColumn<P extends keyof ResolvedServiceOptions ? ResolvedServiceOptions[P] : never>;
}

/** A context key whose JSON value is the prop's value. */
const json = <const K extends string, V>(key: K, options: { topLevel?: boolean } = {}): ContextColumn<K, V, V> => ({
  key,
  read: (value) => value,
  topLevel: options.topLevel ?? false,
});
/** A context key holding text, where "" leaves the prop to its default. */
const text = <const K extends string>(key: K, options: { topLevel?: boolean } = {}): ContextColumn<K, string, string> => ({
  key,
  read: (value) => value || undefined,
  topLevel: options.topLevel ?? false,
});
/** A context key whose JSON value is converted to the prop's value. */
const converted = <const K extends string, J, V>(key: K, read: (value: J) => V): ContextColumn<K, J, V> => ({ key, read, topLevel: false });
const variable = <V>(name: string, write: (value: V) => string): EnvColumn<V> => ({ name, write });

/** A number of days CloudWatch Logs accepts as a retention period. */
function retentionDays(days: number): RetentionDays {
  const valid = Object.values(RetentionDays).filter((value): value is number => typeof value === 'number');
  if (!valid.includes(days)) throw new Error(`logRetentionDays must be one of CloudWatch's retention periods (${valid.join(', ')}); got ${days}.`);
  return days as RetentionDays;
}

/**
 * Every prop of AgentSchedules, by prop name. `context`: where cdk.json sets it (absent: construct-only, e.g. it
 * takes a construct). `env`: the variable the functions read it from; each function is given the ones its code reads
 * (shared/config.ts), the metrics namespace only the runner and the sweeper (Powertools reads it).
 */
export const SETTINGS = {
  stage: { context: json('stage', { topLevel: true }) },
  minIntervalMinutes: { context: json('minIntervalMinutes'), env: variable(ENV.minInterval, String) },
  runRetentionDays: { context: json('runRetentionDays'), env: variable(ENV.runRetentionDays, String) },
  defaultAgentId: { context: json('defaultAgentId'), env: variable(ENV.defaultAgent, (agentId) => agentId ?? '') },
  allowedAgentHosts: { context: json('allowedAgentHosts'), env: variable(ENV.allowedAgentHosts, (hosts) => hosts.join(',')) },
  allowPrivateAgentTargets: { context: json('allowPrivateAgentTargets'), env: variable(ENV.allowPrivateAgentTargets, String) },
  autoDisableAfterFailures: { context: json('autoDisableAfterFailures'), env: variable(ENV.autoDisable, String) },
  tenantRunQuotas: { context: json('tenantRunQuotas'), env: variable(ENV.runQuotas, runQuotasJson) },
  apiThrottling: { context: json('apiThrottling') },
  cors: { context: converted('cors', (cors: { allowOrigins: string[] }) => ({ allowOrigins: cors.allowOrigins })) },
  authorizerCacheTtl: { context: converted('authorizerCacheTtlSeconds', (seconds: number) => Duration.seconds(seconds)) },
  alarmTopic: {},
  alarmEmail: { context: text('alarmEmail', { topLevel: true }) },
  // By ARN only (no lookups), so synth still needs no credentials.
  customDomain: {
    context: converted('customDomain', (domain: { domainName: string; certificateArn: string }) => ({
      domainName: domain.domainName,
      certificateArn: domain.certificateArn,
    })),
  },
  logRetention: { context: converted('logRetentionDays', retentionDays) },
  agentSecretsPrefix: { context: text('agentSecretsPrefix'), env: variable(ENV.agentSecretsPrefix, (prefix) => prefix) },
  bedrockModelArns: { context: json('bedrockModelArns') },
  modelPrices: { context: json('modelPrices'), env: variable(ENV.modelPrices, (prices) => (prices ? JSON.stringify(prices) : '')) },
  bedrockAgentAliasArns: { context: json('bedrockAgentAliasArns') },
  agentFunctionArns: { context: json('agentFunctionArns') },
  runnerTimeout: { context: converted('runnerTimeoutMinutes', (minutes: number) => Duration.minutes(minutes)) },
  schedulerMaxRetryAttempts: { env: variable(SCHEDULER_ENV.maxRetryAttempts, String) },
  schedulerMaxEventAge: { env: variable(SCHEDULER_ENV.maxEventAgeSeconds, (age) => String(age.toSeconds())) },
  metricsNamespace: { context: text('metricsNamespace'), env: variable(METRICS_NAMESPACE_ENV, (namespace) => namespace) },
  missedRunGraceSeconds: { context: json('missedRunGraceSeconds'), env: variable(ENV.missedRunGrace, String) },
  // {"api": 1024, "runner": 512}: Lambda memory by function role (the functions' MemorySize, not a variable of their own).
  memory: { context: json('memory') },
  // "destroy" deletes the table with the stack (throw-away stages only); anything else retains it.
  dataRemovalPolicy: {
    context: converted('dataRemovalPolicy', (policy: 'retain' | 'destroy') => (policy === 'destroy' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN)),
  },
} satisfies { readonly [P in Prop]-?: Setting<P> };

type Rows = typeof SETTINGS;
type ContextKeyOf<R> = R extends { readonly context: ContextColumn<infer K, any, any> } ? K : never;
type ContextJsonOf<R> = R extends { readonly context: ContextColumn<string, infer J, any> } ? Exclude<J, undefined> : never;

/**
 * The JSON form of the props, for cdk.json ("context": {"agentSchedules": {…}}) or `-c agentSchedules='{…}'`;
 * `-c stage=prod` and `-c alarmEmail=…` override single values. One key per SETTINGS row with a context column.
 */
export type DeploymentContext = { -readonly [P in keyof Rows as ContextKeyOf<Rows[P]>]?: ContextJsonOf<Rows[P]> };

const rows = Object.entries(SETTINGS) as [Prop, Setting<Prop>][];

/** The context keys that may also be given on their own (`-c stage=prod`). */
export const TOP_LEVEL_CONTEXT_KEYS: readonly string[] = rows.flatMap(([, setting]) => (setting.context?.topLevel ? [setting.context.key] : []));

/** The props a context object sets; a key that is absent or null leaves the prop to its default. */
export function propsFromContext(context: DeploymentContext): AgentSchedulesProps {
  const props: Partial<Record<Prop, unknown>> = {};
  for (const [prop, setting] of rows) {
    const value: unknown = setting.context && (context as Record<string, unknown>)[setting.context.key];
    const read = value === undefined || value === null ? undefined : setting.context!.read(value);
    if (read !== undefined) props[prop] = read;
  }
  return props as AgentSchedulesProps;
}

/** The settings the functions read, by variable name; each function is given the ones its code reads. */
export function settingsEnv(options: ResolvedServiceOptions): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [prop, setting] of rows) {
    if (setting.env) env[setting.env.name] = setting.env.write(options[prop as keyof ResolvedServiceOptions] as never);
  }
  return env;
}
