// One Lambda with the house defaults (Node 24, arm64, esbuild ESM bundle — prebuilt in the package —, X-Ray, JSON logs to its own log group) that is
// granted exactly what its route-table entry names, each grant together with the env var that names the resource.
import { Duration, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal, type IRole } from 'aws-cdk-lib/aws-iam';
import { ApplicationLogLevel, Architecture, Function as LambdaFunction, LoggingFormat, Runtime, SystemLogLevel, Tracing } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV, LOCAL_ONLY_ENV, SCHEDULER_ENV, type FunctionRole } from '../../shared/config.ts';
import { TABLE } from '../../shared/table.ts';
import { FUNCTION_HANDLER, functionCode } from '../bundling.ts';
import type { TableAccess } from '../../shared/routes.ts';
import { envNamesOf, type FunctionSpec, type SchedulerAccess } from '../functions.ts';
import { acknowledge, acknowledgeWildcardResource } from '../nag.ts';

/** DynamoDB actions by access level. TransactWriteItems is authorised item by item, through these same actions. */
export const TABLE_ACTIONS: Record<Exclude<TableAccess, 'none'>, readonly string[]> = {
  read: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
  write: [
    'dynamodb:BatchGetItem',
    'dynamodb:GetItem',
    'dynamodb:Query',
    'dynamodb:ConditionCheckItem',
    'dynamodb:DeleteItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
  ],
};

/** EventBridge Scheduler actions by access level ('update' recreates a schedule EventBridge already deleted). */
export const SCHEDULER_ACTIONS: Record<Exclude<SchedulerAccess, 'none'>, readonly string[]> = {
  manage: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule', 'scheduler:UpdateSchedule'],
  update: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule'],
};

/** Secrets Manager actions of the routes that store tenants' agent secrets (PUT/DELETE /v1/secrets/{name}). */
export const SECRET_VAULT_ACTIONS: readonly string[] = [
  'secretsmanager:CreateSecret',
  'secretsmanager:DeleteSecret',
  'secretsmanager:PutSecretValue',
  'secretsmanager:RestoreSecret',
  'secretsmanager:TagResource',
];

/** The tag that names a function's folder on its Lambda (for cost reports, and how the tests find each function). */
export const FUNCTION_TAG = 'agent-schedules:function';

/**
 * Each function role's memory (MB) unless the `memory` prop says otherwise, chosen with `npm run bench -- memory` (a
 * proxy: cold import and p50 use-case time on DynamoDB Local, modelled at Lambda's CPU share; README › Benchmarks ›
 * Memory). The API functions and the authorizer are CPU-bound: cost × latency was lowest at 1024 MB, the largest size
 * measured. The runner waits for its agent, so more memory barely shortens a run but bills the wait: 256 MB is the
 * smallest size its worst case (an agent answer near the 8 MiB cap, ≈ 115 MB peak) fits with a quarter to spare for
 * what the proxy cannot see; 128 MB would be cheaper but an out-of-memory runner loses the run. The sweeper and the
 * notifier were not measured and keep 512 MB. The cost, runner and batch benches price with these.
 */
export const DEFAULT_MEMORY_MB: Readonly<Record<FunctionRole, number>> = { api: 1024, authorizer: 1024, runner: 256, sweeper: 512, notifier: 512 };

/** Lambda's range of memory sizes (MB). */
export const MEMORY_RANGE_MB = { min: 128, max: 10_240 } as const;

/** `value` if Lambda accepts it as a memory size (a whole number of MB from 128 to 10,240), else a clear error naming `name`. */
export function checkMemorySize(name: string, value: number): number {
  if (Token.isUnresolved(value)) return value;
  if (!Number.isInteger(value) || value < MEMORY_RANGE_MB.min || value > MEMORY_RANGE_MB.max) {
    throw new Error(`${name} must be a whole number of MB from ${MEMORY_RANGE_MB.min} to ${MEMORY_RANGE_MB.max} (Lambda's range); got ${value}.`);
  }
  return value;
}

/** Variables every function gets besides the ones its code reads (shared/config.ts). */
export const RUNTIME_ENV = { serviceName: 'POWERTOOLS_SERVICE_NAME', nodeOptions: 'NODE_OPTIONS' } as const;

