// The whole service as one construct, for platform teams embedding it in an existing CDK app or stack.
import { CfnOutput } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { AgentSchedulesProps } from '../props.ts';
import { AgentSchedulesData } from './agent-schedules-data.ts';
import { AgentSchedulesService } from './agent-schedules-service.ts';

/**
 * Table, dead-letter queue, schedule group, secrets, functions, API, Scheduler role, alarms and dashboard in the
 * scope it is given. Use the two stacks (infra/stacks) instead when data and service should deploy separately.
 */
export class AgentSchedules extends Construct {
  readonly data: AgentSchedulesData;
  readonly service: AgentSchedulesService;
  /** The API's base URL. */
  readonly apiUrl: string;

  constructor(scope: Construct, id: string, props: AgentSchedulesProps = {}) {
    super(scope, id);
    this.data = new AgentSchedulesData(this, 'Data', props);
    this.service = new AgentSchedulesService(this, 'Service', { ...props, stage: this.data.stage, state: this.data });
    this.apiUrl = this.service.apiUrl;
    addServiceOutputs(this, this.service);
    addDataOutputs(this, this.data);
  }
}

/** Outputs of the stateful part: the names operators look up (never a secret's value). */
export function addDataOutputs(scope: Construct, data: AgentSchedulesData): void {
  new CfnOutput(scope, 'AdminKeySecretArn', {
    value: data.adminKeySecret.secretArn,
    description: 'aws secretsmanager get-secret-value --secret-id <this> gives the admin key.',
  });
  new CfnOutput(scope, 'TableName', { value: data.table.tableName, description: 'The DynamoDB table (the source of truth).' });
  new CfnOutput(scope, 'ScheduleGroupName', {
    value: data.scheduleGroupName,
    description: 'The EventBridge Scheduler group holding one schedule per stored schedule.',
  });
  new CfnOutput(scope, 'DeadLetterQueueUrl', { value: data.deadLetterQueue.queueUrl, description: 'Undeliverable scheduled events and failed trigger runs.' });
}

/** Outputs of the service part. */
export function addServiceOutputs(scope: Construct, service: AgentSchedulesService): void {
  new CfnOutput(scope, 'ApiUrl', { value: service.apiUrl, description: 'The API base URL.' });
  if (service.domainName) {
    new CfnOutput(scope, 'ApiDomainTarget', { value: service.domainName.regionalDomainName, description: 'Point the custom domain (CNAME or alias) here.' });
  }
  new CfnOutput(scope, 'AlarmTopicArn', { value: service.alarmTopic.topicArn, description: 'Alarms publish here; subscribe your on-call.' });
}
