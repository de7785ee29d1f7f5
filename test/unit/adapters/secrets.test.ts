// Secret references and where tenants' secrets are kept: which references a tenant may use, the Secrets Manager vault's
// exact requests (mocked client), the local file vault's permissions, and the operator's env allow-list.
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  PutSecretValueCommand,
  ResourceNotFoundException,
  RestoreSecretCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AgentSecretReader } from '#shared/adapters/secrets/agent-secret-reader.ts';
import { FileVault } from '#shared/adapters/secrets/file-vault.ts';
import { SecretsManagerVault } from '#shared/adapters/secrets/secrets-manager-vault.ts';
import { settingsFromEnv } from '#shared/config.ts';
import { parseSecretRef, secretRefProblem, type SecretPolicy } from '#shared/domain/secret-ref.ts';

const policy: SecretPolicy = { secretsPrefix: 'agent-schedules/prod/agents/', envNames: ['OPENAI_API_KEY', 'AWS_SECRET_ACCESS_KEY'] };
const arn = (name: string) => `arn:aws:secretsmanager:eu-west-1:111122223333:secret:${name}`;

describe('secret references', () => {
  it.each([
    ['secret:openai-key', undefined],
    [arn('agent-schedules/prod/agents/acme/openai-AbCdEf'), undefined],
    [arn('agent-schedules/prod/agents/acme/nested/key'), undefined],
    ['env:OPENAI_API_KEY', undefined],
    [arn('agent-schedules/prod/agents/globex/openai-AbCdEf'), 'not one of this tenant'],
    [arn('agent-schedules/prod/agents/acme-evil/openai'), 'not one of this tenant'],
    [arn('agent-schedules/prod/agents/'), 'not one of this tenant'],
    [arn('prod/db-password'), 'not one of this tenant'],
    ['env:HOME', 'not a variable the operator allow-listed'],
    // On the list by mistake: still never.
    ['env:AWS_SECRET_ACCESS_KEY', 'not a variable the operator allow-listed'],
    ['secret:../globex/openai', 'a secret reference is'],
    ['arn:aws:iam::111122223333:role/admin', 'a secret reference is'],
  ])('for tenant acme, %s → %s', (reference, problem) => {
    const found = secretRefProblem(reference, 'acme', policy);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });

  it('reads the secret name out of a full ARN (random suffix dropped) and a partial one', () => {
    expect(parseSecretRef(arn('agent-schedules/prod/agents/acme/key-AbCdEf'))).toMatchObject({
      kind: 'arn',
      secretName: 'agent-schedules/prod/agents/acme/key',
    });
    expect(parseSecretRef(arn('agent-schedules/prod/agents/acme/key'))).toMatchObject({ kind: 'arn', secretName: 'agent-schedules/prod/agents/acme/key' });
  });

  it("refuses at cold start an allow-list that names the service's or the runtime's own variables", () => {
    expect(() => settingsFromEnv({ AGENT_SECRET_ENV_NAMES: 'OPENAI_API_KEY,AWS_SESSION_TOKEN' })).toThrow(/AWS_SESSION_TOKEN/);
    expect(() => settingsFromEnv({ AGENT_SECRET_ENV_NAMES: 'ADMIN_API_KEY' })).toThrow(/ADMIN_API_KEY/);
    expect(settingsFromEnv({ AGENT_SECRET_ENV_NAMES: ' OPENAI_API_KEY , ANTHROPIC_API_KEY ' }).secretPolicy.envNames).toEqual([
      'OPENAI_API_KEY',
      'ANTHROPIC_API_KEY',
    ]);
  });
});