export interface AgentFunctionProps {
  spec: FunctionSpec;
  /** A fixed name, for a function whose own ARN must be known before it exists (the runner). @default generated */
  functionName?: string;
  /** @default 10 seconds */
  timeout?: Duration;
  /** MB, 128–10,240. @default DEFAULT_MEMORY_MB of the spec's role */
  memorySize?: number;
  logRetention: RetentionDays;
  /** Values of the non-resource settings by variable name (settingsEnv of infra/settings.ts); the function gets those its code reads. */
  settings: Readonly<Record<string, string>>;
  description?: string;
}

/** Where a Scheduler-capable function points the schedules it writes. */
export interface SchedulerBinding {
  groupName: string;
  role: IRole;
  deadLetterQueue: IQueue;
  runnerFunctionArn: string;
}

export class AgentFunction extends Construct {
  readonly spec: FunctionSpec;
  readonly function: LambdaFunction;
  /** The function's memory (MB). */
  readonly memoryMb: number;
  readonly role: Role;
  readonly logGroup: LogGroup;
  readonly #envNames = new Set<string>();

  constructor(scope: Construct, id: string, props: AgentFunctionProps) {
    super(scope, id);
    this.spec = props.spec;
    const { name } = props.spec;

    // An explicit role, so no AWS managed policy (AWSLambdaBasicExecutionRole) widens it: logs go to its own group only.
    this.role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: `functions/${name} of agent-schedules` });
    this.logGroup = new LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY });
    this.logGroup.grantWrite(this.role);

    this.memoryMb = checkMemorySize(`functions/${name} memorySize`, props.memorySize ?? DEFAULT_MEMORY_MB[props.spec.role]);
    this.function = new LambdaFunction(this, 'Function', {
      ...(props.functionName ? { functionName: props.functionName } : {}),
      description: props.description ?? `agent-schedules functions/${name}`,
      // Prebuilt in an installed package; bundled from source with esbuild in a checkout (infra/bundling.ts).
      code: functionCode(name),
      handler: FUNCTION_HANDLER,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: this.memoryMb,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.WARN,
      logGroup: this.logGroup,
      environment: {
        [RUNTIME_ENV.serviceName]: 'agent-schedules',
        // The bundle is minified: stack traces are only readable through its source map.
        [RUNTIME_ENV.nodeOptions]: '--enable-source-maps',
      },
    });
    Tags.of(this.function).add(FUNCTION_TAG, name);

    for (const setting of envNamesOf(this.spec)) {
      const value = props.settings[setting];
      if (value !== undefined) this.#setEnv(setting, value);
    }

    acknowledge(
      this,
      'IAM5[Resource::*]',
      'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords do not support resource-level permissions, so X-Ray documents Resource "*" for them.',
    );
    this.node.addValidation({ validate: () => this.#checkEnvironment() });
  }

  /** DynamoDB at the route's access level on the table and its indexes, and TABLE_NAME. */
  bindTable(table: ITable, access: Exclude<TableAccess, 'none'>): void {
    const indexArns = TABLE.globalSecondaryIndexes.map((index) => `${table.tableArn}/index/${index.indexName}`);
    this.#allow(TABLE_ACTIONS[access], [table.tableArn, ...indexArns]);
    this.#setEnv(ENV.tableName, table.tableName);
  }

  /**
   * Scheduler actions on the schedules of this deployment's group only, iam:PassRole of the Scheduler role to
   * EventBridge Scheduler only, and the SCHEDULER_* variables that say where schedules point (their retry settings
   * come with the other settings, infra/settings.ts).
   */
  bindScheduler(binding: SchedulerBinding, access: Exclude<SchedulerAccess, 'none'>): void {
    const schedulesInGroup = scheduleArnPattern(this, binding.groupName);
    this.#allow(SCHEDULER_ACTIONS[access], [schedulesInGroup]);
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['iam:PassRole'],
        resources: [binding.role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    acknowledgeWildcardResource(
      this,
      schedulesInGroup,
      "Schedule names are generated per stored schedule at run time; the wildcard is confined to the schedules of this deployment's own schedule group.",
    );
    this.#setEnv(SCHEDULER_ENV.groupName, binding.groupName);
    this.#setEnv(SCHEDULER_ENV.roleArn, binding.role.roleArn);
    this.#setEnv(SCHEDULER_ENV.deadLetterArn, binding.deadLetterQueue.queueArn);
    this.#setEnv(SCHEDULER_ENV.runnerArn, binding.runnerFunctionArn);
  }

  /** lambda:InvokeFunction on the runner (the unqualified ARN the code invokes) and RUNNER_FUNCTION_ARN. */
  bindRunnerInvoke(runnerFunctionArn: string): void {
    this.#allow(['lambda:InvokeFunction'], [runnerFunctionArn]);
    this.#setEnv(ENV.runnerFunction, runnerFunctionArn);
  }

  /** secretsmanager:GetSecretValue on one secret and the variable that holds its ARN. */
  bindSecret(secret: ISecret, envName: string): void {
    this.#allow(['secretsmanager:GetSecretValue'], [secret.secretArn]);
    this.#setEnv(envName, secret.secretArn);
  }

  /**
   * Writing tenants' agent secrets: create, update, restore and delete secrets whose names start with the agent
   * secrets prefix, nothing else (the code also scopes each name to the caller's tenant).
   */
  bindSecretVault(agentSecretsArnPattern: string): void {
    this.#allow(SECRET_VAULT_ACTIONS, [agentSecretsArnPattern]);
    acknowledgeWildcardResource(
      this,
      agentSecretsArnPattern,
      "Tenants name their secrets through the API; the wildcard is confined to the deployment's agent secrets prefix, and each name is scoped to the caller's tenant in code.",
    );
  }

  /**
   * The notification queue and NOTIFICATION_QUEUE_URL: 'send' = sqs:SendMessage only (the functions that emit); 'consume'
   * = the URL alone, its consumer's permissions come with its SQS event source.
   */
  bindNotificationQueue(queue: IQueue, access: 'send' | 'consume'): void {
    if (access === 'send') this.#allow(['sqs:SendMessage'], [queue.queueArn]);
    this.#setEnv(ENV.notificationQueueUrl, queue.queueUrl);
  }

  /**
   * The batch queue and BATCH_QUEUE_URL: 'send' = sqs:SendMessage only (the functions that start batch items);
   * 'consume' = the URL alone, its consumer's (the runner's) permissions come with its SQS event source. RUNNER_MEMORY_MB:
   * the memory batch items run with (a batch's compute).
   */
  bindBatchQueue(queue: IQueue, access: 'send' | 'consume', runnerMemoryMb: number): void {
    if (access === 'send') this.#allow(['sqs:SendMessage'], [queue.queueArn]);
    this.#setEnv(ENV.batchQueueUrl, queue.queueUrl);
    this.#setEnv(ENV.runnerMemory, String(runnerMemoryMb));
  }

  /** PUBLIC_BASE_URL: the API's own URL (the runner gives agents their callback URL under it). */
  bindPublicBaseUrl(url: string): void {
    this.#setEnv(ENV.publicBaseUrl, url);
  }

  /** A permission that names no resource of this deployment (agent targets); the caller acknowledges any wildcard. */
  allow(actions: readonly string[], resources: readonly string[]): void {
    this.#allow(actions, resources);
  }

  /** Extra variables that are not the code's configuration (the metrics namespace). */
  addRuntimeEnvironment(name: string, value: string): void {
    this.function.addEnvironment(name, value);
  }

  #allow(actions: readonly string[], resources: readonly string[]): void {
    this.role.addToPrincipalPolicy(new PolicyStatement({ effect: Effect.ALLOW, actions: [...actions], resources: [...resources] }));
  }

  #setEnv(name: string, value: string): void {
    this.#envNames.add(name);
    this.function.addEnvironment(name, value);
  }

  /** Synth fails if the variables the code reads (shared/config.ts) and the ones bound here ever differ. */
  #checkEnvironment(): string[] {
    const errors: string[] = [];
    const expected = new Set(envNamesOf(this.spec));
    for (const name of expected) if (!this.#envNames.has(name)) errors.push(`functions/${this.spec.name} reads ${name} but nothing bound it.`);
    for (const name of this.#envNames) if (!expected.has(name)) errors.push(`functions/${this.spec.name} was given ${name}, which its code does not read.`);
    for (const name of LOCAL_ONLY_ENV) if (this.#envNames.has(name)) errors.push(`${name} is for the local server only and must never be set on AWS.`);
    return errors;
  }
}

/** Every schedule in one schedule group: arn:<partition>:scheduler:<region>:<account>:schedule/<group>/*. */
export function scheduleArnPattern(scope: Construct, groupName: string): string {
  const stack = Stack.of(scope);
  return `arn:${stack.partition}:scheduler:${stack.region}:${stack.account}:schedule/${groupName}/*`;
}
