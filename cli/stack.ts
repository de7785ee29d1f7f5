// `configure --stack/--stage`: the API URL (and, with --admin, the admin key) read from the deployed stacks with the
// caller's own AWS credentials — CloudFormation outputs ApiUrl and AdminKeySecretArn, then Secrets Manager.
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigError } from './profiles.ts';

/** The stacks `cdk deploy --all` makes for a stage (infra/deployment.ts). */
export const stageStacks = (stage: string): string[] => [`AgentSchedules-${stage}-Service`, `AgentSchedules-${stage}-Data`];

export interface FromStack {
  url: string;
  adminKey?: string;
}

/** Every output of the named stacks, by key (an embedded construct's outputs carry a prefix: matched by suffix). */
async function outputsOf(stacks: readonly string[], client: CloudFormationClient): Promise<Map<string, string>> {
  const outputs = new Map<string, string>();
  for (const name of stacks) {
    const answer = await client.send(new DescribeStacksCommand({ StackName: name })).catch((error: Error) => {
      throw new ConfigError(
        `Could not read stack ${name}: ${error.message}`,
        'Check the stack name (cdk list) and that your AWS credentials and region reach it.',
      );
    });
    for (const output of answer.Stacks?.[0]?.Outputs ?? []) if (output.OutputKey && output.OutputValue) outputs.set(output.OutputKey, output.OutputValue);
  }
  return outputs;
}

function find(outputs: Map<string, string>, key: string): string | undefined {
  return outputs.get(key) ?? [...outputs].find(([name]) => name.endsWith(key))?.[1];
}

export async function readFromStacks(
  stacks: readonly string[],
  options: { admin?: boolean; region?: string },
  clients: { cloudFormation?: CloudFormationClient; secrets?: SecretsManagerClient } = {},
): Promise<FromStack> {
  const region = options.region ? { region: options.region } : {};
  const outputs = await outputsOf(stacks, clients.cloudFormation ?? new CloudFormationClient(region));
  const url = find(outputs, 'ApiUrl');
  if (!url) throw new ConfigError(`No ApiUrl output in ${stacks.join(', ')}.`, 'Name the stack that holds the service (its outputs include ApiUrl).');
  if (!options.admin) return { url };
  const secretArn = find(outputs, 'AdminKeySecretArn');
  if (!secretArn)
    throw new ConfigError(
      `No AdminKeySecretArn output in ${stacks.join(', ')}.`,
      'Also name the stack that holds the data (its outputs include AdminKeySecretArn).',
    );
  const secret = await (clients.secrets ?? new SecretsManagerClient(region)).send(new GetSecretValueCommand({ SecretId: secretArn })).catch((error: Error) => {
    throw new ConfigError(`Could not read the admin key secret: ${error.message}`, 'Your AWS credentials need secretsmanager:GetSecretValue on it.');
  });
  if (!secret.SecretString)
    throw new ConfigError('The admin key secret has no value.', 'Redeploy the data stack, or set the key with configure --admin and stdin.');
  return { url, adminKey: secret.SecretString };
}