describe('the agent secret reader', () => {
  it("reads only the calling tenant's vault entries, never another tenant's of the same name", async () => {
    const vault = new FileVault();
    await vault.put('acme', 'openai', 'sk-acme');
    await vault.put('globex', 'openai', 'sk-globex');
    const reader = new AgentSecretReader({ vault, policy, env: { OPENAI_API_KEY: 'sk-env', HOME: '/root' } });
    expect(await reader.read('acme', 'secret:openai')).toBe('sk-acme');
    expect(await reader.read('globex', 'secret:openai')).toBe('sk-globex');
    expect(await reader.read('acme', 'env:OPENAI_API_KEY')).toBe('sk-env');
    await expect(reader.read('acme', 'env:HOME')).rejects.toThrow(/refused/);
    await expect(reader.read('initech', 'secret:openai')).rejects.toThrow(/PUT \/v1\/secrets\/openai/);
  });

  it("refuses another tenant's ARN before reading anything", async () => {
    const reads: string[] = [];
    const reader = new AgentSecretReader({
      vault: new FileVault(),
      policy,
      readArn: async (id) => {
        reads.push(id);
        return 'value';
      },
    });
    await expect(reader.read('acme', arn('agent-schedules/prod/agents/globex/key-AbCdEf'))).rejects.toThrow(/refused/);
    expect(reads).toEqual([]);
    expect(await reader.read('acme', arn('agent-schedules/prod/agents/acme/key-AbCdEf'))).toBe('value');
  });
});

describe('the local file vault', () => {
  it('keeps secrets in one file only its owner can read, and reloads them', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'vault-')), 'secrets.json');
    const vault = new FileVault(path);
    await vault.put('acme', 'openai', 'sk-1');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await new FileVault(path).read('acme', 'openai')).toBe('sk-1');
    expect(await vault.delete('acme', 'openai')).toBe(true);
    expect(await vault.delete('acme', 'openai')).toBe(false);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({});
  });
});

describe('the Secrets Manager vault', () => {
  const client = mockClient(SecretsManagerClient);
  let vault: SecretsManagerVault;
  const name = 'agent-schedules/prod/agents/acme/openai';

  beforeEach(() => {
    client.reset();
    vault = new SecretsManagerVault({ client: new SecretsManagerClient({ region: 'eu-west-1' }), policy });
  });

  it('writes a new value of an existing secret with PutSecretValue', async () => {
    client.on(PutSecretValueCommand).resolves({});
    await vault.put('acme', 'openai', 'sk-1');
    expect(client.commandCalls(PutSecretValueCommand).map((call) => call.args[0].input)).toEqual([{ SecretId: name, SecretString: 'sk-1' }]);
    expect(client.commandCalls(CreateSecretCommand)).toHaveLength(0);
  });

  it('creates a missing secret under the tenant prefix, tagged with the tenant', async () => {
    client.on(PutSecretValueCommand).rejects(new ResourceNotFoundException({ message: 'no', Message: 'no', $metadata: {} }));
    client.on(CreateSecretCommand).resolves({});
    await vault.put('acme', 'openai', 'sk-1');
    expect(client.commandCalls(CreateSecretCommand).map((call) => call.args[0].input)).toEqual([
      {
        Name: name,
        SecretString: 'sk-1',
        Description: 'agent-schedules: agent secret "openai" of tenant acme',
        Tags: [{ Key: 'agent-schedules:tenant', Value: 'acme' }],
      },
    ]);
  });

  it('restores a secret scheduled for deletion before writing it', async () => {
    client
      .on(PutSecretValueCommand)
      .rejectsOnce(new InvalidRequestException({ message: 'marked for deletion', Message: 'marked for deletion', $metadata: {} }))
      .resolves({});
    client.on(RestoreSecretCommand).resolves({});
    await vault.put('acme', 'openai', 'sk-2');
    expect(client.commandCalls(RestoreSecretCommand).map((call) => call.args[0].input)).toEqual([{ SecretId: name }]);
    expect(client.commandCalls(PutSecretValueCommand)).toHaveLength(2);
  });

  it('reads by tenant name (undefined when missing) and deletes without a recovery window', async () => {
    client
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: 'sk-3' })
      .rejects(new ResourceNotFoundException({ message: 'no', Message: 'no', $metadata: {} }));
    client.on(DeleteSecretCommand).resolves({});
    expect(await vault.read('acme', 'openai')).toBe('sk-3');
    expect(await vault.read('acme', 'openai')).toBeUndefined();
    expect(await vault.delete('acme', 'openai')).toBe(true);
    expect(client.commandCalls(DeleteSecretCommand).map((call) => call.args[0].input)).toEqual([{ SecretId: name, ForceDeleteWithoutRecovery: true }]);
  });
});
