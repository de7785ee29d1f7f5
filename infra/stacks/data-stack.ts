// The stateful stack: table, dead-letter queue, schedule group and secrets. Deployed first; rarely changes.
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { addDataOutputs } from '../constructs/agent-schedules.ts';
import { AgentSchedulesData } from '../constructs/agent-schedules-data.ts';
import type { AgentSchedulesDataProps } from '../props.ts';

export interface DataStackProps extends StackProps, AgentSchedulesDataProps {}

export class DataStack extends Stack {
  readonly data: AgentSchedulesData;

  constructor(scope: Construct, id: string, props: DataStackProps = {}) {
    super(scope, id, props);
    this.data = new AgentSchedulesData(this, 'Data', props);
    addDataOutputs(this, this.data);
  }
}
