// The CLI as a user runs it: a separate process (`npm run cli` = tsx cli/main.ts) against the local server, with a
// profile file in a temp folder, JSON output to parse, tables to read, and the documented exit codes.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eServer, type E2eServer } from './harness.ts';

let e2e: E2eServer;
let agent: Server;
let home: string;

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

const TSX = join(process.cwd(), 'node_modules', '.bin', 'tsx');

/** Runs the CLI in its own process; `env` is laid over a clean environment holding only the temp config folder. */
function cli(args: string[], options: { env?: Record<string, string>; stdin?: string } = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const child = execFile(
      TSX,
      ['cli/main.ts', ...args],
      {
        env: {
          PATH: process.env.PATH,
          AGENT_SCHEDULES_CONFIG: join(home, 'config.json'),
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          ...options.env,
        },
        timeout: 30_000,
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(options.stdin ?? '');
  });
}

/** A port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

const asUser = () => ({ AGENT_SCHEDULES_URL: e2e.url, AGENT_SCHEDULES_API_KEY: e2e.server.apiKey });

beforeAll(async () => {
  agent = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const { task } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { task: string };
      if (request.url === '/fail') {
        response.writeHead(500).end('agent exploded');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ output: `summary of: ${task}` }));
    });
  });
  await new Promise<void>((ready) => agent.listen(0, '127.0.0.1', ready));
  const agentUrl = `http://127.0.0.1:${(agent.address() as AddressInfo).port}`;
  e2e = await startE2eServer();
  for (const [id, path] of [
    ['writer', '/ok'],
    ['broken', '/fail'],
  ] as const) {
    expect((await e2e.request('POST', '/v1/agents', { body: { id, name: id, kind: 'http', url: `${agentUrl}${path}` } })).status).toBe(201);
  }
  home = await mkdtemp(join(tmpdir(), 'agent-schedules-cli-'));
}, 120_000);

afterAll(async () => {
  await e2e?.stop();
  await new Promise<void>((done) => (agent ? agent.close(() => done()) : done()));
  if (home) await rm(home, { recursive: true, force: true });
});

describe('configure and profiles', () => {
  it('saves the URL and the key read from stdin in a 0600 file, and later commands use it', async () => {
    const saved = await cli(['configure', '--url', e2e.url], { stdin: `${e2e.server.apiKey}\n` });
    expect(saved).toMatchObject({ code: 0, stdout: '' });
    expect(saved.stderr).toContain('Saved profile "default"');
    expect((await stat(join(home, 'config.json'))).mode & 0o777).toBe(0o600);
    const listed = await cli(['schedules', 'ls', '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([]);
  });

  it('names a missing profile and says how to make it (exit 3)', async () => {
    const missing = await cli(['--profile', 'staging', 'schedules', 'ls']);
    expect(missing.code).toBe(3);
    expect(JSON.parse(missing.stderr)).toMatchObject({
      error: {
        code: 'not_configured',
        message: expect.stringContaining('No profile "staging"'),
        details: { hint: expect.stringContaining('configure --profile staging') },
      },
    });
  });

  it('says what to configure when nothing is (exit 3), and names an unreachable API (exit 4)', async () => {
    const bare = await cli(['schedules', 'ls'], { env: { AGENT_SCHEDULES_CONFIG: join(home, 'none.json') } });
    expect(bare.code).toBe(3);
    expect(JSON.parse(bare.stderr)).toMatchObject({ error: { code: 'not_configured', message: 'No API URL is configured.' } });
    const down = await cli(['schedules', 'ls'], { env: { AGENT_SCHEDULES_URL: 'http://127.0.0.1:9', AGENT_SCHEDULES_API_KEY: 'k' } });
    expect(down.code).toBe(4);
    expect(JSON.parse(down.stderr)).toMatchObject({
      error: { code: 'network', message: expect.stringContaining('Could not reach the API at http://127.0.0.1:9') },
    });
  });

  it('refuses a wrong key with the API’s own error and request id (exit 1)', async () => {
    const refused = await cli(['schedules', 'ls', '--output', 'table'], { env: { AGENT_SCHEDULES_URL: e2e.url, AGENT_SCHEDULES_API_KEY: 'not-a-key' } });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: .+ \(unauthorized, HTTP 401\)/);
  });
});

describe('schedules', () => {
  let id: string;

  it('creates a schedule from flags and prints it as JSON when piped', async () => {
    const created = await cli(
      [
        'schedules',
        'create',
        '--name',
        'Daily report',
        '--task',
        'Summarise yesterday',
        '--cron',
        '0 9 * * 1-5',
        '--timezone',
        'America/New_York',
        '--agent',
        'writer',
      ],
      { env: asUser() },
    );
    expect(created.code).toBe(0);
    const schedule = JSON.parse(created.stdout);
    expect(schedule).toMatchObject({ name: 'Daily report', cronExpression: '0 9 * * 1-5', timezone: 'America/New_York', agentId: 'writer', enabled: true });
    // 2026-11-20 is a Friday: 09:00 New York is 14:00 UTC.
    expect(schedule.nextRunAt).toBe('2026-11-20T14:00:00Z');
    id = schedule.id;
  });

  it('lists it in a table with its cadence in words', async () => {
    const listed = await cli(['schedules', 'ls', '--output', 'table'], { env: asUser() });
    expect(listed.code).toBe(0);
    const [header, row] = listed.stdout.trim().split('\n');
    expect(header).toMatch(/^ID +NAME +CADENCE +TIMEZONE +NEXT RUN \(UTC\) +STATUS +LAST RUN +OK\/FAILED$/);
    expect(row).toContain('Daily report');
    expect(row).toContain('At 09:00, Monday through Friday');
  });

  it('shows the API’s field and hint for a bad cron (exit 1), and nothing is created', async () => {
    const bad = await cli(['schedules', 'create', '--name', 'Bad', '--task', 't', '--cron', '0 9 1 * 1', '--output', 'table'], { env: asUser() });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('(invalid_request, HTTP 400)');
    expect(bad.stderr).toContain('field: cronExpression');
    expect(bad.stderr).toMatch(/hint: .+/);
    expect(bad.stderr).toMatch(/request id: \S+/);
    expect(JSON.parse((await cli(['schedules', 'ls'], { env: asUser() })).stdout)).toHaveLength(1);
  });

  it('updates, pauses and resumes it', async () => {
    const updated = await cli(['schedules', 'update', id, '--task', 'Summarise last week'], { env: asUser() });
    expect(JSON.parse(updated.stdout)).toMatchObject({ id, task: 'Summarise last week' });
    expect(JSON.parse((await cli(['schedules', 'pause', id], { env: asUser() })).stdout)).toMatchObject({ id, enabled: false, status: 'paused' });
    expect(JSON.parse((await cli(['schedules', 'resume', id], { env: asUser() })).stdout)).toMatchObject({ id, enabled: true, status: 'active' });
    const nothing = await cli(['schedules', 'update', id], { env: asUser() });
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('update needs at least one field');
  });

  it('triggers it, waits for the run and prints the agent’s output', async () => {
    const ran = await cli(['schedules', 'trigger', id, '--wait'], { env: asUser() });
    expect(ran, ran.stderr).toMatchObject({ code: 0 });
    expect(JSON.parse(ran.stdout)).toMatchObject({ status: 'succeeded', trigger: 'manual', output: 'summary of: Summarise last week' });
  });

  it('lists, reads and tails the runs', async () => {
    const listed = JSON.parse((await cli(['runs', 'ls', id], { env: asUser() })).stdout) as Array<{ id: string; status: string }>;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ status: 'succeeded' });
    const one = await cli(['runs', 'get', listed[0]!.id, '--schedule', id, '--output', 'table'], { env: asUser() });
    expect(one.stdout).toMatch(/^status: +succeeded$/m);
    expect(one.stdout).toMatch(/^output: +summary of: Summarise last week$/m);
    const tail = await cli(['runs', 'tail', id], { env: asUser() });
    expect(
      tail.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).id),
    ).toEqual([listed[0]!.id]);
  });

  it('follows new runs as they happen with tail --follow', async () => {
    const follower = spawn(TSX, ['cli/main.ts', 'runs', 'tail', id, '--follow', '--interval', '0.2', '--json'], {
      env: { PATH: process.env.PATH, ...asUser(), AGENT_SCHEDULES_CONFIG: join(home, 'none.json') },
    });
    const lines: Array<{ id: string; status: string }> = [];
    let buffered = '';
    follower.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const complete = buffered.split('\n');
      buffered = complete.pop()!;
      lines.push(...complete.filter(Boolean).map((line) => JSON.parse(line)));
    });
    try {
      await expect.poll(() => lines.length, { timeout: 15_000 }).toBe(1);
      const triggered = await e2e.request('POST', `/v1/schedules/${id}/trigger`);
      const runId = triggered.json.run.id as string;
      await expect.poll(() => lines.find((line) => line.id === runId && line.status === 'succeeded'), { timeout: 15_000 }).toBeTruthy();
    } finally {
      follower.kill();
    }
  });

  it('shows a failed run’s error and exits 1 with --wait', async () => {
    const broken = JSON.parse(
      (await cli(['schedules', 'create', '--name', 'Broken', '--task', 't', '--rate', '1 hour', '--agent', 'broken'], { env: asUser() })).stdout,
    );
    const ran = await cli(['schedules', 'trigger', broken.id, '--wait'], { env: asUser() });
    expect(ran.code).toBe(1);
    expect(JSON.parse(ran.stdout)).toMatchObject({ status: 'failed', error: { kind: expect.any(String), message: expect.stringContaining('500') } });
  });

  it('deletes it; then get answers not_found (exit 1)', async () => {
    expect((await cli(['schedules', 'rm', id], { env: asUser() })).code).toBe(0);
    const gone = await cli(['schedules', 'get', id], { env: asUser() });
    expect(gone.code).toBe(1);
    expect(JSON.parse(gone.stderr)).toMatchObject({ error: { status: 404, code: 'not_found', requestId: expect.any(String) } });
  });
});

describe('configure from the deployed stacks (moto serves CloudFormation and Secrets Manager)', () => {
  let moto: ChildProcess | undefined;
  let aws: Record<string, string>;

  beforeAll(async () => {
    const port = await freePort();
    moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    const endpoint = `http://127.0.0.1:${port}`;
    // Ready when it answers; a test hook cannot use expect.poll.
    for (
      let tries = 0;
      (await fetch(`${endpoint}/moto-api/`).then(
        (answer) => answer.status,
        () => 0,
      )) !== 200;
      tries += 1
    ) {
      if (tries > 150) throw new Error('moto_server did not start within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    aws = { AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'eu-west-1' };
    const config = { endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
    const secret = await new SecretsManagerClient(config).send(new CreateSecretCommand({ Name: 'AdminKey', SecretString: e2e.server.adminKey }));
    const cloudFormation = new CloudFormationClient(config);
    const stack = (outputs: Record<string, string>) =>
      JSON.stringify({
        Resources: { Queue: { Type: 'AWS::SQS::Queue' } },
        Outputs: Object.fromEntries(Object.entries(outputs).map(([key, value]) => [key, { Value: value }])),
      });
    await cloudFormation.send(new CreateStackCommand({ StackName: 'AgentSchedules-prod-Service', TemplateBody: stack({ ApiUrl: e2e.url }) }));
    await cloudFormation.send(new CreateStackCommand({ StackName: 'AgentSchedules-prod-Data', TemplateBody: stack({ AdminKeySecretArn: secret.ARN! }) }));
  }, 60_000);

  afterAll(() => {
    moto?.kill();
  });

  it('reads the URL from the stage’s stacks and the admin key from its secret; keys create then works with that profile', async () => {
    const env = { ...aws, AGENT_SCHEDULES_CONFIG: join(home, 'stack-config.json') };
    const saved = await cli(['configure', '--stage', 'prod', '--admin', '--profile', 'prod-admin'], { env });
    expect(saved, saved.stderr).toMatchObject({ code: 0 });
    expect(saved.stderr).toContain(`${e2e.url}, admin key`);
    const issued = await cli(['--profile', 'prod-admin', 'keys', 'create', '--tenant', 'acme', '--user', 'bo', '--name', 'from-stack'], { env });
    expect(issued, issued.stderr).toMatchObject({ code: 0 });
    expect(JSON.parse(issued.stdout)).toMatchObject({ apiKey: expect.any(String) });
  });

  it('takes the API key from stdin with --stack, and names a stack that is not there (exit 3)', async () => {
    const env = { ...aws, AGENT_SCHEDULES_CONFIG: join(home, 'stack-config.json') };
    const saved = await cli(['configure', '--stack', 'AgentSchedules-prod-Service'], { env, stdin: `${e2e.server.apiKey}\n` });
    expect(saved, saved.stderr).toMatchObject({ code: 0 });
    expect(JSON.parse((await cli(['schedules', 'ls'], { env })).stdout)).toEqual(expect.any(Array));
    const missing = await cli(['configure', '--stack', 'Nope'], { env, stdin: 'k\n' });
    expect(missing.code).toBe(3);
    expect(JSON.parse(missing.stderr)).toMatchObject({ error: { code: 'not_configured', message: expect.stringContaining('Could not read stack Nope') } });
  });
});

describe('batches and keys', () => {
  it('creates a batch from a JSON Lines file and reads its progress', async () => {
    const items = join(home, 'items.jsonl');
    await writeFile(items, '"north"\n"south"\n');
    const created = await cli(['batches', 'create', '--name', 'Regions', '--task', 'Report on {{item}}', '--items', items, '--agent', 'writer'], {
      env: asUser(),
    });
    expect(created.code).toBe(0);
    const batch = JSON.parse(created.stdout);
    expect(batch).toMatchObject({ name: 'Regions', counts: { total: 2 } });
    await expect
      .poll(async () => JSON.parse((await cli(['batches', 'get', batch.id], { env: asUser() })).stdout).status, { timeout: 20_000, interval: 500 })
      .toBe('succeeded');
  });

  it('issues a key with the admin key, and the new key works; a tenant key cannot', async () => {
    const issued = await cli(['keys', 'create', '--tenant', 'acme', '--user', 'ana', '--name', 'ci'], {
      env: { AGENT_SCHEDULES_URL: e2e.url, AGENT_SCHEDULES_ADMIN_KEY: e2e.server.adminKey },
    });
    expect(issued, issued.stderr).toMatchObject({ code: 0 });
    const { apiKey, keyId } = JSON.parse(issued.stdout);
    const listed = await cli(['schedules', 'ls'], { env: { AGENT_SCHEDULES_URL: e2e.url, AGENT_SCHEDULES_API_KEY: apiKey } });
    expect(JSON.parse(listed.stdout)).toEqual([]);
    const noAdmin = await cli(['keys', 'revoke', keyId], { env: asUser() });
    expect(noAdmin.code).toBe(3);
    expect(noAdmin.stderr).toContain('admin key');
    expect((await cli(['keys', 'revoke', keyId], { env: { AGENT_SCHEDULES_URL: e2e.url, AGENT_SCHEDULES_ADMIN_KEY: e2e.server.adminKey } })).code).toBe(0);
    const revoked = await cli(['schedules', 'ls'], { env: { AGENT_SCHEDULES_URL: e2e.url, AGENT_SCHEDULES_API_KEY: apiKey } });
    expect(revoked.code).toBe(1);
  });
});

describe('usage', () => {
  it('prints the version, help with exit codes, and exits 2 on an unknown command', async () => {
    const version = await cli(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: '0.1.0\n' });
    const help = await cli(['schedules', 'create', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--cron <expr>');
    expect((await cli(['--help'])).stdout).toContain('Exit codes: 0 ok');
    const unknown = await cli(['schedulez']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'schedulez'");
  });

  it('previews an expression offline, as the expression tool did', async () => {
    const preview = await cli(['preview', '--cron', '0 17 L * *', '--timezone', 'Europe/Berlin', '--after', '2026-11-20T00:00:00Z', '--count', '2']);
    expect(preview.code).toBe(0);
    expect(JSON.parse(preview.stdout)).toMatchObject({ schedulerExpression: 'cron(0 17 L * ? *)', nextRuns: ['2026-11-30T16:00:00Z', '2026-12-31T16:00:00Z'] });
  });
});
