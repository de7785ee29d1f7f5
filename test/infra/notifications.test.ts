// Notification delivery on AWS: an encrypted, TLS-only queue with a dead-letter queue and an alarm on it, the
// deliver-notifications function as its only consumer (partial batch failures), and least privilege around it: the
// runner and the sweeper may only send to it, the notifier reads the signing secret and writes the delivery log.
import { beforeAll, describe, expect, it } from 'vitest';
import { NOTIFIER_FUNCTION, RUNNER_FUNCTION, SWEEPER_FUNCTION } from '#infra/functions.ts';
import { NOTIFY_BATCH_SIZE } from '#infra/constructs/agent-schedules-notifications.ts';
import { ENV } from '#shared/config.ts';
import { NOTIFY_MAX_ATTEMPTS } from '#shared/use-cases/deliver-notification.ts';
import { TemplateReader, functionsByFolder, grants, logicalId, statementsOfRole, synthDeployment, type Resources } from './support.ts';

let service: Resources;
let reader: TemplateReader;
let lambdas: ReturnType<typeof functionsByFolder>;

beforeAll(() => {
  const deployment = synthDeployment({ stage: 'test' });
  const data = deployment.templates.data.toJSON().Resources as Resources;
  service = deployment.templates.service.toJSON().Resources as Resources;
  const svc = deployment.service.service;
  const labels = new Map<string, string>([
    [logicalId(deployment.data.data.table), 'table'],
    [logicalId(deployment.data.data.signingSecret), 'signing-secret'],
    [logicalId(svc.alarmTopic), 'alarm-topic'],
    [logicalId(svc.notifications.queue), 'queue'],
    [logicalId(svc.notifications.deadLetterQueue), 'dlq'],
    [logicalId(svc.notifier.function), 'notifier'],
  ]);
  reader = new TemplateReader({ ...data, ...service }, labels, [deployment.templates.data, deployment.templates.service]);
  lambdas = functionsByFolder(service);
});

const roleOf = (folder: string): string => lambdas.get(folder)!.properties.Role['Fn::GetAtt'][0];
const sqsGrants = (folder: string): string[] => grants(reader, statementsOfRole(service, roleOf(folder))).filter((grant) => grant.startsWith('sqs:'));

describe('notification queue', () => {
  it('keeps notifications in an SQS-encrypted queue whose messages go to a dead-letter queue after more receives than delivery attempts', () => {
    const [, properties] = reader.ofType('AWS::SQS::Queue').find(([id]) => reader.labels.get(id) === 'queue')!;
    expect(properties.Properties).toMatchObject({ SqsManagedSseEnabled: true, VisibilityTimeout: 180 });
    expect(reader.text(properties.Properties!.RedrivePolicy.deadLetterTargetArn)).toBe('<dlq>');
    expect(properties.Properties!.RedrivePolicy.maxReceiveCount).toBeGreaterThan(NOTIFY_MAX_ATTEMPTS);
    const [, dlq] = reader.ofType('AWS::SQS::Queue').find(([id]) => reader.labels.get(id) === 'dlq')!;
    expect(dlq.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 1_209_600 });
  });

  it('refuses requests without TLS on both queues', () => {
    for (const label of ['<queue>', '<dlq>']) {
      const policy = reader.ofType('AWS::SQS::QueuePolicy').find(([, resource]) => reader.text(resource.Properties!.Queues) === label);
      expect(policy, label).toBeDefined();
      expect(policy![1].Properties!.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });

  it('alarms to the alarm topic as soon as one notification is in the dead-letter queue', () => {
    const alarms = reader
      .ofType('AWS::CloudWatch::Alarm')
      .map(([, alarm]) => alarm.Properties!)
      .filter((alarm) => alarm.MetricName === 'ApproximateNumberOfMessagesVisible' && reader.text(alarm.Dimensions[0].Value) === '<dlq.QueueName>');
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
    expect(reader.text(alarms[0]!.AlarmActions)).toBe('<alarm-topic>');
    expect(reader.text(alarms[0]!.OKActions)).toBe('<alarm-topic>');
    expect(alarms[0]!.AlarmDescription).toMatch(/README › Notifications/);
  });

  it('is consumed by the notifier alone, in batches, reporting the records to redeliver', () => {
    const mappings = reader.ofType('AWS::Lambda::EventSourceMapping').map(([, mapping]) => mapping.Properties!);
    const fromQueue = mappings.filter((mapping) => reader.text(mapping.EventSourceArn) === '<queue>');
    expect(fromQueue).toHaveLength(1);
    expect(reader.text(fromQueue[0]!.FunctionName)).toBe('<notifier>');
    expect(fromQueue[0]).toMatchObject({ BatchSize: NOTIFY_BATCH_SIZE, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    // The queue hides a record longer than the function may run, so a record is never delivered twice at once.
    expect(lambdas.get(NOTIFIER_FUNCTION)!.properties.Timeout).toBeLessThan(180);
  });
});

describe('notification permissions', () => {
  it('lets the runner, the sweeper and the callback route send to the queue, and nothing else on it or any other queue of notifications', () => {
    const ofNotifications = (grant: string) => grant.endsWith('<queue>') || grant.endsWith('<dlq>');
    expect(sqsGrants(SWEEPER_FUNCTION).filter(ofNotifications)).toEqual(['sqs:SendMessage <queue>']);
    expect(sqsGrants('complete-run-callback').filter(ofNotifications)).toEqual(['sqs:SendMessage <queue>']);
    expect(sqsGrants('cancel-batch')).toEqual(['sqs:SendMessage <queue>']);
    expect(sqsGrants(RUNNER_FUNCTION).filter((grant) => grant.endsWith('<queue>') || grant.endsWith('<dlq>'))).toEqual(['sqs:SendMessage <queue>']);
  });

  it('gives the notifier exactly its logs, X-Ray, the table, the signing secret and consuming the queue', () => {
    const allowed = grants(reader, statementsOfRole(service, roleOf(NOTIFIER_FUNCTION)));
    const table = ['<table>', '<table>/index/byOwnerName', '<table>/index/byDue'];
    const write = ['BatchGetItem', 'ConditionCheckItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query', 'UpdateItem'];
    expect(allowed).toEqual(
      [
        ...write.flatMap((action) => table.map((resource) => `dynamodb:${action} ${resource}`)),
        ...['CreateLogStream', 'PutLogEvents'].map(
          (action) => `logs:${action} ${reader.text(lambdas.get(NOTIFIER_FUNCTION)!.properties.LoggingConfig.LogGroup)}`,
        ),
        'secretsmanager:GetSecretValue <signing-secret>',
        ...['ChangeMessageVisibility', 'DeleteMessage', 'GetQueueAttributes', 'GetQueueUrl', 'ReceiveMessage'].map((action) => `sqs:${action} <queue>`),
        'xray:PutTelemetryRecords *',
        'xray:PutTraceSegments *',
      ].sort(),
    );
  });

  it('names the queue to the functions that use it, and to no other', () => {
    for (const [folder, { properties }] of lambdas) {
      const url = properties.Environment.Variables[ENV.notificationQueueUrl];
      // complete-run-callback ends runs too (an agent's callback), so it queues their notifications; cancel-batch may end
      // a batch (batch.finished), and so may cancel-run (a schedule's batch run stops its batch).
      if ([RUNNER_FUNCTION, SWEEPER_FUNCTION, NOTIFIER_FUNCTION, 'complete-run-callback', 'cancel-batch', 'cancel-run'].includes(folder))
        expect(reader.text(url), folder).toBe('<queue>');
      else expect(url, folder).toBeUndefined();
    }
  });
});
