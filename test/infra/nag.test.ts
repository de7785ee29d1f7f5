// cdk-nag AwsSolutions over the whole app: nothing reported, and every acknowledgement is about a real finding and says why.
import type { App } from 'aws-cdk-lib';
import type { PolicyValidationReportJson } from 'aws-cdk-lib/cloud-assembly-schema';
import { beforeAll, describe, expect, it } from 'vitest';
import { addDeployment } from '#infra/deployment.ts';
import { acknowledgementsIn, covers, describeFindings, rawFindings, synthWithNag } from './nag-support.ts';
import { testApp } from './support.ts';

let app: App;
let report: PolicyValidationReportJson;

beforeAll(() => {
  // Findings are read from the report rather than thrown, so a failure lists all of them.
  app = testApp({ '@aws-cdk/core:failSynthOnValidationErrors': false });
  addDeployment(app, { stage: 'test' });
  report = synthWithNag(app);
});

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged error or warning anywhere in the app', () => {
    expect(describeFindings(report)).toEqual([]);
    expect(report.pluginReports.every((plugin) => plugin.conclusion === 'success')).toBe(true);
  });

  it('acknowledges only findings cdk-nag really makes, each with a reason of its own', () => {
    const acknowledgements = acknowledgementsIn(app);
    const findings = rawFindings(app);
    expect(findings.length).toBeGreaterThan(0);
    for (const ack of acknowledgements) {
      expect(
        findings.some((finding) => covers(ack, finding)),
        `${ack.id} at ${ack.path} matches no finding`,
      ).toBe(true);
      expect(ack.reason.length, `${ack.id} at ${ack.path} needs a real reason`).toBeGreaterThan(60);
    }
    for (const finding of findings) {
      expect(
        acknowledgements.some((ack) => covers(ack, finding)),
        `${finding.rule} at ${finding.path}`,
      ).toBe(true);
    }
  });

  it('acknowledges this list of accepted findings, and no rule wholesale', () => {
    const acknowledgements = acknowledgementsIn(app);
    const counts: Record<string, number> = {};
    for (const { id } of acknowledgements) {
      const rule = id.replace(/\[Resource::arn:.*:scheduler:.*\/\*\]$/, '[Resource::<schedules of the group>]');
      counts[rule] = (counts[rule] ?? 0) + 1;
    }
    expect(counts).toEqual({
      // X-Ray: one per function (49).
      'AwsSolutions-IAM5[Resource::*]': 49,
      // The routes that change schedules (6 folders), the agent callback route (auto-pause) and the runner.
      'AwsSolutions-IAM5[Resource::<schedules of the group>]': 8,
      // The runner reads agent secrets; PUT and DELETE /v1/secrets/{name} write them.
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:agent-schedules/test/agents/*]': 3,
      // Cross-region inference: foundation models in any region, inference profiles of this account.
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:*::foundation-model/*]': 1,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:bedrock:<AWS::Region>:<AWS::AccountId>:inference-profile/*]': 1,
      // The Scheduler role invoking the sweeper (LambdaInvoke grants ARN and ARN:*).
      'AwsSolutions-IAM5[Resource::<ServiceSweeperFunction049D0420.Arn>:*]': 1,
      // /health, /openapi.json, the console's two routes (static files) and the agent callback route (its per-run token is the auth).
      'AwsSolutions-APIG4': 5,
      'AwsSolutions-SQS3': 1,
      'AwsSolutions-SMG4': 3,
    });
    const distinctReasons = new Set(acknowledgements.map((ack) => `${ack.id.split('[')[0]}|${ack.reason}`));
    expect(distinctReasons.size).toBeGreaterThanOrEqual(8);
    for (const { id } of acknowledgements) expect(id, 'a finding-level id, never a bare IAM5').not.toBe('AwsSolutions-IAM5');
  });
});
