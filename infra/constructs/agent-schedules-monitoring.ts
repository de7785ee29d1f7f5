// What says whether runs are happening: the alarm topic, alarms on dead letters, runner errors, runs near the timeout,
// missed runs, API 5xx and throttles, and the dashboard.
import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
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
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { RUN_METRICS, SWEEP_METRICS } from '../../shared/run-metrics.ts';

export type AlarmName = 'deadLetters' | 'runnerErrors' | 'runnerNearTimeout' | 'runsMissed' | 'apiServerErrors' | 'throttles';

export interface AgentSchedulesMonitoringProps {
  /** The deployment's stage name, for the topic's and the dashboard's titles. */
  readonly stage: string;
  /** The runner: its errors, duration and throttles. */
  readonly runner: IFunction;
  /** The runner's Lambda timeout (the near-timeout alarm fires at 90% of it). */
  readonly runnerTimeout: Duration;
  /** The authorizer: its throttles. */
  readonly authorizer: IFunction;
  /** The HTTP API: its requests, 4xx, 5xx and latency. */
  readonly api: IHttpApi;
  /** Scheduled events and trigger runs that could not be delivered wait here. */
  readonly deadLetterQueue: IQueue;
  /** CloudWatch namespace of the runner's run counts (RUN_METRICS) and the sweeper's (SWEEP_METRICS). */
  readonly metricsNamespace: string;
  /** Where alarms go. @default a new SNS topic */
  readonly alarmTopic?: ITopic;
  /** Subscribes this address to the alarm topic. @default none */
  readonly alarmEmail?: string;
}

/** The runner alarm fires when a run comes this close to the Lambda timeout (the run's own deadline then cut it short). */
const NEAR_TIMEOUT_FRACTION = 0.9;

/** Alarms (to the alarm topic, on alarm and on OK) and the dashboard of one deployment. */
export class AgentSchedulesMonitoring extends Construct {
  readonly alarmTopic: ITopic;
  readonly alarms: Record<AlarmName, Alarm>;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: AgentSchedulesMonitoringProps) {
    super(scope, id);
    this.alarmTopic = props.alarmTopic ?? new Topic(this, 'AlarmTopic', { displayName: `agent-schedules ${props.stage} alarms`, enforceSSL: true });
    if (props.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    this.alarms = this.#alarms(props);
    this.dashboard = this.#dashboard(props);
  }

  #alarms({ runner, runnerTimeout, authorizer, api, deadLetterQueue, metricsNamespace }: AgentSchedulesMonitoringProps): Record<AlarmName, Alarm> {
    const fiveMinutes = Duration.minutes(5);
    const timeoutMs = runnerTimeout.toMilliseconds();
    const alarms: Record<AlarmName, Alarm> = {
      deadLetters: new Alarm(this, 'DeadLettersAlarm', {
        alarmDescription:
          'Scheduled runs or trigger runs could not be delivered to the runner and are waiting in the dead-letter queue. See README › Operations.',
        metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' }),
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
        alarmDescription: `A run took over ${Math.round(NEAR_TIMEOUT_FRACTION * 100)}% of the runner's ${runnerTimeout.toHumanString()} timeout. See README › Operations.`,
        metric: runner.metricDuration({ period: fiveMinutes, statistic: 'Maximum' }),
        threshold: Math.floor(timeoutMs * NEAR_TIMEOUT_FRACTION),
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      // The sweeper found a scheduled time with no run past the grace period: a fire was lost, not merely failed.
      runsMissed: new Alarm(this, 'RunsMissedAlarm', {
        alarmDescription:
          'A scheduled run never happened: the sweeper found no run for its time after the grace period and recorded it as missed. See README › Operations › Missed runs.',
        metric: new Metric({ namespace: metricsNamespace, metricName: SWEEP_METRICS.missed, statistic: 'Sum', period: fiveMinutes }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
      apiServerErrors: new Alarm(this, 'ApiServerErrorsAlarm', {
        alarmDescription:
          'Over 5% of API requests answered 5xx for 10 of the last 15 minutes (ignored under 20 requests per 5 minutes). See README › Operations.',
        metric: new MathExpression({
          label: 'API 5xx %',
          expression: 'IF(FILL(requests, 0) >= 20, 100 * FILL(errors, 0) / requests, 0)',
          usingMetrics: {
            errors: api.metricServerError({ period: fiveMinutes, statistic: 'Sum' }),
            requests: api.metricCount({ period: fiveMinutes, statistic: 'Sum' }),
          },
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
            authorizer: authorizer.metricThrottles({ period: fiveMinutes, statistic: 'Sum' }),
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

  #dashboard({ stage, runner, api, deadLetterQueue, metricsNamespace }: AgentSchedulesMonitoringProps): Dashboard {
    const fiveMinutes = Duration.minutes(5);
    const runMetric = (status: keyof typeof RUN_METRICS, color: string) =>
      new Metric({
        namespace: metricsNamespace,
        metricName: RUN_METRICS[status],
        statistic: 'Sum',
        period: fiveMinutes,
        label: status.replace('_', ' '),
        color,
      });
    const dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(24) });
    dashboard.addWidgets(
      new TextWidget({ markdown: `# agent-schedules ${stage}\nRuns, API and dead letters. What each alarm means: README › Operations.`, width: 24, height: 2 }),
    );
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
        left: [
          api.metricLatency({ statistic: 'p50', period: fiveMinutes }),
          api.metricLatency({ statistic: 'p99', period: fiveMinutes }),
          api.metricIntegrationLatency({ statistic: 'p99', period: fiveMinutes }),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'API requests and errors',
        left: [api.metricCount({ statistic: 'Sum', period: fiveMinutes })],
        right: [api.metricClientError({ statistic: 'Sum', period: fiveMinutes }), api.metricServerError({ statistic: 'Sum', period: fiveMinutes })],
        width: 12,
      }),
    );
    dashboard.addWidgets(
      new SingleValueWidget({
        title: 'Dead-letter queue depth',
        metrics: [deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' })],
        sparkline: true,
        width: 8,
      }),
      new AlarmStatusWidget({ title: 'Alarms', alarms: Object.values(this.alarms) as IAlarm[], width: 16 }),
    );
    return dashboard;
  }
}
