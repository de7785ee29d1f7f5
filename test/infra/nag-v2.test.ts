// Consumers may run cdk-nag 2 (an Aspect reading `cdk_nag` resource metadata) rather than 3: the same acknowledgements
// reach it, so the whole app and the embedded construct report nothing under either major.
import { type App, Aspects, Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag-v2';
import { beforeAll, describe, expect, it } from 'vitest';
import { addDeployment } from '#infra/deployment.ts';
import { AgentSchedules } from '#infra/index.ts';
import { nagV2Rule } from '#infra/nag.ts';
import { testApp } from './support.ts';

/** The AwsSolutions errors and warnings cdk-nag 2 attached to the cloud assembly. */
function nagV2Findings(app: App): string[] {
  Aspects.of(app).add(new AwsSolutionsChecks());
  return app
    .synth()
    .stacks.flatMap((stack) => stack.messages)
    .filter((message) => message.level !== 'info' && String(message.entry.data).includes('AwsSolutions-'))
    .map((message) => `${message.id}: ${String(message.entry.data).split('\n')[0]}`);
}

describe('cdk-nag 2', () => {
  let deployment: string[];
  let embedded: string[];

  beforeAll(() => {
    const app = testApp();
    addDeployment(app, { stage: 'test' });
    deployment = nagV2Findings(app);
    const host = testApp();
    new AgentSchedules(new Stack(host, 'Host', { env: { account: '123456789012', region: 'eu-west-1' } }), 'Schedules', {});
    embedded = nagV2Findings(host);
  }, 300_000);

  it('reports nothing on the deployment (DataStack + ServiceStack)', () => {
    expect(deployment).toEqual([]);
  });

  it('reports nothing on the construct embedded in another stack', () => {
    expect(embedded).toEqual([]);
  });

  it('suppresses a granular finding for that one resource only, as NagSuppressions does', () => {
    expect(nagV2Rule('IAM5[Resource::arn:aws:bedrock:*::foundation-model/x]', 'Models the deployer chose.')).toEqual({
      id: 'AwsSolutions-IAM5',
      reason: 'Models the deployer chose.',
      applies_to: ['Resource::arn:aws:bedrock:*::foundation-model/x'],
    });
    expect(nagV2Rule('L1', 'Node 24 is the newest runtime.')).toEqual({ id: 'AwsSolutions-L1', reason: 'Node 24 is the newest runtime.' });
  });
});
