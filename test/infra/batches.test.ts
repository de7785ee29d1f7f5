// Batch items on AWS: an encrypted, TLS-only queue with a dead-letter queue and an alarm on it, the runner as its only
// consumer (one run per invocation, partial batch failures, the account-level fan-out capped), and least privilege
// around it: the functions that start items may only send to it, and BATCH_QUEUE_URL is set on exactly those.
import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import { AgentFunction } from '#infra/constructs/agent-function.ts';
import { AgentSchedulesBatches, BATCH_MAX_CONCURRENCY, BATCH_MAX_RECEIVE_COUNT, BATCH_VISIBILITY_FACTOR } from '#infra/constructs/agent-schedules-batches.ts';
import { RUNNER_FUNCTION, SWEEPER_FUNCTION, envNamesOf, type FunctionSpec } from '#infra/functions.ts';
import { ENV } from '#shared/config.ts';
import { ROUTES } from '#shared/routes.ts';
import { TemplateReader, functionsByFolder, grants, logicalId, statementsOfRole, synthDeployment, testApp, type Resources } from './support.ts';

let service: Resources;
let reader: TemplateReader;
let lambdas: ReturnType<typeof functionsByFolder>;

/** The functions that start batch items: the routes flagged batchQueue, the runner and the sweeper. */
const SENDERS = new Set([RUNNER_FUNCTION, SWEEPER_FUNCTION, ...ROUTES.filter((route) => route.batchQueue).map((route) => route.function)]);

beforeAll(() => {
  const deployment = synthDeployment({ stage: 'test' });
  const data = deployment.templates.data.toJSON().Resources as Resources;
  service = deployment.templates.service.toJSON().Resources as Resources;
  const svc = deployment.service.service;
  const labels = new Map<string, string>([
    [logicalId(svc.alarmTopic), 'alarm-topic'],
    [logicalId(svc.batches.queue), 'batch-queue'],
    [logicalId(svc.batches.deadLetterQueue), 'batch-dlq'],
    [logicalId(svc.notifications.queue), 'notification-queue'],
    [logicalId(svc.runner.function), 'runner'],
  ]);
  reader = new TemplateReader({ ...data, ...service }, labels, [deployment.templates.data, deployment.templates.service]);
  lambdas = functionsByFolder(service);
});

const roleOf = (folder: string): string => lambdas.get(folder)!.properties.Role['Fn::GetAtt'][0];
const batchGrants = (folder: string): string[] =>
  grants(reader, statementsOfRole(service, roleOf(folder))).filter((grant) => grant.endsWith('<batch-queue>') || grant.endsWith('<batch-dlq>'));
const queueProperties = (label: string) => reader.ofType('AWS::SQS::Queue').find(([id]) => reader.labels.get(id) === label)![1].Properties!;

