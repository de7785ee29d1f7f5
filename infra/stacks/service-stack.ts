// The service stack: functions, HTTP API, Scheduler role, alarms and dashboard, given the stateful resources as props.
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { addServiceOutputs } from '../constructs/agent-schedules.ts';
import type { AgentSchedulesState } from '../constructs/agent-schedules-data.ts';
import { AgentSchedulesService } from '../constructs/agent-schedules-service.ts';
import type { AgentSchedulesServiceOptions } from '../props.ts';

export interface ServiceStackProps extends StackProps, AgentSchedulesServiceOptions {
  /** The data stack's resources (DataStack.data). */
  readonly state: AgentSchedulesState;
}

export class ServiceStack extends Stack {
  readonly service: AgentSchedulesService;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    this.service = new AgentSchedulesService(this, 'Service', props);
    addServiceOutputs(this, this.service);
  }
}
