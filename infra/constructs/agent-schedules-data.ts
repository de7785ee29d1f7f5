// The stateful part: the table, the dead-letter queue, the schedule group and the generated secrets, handed to the
// service as typed props (AgentSchedulesState) so functions can be replaced without touching data.
import { Duration, Names, RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption, type IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TABLE } from '../../shared/table.ts';
import { acknowledge } from '../nag.ts';
import { DEFAULT_STAGE, checkStage, type AgentSchedulesDataProps } from '../props.ts';

/** What the service needs from the stateful part. */
export interface AgentSchedulesState {
  readonly stage: string;
  readonly table: ITable;
  /** Receives scheduled events EventBridge could not deliver and trigger runs Lambda gave up on. */
  readonly deadLetterQueue: IQueue;
  /** A plain name (not a reference), so IAM policies can scope to `schedule/<group>/*` in any stack. */
  readonly scheduleGroupName: string;
  /** The deployment admin key: manages tenant API keys; read only by the authorizer. */
  readonly adminKeySecret: ISecret;
  /** Keys the signature on http agent calls; read only by the runner. */
  readonly signingSecret: ISecret;
  /** Keys the HMAC on list cursors; read only by the list routes. */
  readonly cursorKeySecret: ISecret;
}

const attributeType = (type: 'S' | 'N' | 'B'): AttributeType => ({ S: AttributeType.STRING, N: AttributeType.NUMBER, B: AttributeType.BINARY })[type];

export class AgentSchedulesData extends Construct implements AgentSchedulesState {
  readonly stage: string;
  readonly table: Table;
  readonly deadLetterQueue: Queue;
  readonly scheduleGroup: ScheduleGroup;
  readonly scheduleGroupName: string;
  readonly adminKeySecret: Secret;
  readonly signingSecret: Secret;
  readonly cursorKeySecret: Secret;

  constructor(scope: Construct, id: string, props: AgentSchedulesDataProps = {}) {
    super(scope, id);
    this.stage = checkStage(props.stage ?? DEFAULT_STAGE);
    const removalPolicy = props.dataRemovalPolicy ?? RemovalPolicy.RETAIN;

    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE.partitionKey.name, type: attributeType(TABLE.partitionKey.type) },
      sortKey: { name: TABLE.sortKey.name, type: attributeType(TABLE.sortKey.type) },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TABLE.timeToLiveAttribute,
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
    });
    for (const index of TABLE.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey.name, type: attributeType(index.partitionKey.type) },
        sortKey: { name: index.sortKey.name, type: attributeType(index.sortKey.type) },
        projectionType: index.projection === 'ALL' ? ProjectionType.ALL : ProjectionType.KEYS_ONLY,
      });
    }

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      this.deadLetterQueue,
      'SQS3',
      "This queue is the dead-letter queue (of EventBridge Scheduler targets and of the runner's asynchronous invocations); its depth is alarmed on and messages are kept 14 days for inspection and redrive.",
    );

    // Deleting the group deletes its schedules, so tearing the stack down stops every run.
    this.scheduleGroupName = Names.uniqueResourceName(this, { maxLength: 64, separator: '-' });
    this.scheduleGroup = new ScheduleGroup(this, 'ScheduleGroup', { scheduleGroupName: this.scheduleGroupName, removalPolicy: RemovalPolicy.DESTROY });

    this.adminKeySecret = new Secret(this, 'AdminKey', {
      description: `agent-schedules ${this.stage}: the admin key (Authorization: Bearer …) that creates and revokes tenant API keys.`,
      generateSecretString: { excludePunctuation: true, includeSpace: false, passwordLength: 48 },
    });
    acknowledge(
      this.adminKeySecret,
      'SMG4',
      'A random bearer key, not a database credential: rotate it with `aws secretsmanager put-secret-value` (the authorizer reads it once per cold start) rather than a rotation Lambda that could not tell admins the new key.',
    );

    this.signingSecret = new Secret(this, 'SigningSecret', {
      description: `agent-schedules ${this.stage}: HMAC key of the X-Agent-Schedules-Signature header on http agent calls.`,
      generateSecretString: { excludePunctuation: true, includeSpace: false, passwordLength: 64 },
    });
    acknowledge(
      this.signingSecret,
      'SMG4',
      'Agents verify signatures with a copy of this key, so it is rotated together with them (put-secret-value, then update agents) rather than by an automatic rotation that would break every receiver.',
    );

    this.cursorKeySecret = new Secret(this, 'CursorKey', {
      description: `agent-schedules ${this.stage}: HMAC key of list cursors (next_cursor), so a cursor cannot be forged or altered.`,
      generateSecretString: { excludePunctuation: true, includeSpace: false, passwordLength: 48 },
    });
    acknowledge(
      this.cursorKeySecret,
      'SMG4',
      'Rotating it only invalidates cursors handed out before (clients start again from the first page); put-secret-value rotates it by hand, and the list routes read it once per cold start.',
    );
  }
}
