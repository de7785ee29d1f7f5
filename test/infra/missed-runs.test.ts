// Missed-run detection on AWS: the sweeper gets the grace period (and only the sweeper), reads the byDue index with a
// Query and never scans, and a RunsMissed alarm goes to the alarm topic.
import { beforeAll, describe, expect, it } from 'vitest';
import { SWEEPER_FUNCTION } from '#infra/functions.ts';
import { ENV } from '#shared/config.ts';
import { SWEEP_METRICS } from '#shared/run-metrics.ts';
import { DUE_INDEX } from '#shared/table.ts';
import { TemplateReader, functionsByFolder, grants, logicalId, statementsOfRole, synthDeployment, type Resources } from './support.ts';

let service: Resources;
let reader: TemplateReader;

beforeAll(() => {
  const deployment = synthDeployment({ stage: 'test', missedRunGraceSeconds: 300 });
  const data = deployment.templates.data.toJSON().Resources as Resources;
  service = deployment.templates.service.toJSON().Resources as Resources;
  const svc = deployment.service.service;
  const labels = new Map<string, string>([
    [logicalId(deployment.data.data.table), 'table'],
    [logicalId(svc.alarmTopic), 'alarm-topic'],
  ]);
  reader = new TemplateReader({ ...data, ...service }, labels, [deployment.templates.data, deployment.templates.service]);
});

describe('missed-run detection', () => {
  it('gives the sweeper, and no other function, the grace period from the deployment context', () => {
    const lambdas = functionsByFolder(service);
    expect(lambdas.get(SWEEPER_FUNCTION)!.properties.Environment.Variables[ENV.missedRunGrace]).toBe('300');
    for (const [folder, { properties }] of lambdas) {
      if (folder !== SWEEPER_FUNCTION) expect(Object.keys(properties.Environment.Variables), folder).not.toContain(ENV.missedRunGrace);
    }
  });

  it('lets the sweeper query the byDue index, and scan nothing', () => {
    const sweeper = functionsByFolder(service).get(SWEEPER_FUNCTION)!.properties;
    const allowed = grants(reader, statementsOfRole(service, sweeper.Role['Fn::GetAtt'][0]));
    expect(allowed).toContain(`dynamodb:Query <table>/index/${DUE_INDEX}`);
    expect(allowed.filter((grant) => /^dynamodb:(Scan|\*)/.test(grant))).toEqual([]);
    expect(allowed.filter((grant) => grant.startsWith('scheduler:'))).toEqual([]);
  });

  it('alarms to the alarm topic on any missed run in 5 minutes, from the metric the sweeper publishes', () => {
    const alarms = reader.ofType('AWS::CloudWatch::Alarm').filter(([, alarm]) => alarm.Properties!.MetricName === SWEEP_METRICS.missed);
    expect(alarms).toHaveLength(1);
    const alarm = alarms[0]![1].Properties!;
    expect(alarm).toMatchObject({
      Namespace: 'AgentSchedules/test',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
    expect(alarm.Dimensions).toBeUndefined();
    expect(reader.text(alarm.AlarmActions)).toBe('<alarm-topic>');
    expect(reader.text(alarm.OKActions)).toBe('<alarm-topic>');
    expect(alarm.AlarmDescription).toMatch(/README › Operations › Missed runs/);
  });

  it('refuses a grace period that is not 1 second to 1 day at synth', () => {
    expect(() => synthDeployment({ stage: 'test', missedRunGraceSeconds: 0 })).toThrow(/missedRunGraceSeconds/);
    expect(() => synthDeployment({ stage: 'test', missedRunGraceSeconds: 90_000 })).toThrow(/missedRunGraceSeconds/);
  });
});