describe('batch queue', () => {
  it('keeps batch runs 4 days in an SQS-encrypted queue hidden for six runner timeouts, dead-lettered after 3 receives', () => {
    const runnerTimeout = lambdas.get(RUNNER_FUNCTION)!.properties.Timeout as number;
    const queue = queueProperties('batch-queue');
    expect(queue).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 4 * 86_400 });
    expect(queue.VisibilityTimeout).toBe(BATCH_VISIBILITY_FACTOR * runnerTimeout);
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * runnerTimeout);
    expect(reader.text(queue.RedrivePolicy.deadLetterTargetArn)).toBe('<batch-dlq>');
    expect(queue.RedrivePolicy.maxReceiveCount).toBe(BATCH_MAX_RECEIVE_COUNT);
    expect(BATCH_MAX_RECEIVE_COUNT).toBe(3);
    expect(queueProperties('batch-dlq')).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 86_400 });
    expect(queueProperties('batch-dlq').RedrivePolicy).toBeUndefined();
  });

  it('refuses requests without TLS on both queues', () => {
    for (const label of ['<batch-queue>', '<batch-dlq>']) {
      const policy = reader.ofType('AWS::SQS::QueuePolicy').find(([, resource]) => reader.text(resource.Properties!.Queues) === label);
      expect(policy, label).toBeDefined();
      expect(policy![1].Properties!.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('alarms to the alarm topic, on ALARM and on OK, as soon as one batch run is in the dead-letter queue', () => {
    const alarms = reader
      .ofType('AWS::CloudWatch::Alarm')
      .map(([, alarm]) => alarm.Properties!)
      .filter((alarm) => alarm.MetricName === 'ApproximateNumberOfMessagesVisible' && reader.text(alarm.Dimensions[0].Value) === '<batch-dlq.QueueName>');
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({
      Namespace: 'AWS/SQS',
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
    expect(reader.text(alarms[0]!.AlarmActions)).toBe('<alarm-topic>');
    expect(reader.text(alarms[0]!.OKActions)).toBe('<alarm-topic>');
    expect(alarms[0]!.AlarmDescription).toMatch(/README › Batches/);
  });

  it('is consumed by the runner alone, one record per invocation, reporting failed records, at most 50 at once', () => {
    const mappings = reader.ofType('AWS::Lambda::EventSourceMapping').map(([, mapping]) => mapping.Properties!);
    const fromQueue = mappings.filter((mapping) => reader.text(mapping.EventSourceArn) === '<batch-queue>');
    expect(fromQueue).toHaveLength(1);
    expect(reader.text(fromQueue[0]!.FunctionName)).toBe('<runner>');
    expect(fromQueue[0]).toMatchObject({
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: BATCH_MAX_CONCURRENCY },
    });
    expect(BATCH_MAX_CONCURRENCY).toBe(50);
    expect(fromQueue[0]!.MaximumBatchingWindowInSeconds).toBeUndefined();
  });
});

describe('batch queue permissions', () => {
  it('lets the runner, the sweeper and the routes that start items send to the batch queue, and nothing else on it', () => {
    expect([...SENDERS].length).toBeGreaterThan(2);
    for (const folder of lambdas.keys()) {
      const expected = SENDERS.has(folder) ? ['sqs:SendMessage <batch-queue>'] : [];
      if (folder === RUNNER_FUNCTION) {
        // The runner also consumes it (its event source grants these).
        expected.push(
          ...['ChangeMessageVisibility', 'DeleteMessage', 'GetQueueAttributes', 'GetQueueUrl', 'ReceiveMessage'].map((action) => `sqs:${action} <batch-queue>`),
        );
      }
      expect(batchGrants(folder), folder).toEqual(expected.sort());
    }
  });

  it('names the batch queue to the functions that use it, and to no other', () => {
    for (const [folder, { properties }] of lambdas) {
      const url = properties.Environment.Variables[ENV.batchQueueUrl];
      if (SENDERS.has(folder)) expect(reader.text(url), folder).toBe('<batch-queue>');
      else expect(url, folder).toBeUndefined();
    }
  });
});

describe('AgentSchedulesBatches', () => {
  /** The construct alone in a stack, around a runner with the given timeout. */
  function standalone(props: { maxConcurrency?: number; timeout?: Duration } = {}) {
    const stack = new Stack(testApp(), 'Batches');
    // A route-like function that reads the batch queue and its settings, standing in for the runner.
    const spec: FunctionSpec = {
      name: RUNNER_FUNCTION,
      role: 'api',
      access: { table: 'none', scheduler: 'none', invokeRunner: false, secrets: false, cursorKey: false, batchQueue: true },
      routes: [],
    };
    const settings = Object.fromEntries(envNamesOf(spec).map((name) => [name, '1']));
    const runner = new AgentFunction(stack, 'Runner', { spec, logRetention: 30, settings, ...(props.timeout ? { timeout: props.timeout } : {}) });
    const alarmTopic = new Topic(stack, 'Alarms');
    const batches = new AgentSchedulesBatches(stack, 'Batches', {
      runner,
      senders: [],
      alarmTopic,
      ...(props.maxConcurrency === undefined ? {} : { maxConcurrency: props.maxConcurrency }),
    });
    return { stack, batches };
  }

  it('follows the runner timeout and the maxConcurrency prop', () => {
    const { stack } = standalone({ maxConcurrency: 200, timeout: Duration.minutes(15) });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 6 * 900 });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 200 } });
  });

  it('refuses a maxConcurrency Lambda does not accept', () => {
    expect(() => standalone({ maxConcurrency: 1 })).toThrow(/from 2 to 1000/);
    expect(() => standalone({ maxConcurrency: 1001 })).toThrow(/from 2 to 1000/);
  });
});
