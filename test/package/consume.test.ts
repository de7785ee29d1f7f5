// The package as a platform team consumes it (`npm run test:package`, run by .ci/run): `npm run build`, `npm pack`,
// then fresh CDK apps in temp folders install the tarball from the registry's view — no esbuild, no Docker, no lockfile
// of ours — and synthesize: the app `cdk init app --language typescript` makes today (tsc + tsx, NodeNext) with
// cdk-nag 3, and a CommonJS ts-node app as `cdk init` made it before, on the lowest aws-cdk-lib of the peer range, with
// cdk-nag 2. Each asserts the template, the prebuilt assets and zero nag findings; the figures go to stderr.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = process.cwd();
const own = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
/** The lowest aws-cdk-lib the peer range admits ("^2.257.0" → 2.257.0). */
const LOWEST_CDK = own.peerDependencies['aws-cdk-lib']!.replace(/^[\^~>=]+/, '');
const work = mkdtempSync(join(tmpdir(), 'agent-schedules-package-'));
const CDK = join(ROOT, 'node_modules', '.bin', 'cdk');
let tarball: string;
const figures: Record<string, unknown> = {};

function run(command: string, args: string[], cwd: string, timeoutMs = 600_000): { stdout: string; stderr: string; ms: number } {
  const started = Date.now();
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, CI: 'true', npm_config_fund: 'false', npm_config_audit: 'false' },
  });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd} (${result.status}):\n${result.stdout}\n${result.stderr}`);
  return { stdout: result.stdout, stderr: result.stderr, ms: Date.now() - started };
}

function sizeOf(path: string): number {
  const stat = statSync(path);
  return stat.isDirectory() ? readdirSync(path).reduce((total, name) => total + sizeOf(join(path, name)), 0) : stat.size;
}

const STACK = `import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { AgentSchedules } from 'agent-schedules';

export class SchedulesStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    new AgentSchedules(this, 'Schedules', {});
  }
}
`;

interface Template {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
}

/** The synthesized stack and what its functions' assets hold. */
function inspect(app: string): { functions: Array<Record<string, unknown>>; assetsWithBundle: number; nestedCdk: boolean; installBytes: number } {
  const template = JSON.parse(readFileSync(join(app, 'cdk.out', 'SchedulesStack.template.json'), 'utf8')) as Template;
  const functions = Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::Lambda::Function')
    .map((resource) => resource.Properties);
  const assets = readdirSync(join(app, 'cdk.out')).filter((name) => name.startsWith('asset.'));
  return {
    functions,
    assetsWithBundle: assets.filter((name) => existsSync(join(app, 'cdk.out', name, 'index.mjs'))).length,
    nestedCdk: existsSync(join(app, 'node_modules', 'agent-schedules', 'node_modules', 'aws-cdk-lib')),
    installBytes: sizeOf(join(app, 'node_modules', 'agent-schedules')),
  };
}

beforeAll(() => {
  const built = run('npm', ['run', '--silent', 'build'], ROOT);
  figures.build = { ms: built.ms, ...JSON.parse(built.stdout) };
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], ROOT).stdout) as Array<{
    filename: string;
    size: number;
    unpackedSize: number;
    entryCount: number;
  }>;
  tarball = join(work, packed[0]!.filename);
  figures.tarball = { bytes: packed[0]!.size, unpackedBytes: packed[0]!.unpackedSize, files: packed[0]!.entryCount };
}, 900_000);

afterAll(() => {
  process.stderr.write(`package figures: ${JSON.stringify(figures, null, 2)}\n`);
  rmSync(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('holds the compiled entry points, their types and one prebuilt bundle per function, and nothing of the source', () => {
    const listing = run('tar', ['-tzf', tarball], work).stdout.split('\n');
    for (const file of ['dist/index.mjs', 'dist/client.mjs', 'dist/agent.mjs', 'dist/cli.mjs', 'dist/types/infra/index.d.ts', 'dist/types/client/index.d.ts']) {
      expect(listing, file).toContain(`package/${file}`);
    }
    expect(listing.filter((file) => /^package\/dist\/bundles\/[^/]+\/index\.mjs$/.test(file)).length).toBeGreaterThan(40);
    expect(listing.filter((file) => /^package\/(shared|functions|infra|test|local|bench)\//.test(file))).toEqual([]);
    expect(listing.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))).toEqual([]);
  });
});

describe('a CDK app as `cdk init app --language typescript` makes it (tsc + tsx, NodeNext), with cdk-nag 3', () => {
  const app = join(work, 'init-app');

  beforeAll(() => {
    mkdirSync(app);
    run(CDK, ['init', 'app', '--language', 'typescript', '--generate-only'], app);
    const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    // The CLI is ours (no second download); the app's own TypeScript compiles our declarations.
    delete manifest.devDependencies!['aws-cdk'];
    manifest.dependencies = {
      ...manifest.dependencies,
      'aws-cdk-lib': own.devDependencies['aws-cdk-lib']!,
      'agent-schedules': `file:${tarball}`,
      'cdk-nag': own.devDependencies['cdk-nag']!,
    };
    writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
    writeFileSync(join(app, 'lib', 'init-app-stack.ts'), STACK);
    writeFileSync(
      join(app, 'bin', 'init-app.ts'),
      `import { App, Validations } from 'aws-cdk-lib';\nimport { AwsSolutionsChecks } from 'cdk-nag';\nimport { SchedulesStack } from '../lib/init-app-stack';\n\nconst app = new App();\nnew SchedulesStack(app, 'SchedulesStack');\nValidations.of(app).addPlugins(new AwsSolutionsChecks(app));\n`,
    );
    rmSync(join(app, 'test'), { recursive: true, force: true });
    figures.initAppInstallMs = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], app).ms;
  }, 900_000);

  it('type-checks and synthesizes with the prebuilt bundles, nag-clean', () => {
    const synth = run(CDK, ['synth', '--quiet'], app);
    figures.initAppSynthMs = synth.ms;
    const found = inspect(app);
    figures.installBytes = found.installBytes;
    expect(found.functions.length).toBeGreaterThan(40);
    for (const fn of found.functions) expect(fn).toMatchObject({ Runtime: 'nodejs24.x', Handler: 'index.handler', Architectures: ['arm64'] });
    expect(found.assetsWithBundle).toBeGreaterThanOrEqual(found.functions.length);
    // aws-cdk-lib is a peer: the app's own copy, never a second one inside the package.
    expect(found.nestedCdk).toBe(false);
    const report = JSON.parse(readFileSync(join(app, 'cdk.out', 'validation-report.json'), 'utf8')) as { pluginReports: Array<{ violations: unknown[] }> };
    expect(report.pluginReports.flatMap((plugin) => plugin.violations)).toEqual([]);
  });
});

describe(`a CommonJS ts-node app on the lowest aws-cdk-lib of the peer range (${LOWEST_CDK}), with cdk-nag 2`, () => {
  const app = join(work, 'ts-node-app');

  beforeAll(() => {
    mkdirSync(join(app, 'bin'), { recursive: true });
    mkdirSync(join(app, 'lib'));
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({
        name: 'ts-node-app',
        private: true,
        dependencies: { 'aws-cdk-lib': LOWEST_CDK, constructs: own.devDependencies.constructs, 'agent-schedules': `file:${tarball}`, 'cdk-nag': '2.38.2' },
        devDependencies: { 'ts-node': '10.9.2', typescript: own.devDependencies.typescript, '@types/node': own.devDependencies['@types/node'] },
      }),
    );
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2020', module: 'commonjs', lib: ['es2020'], strict: true, esModuleInterop: true, skipLibCheck: true, types: ['node'] },
      }),
    );
    writeFileSync(join(app, 'cdk.json'), JSON.stringify({ app: 'npx ts-node --prefer-ts-exts bin/app.ts' }));
    writeFileSync(join(app, 'lib', 'stack.ts'), STACK);
    writeFileSync(
      join(app, 'bin', 'app.ts'),
      `import { App, Aspects } from 'aws-cdk-lib';\nimport { AwsSolutionsChecks } from 'cdk-nag';\nimport { SchedulesStack } from '../lib/stack';\n\nconst app = new App();\nnew SchedulesStack(app, 'SchedulesStack');\nAspects.of(app).add(new AwsSolutionsChecks());\n`,
    );
    figures.tsNodeAppInstallMs = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund'], app).ms;
  }, 900_000);

  it('requires the ESM package from CommonJS and synthesizes, with no cdk-nag 2 finding', () => {
    const synth = run(CDK, ['synth', '--quiet'], app);
    figures.tsNodeAppSynthMs = synth.ms;
    expect(`${synth.stdout}${synth.stderr}`).not.toMatch(/AwsSolutions-/);
    const found = inspect(app);
    expect(found.functions.length).toBeGreaterThan(40);
    expect(found.assetsWithBundle).toBeGreaterThanOrEqual(found.functions.length);
    expect(found.nestedCdk).toBe(false);
    expect(JSON.parse(readFileSync(join(app, 'node_modules', 'aws-cdk-lib', 'package.json'), 'utf8')).version).toBe(LOWEST_CDK);
  });
});

describe('the same app from this checkout (source mode: every function bundled at synth)', () => {
  it('synthesizes too; its time is the "before" of the prebuilt bundles', () => {
    const out = join(work, 'source-out');
    const started = Date.now();
    // execFileSync throws on a non-zero exit; the CLI's own messages go to stdout or stderr depending on CI.
    execFileSync(CDK, ['synth', '--quiet', '--output', out], { cwd: ROOT, encoding: 'utf8', timeout: 600_000 });
    figures.sourceSynthMs = Date.now() - started;
    const templates = readdirSync(out)
      .filter((name) => name.endsWith('.template.json'))
      .sort();
    expect(templates).toEqual(['AgentSchedules-dev-Data.template.json', 'AgentSchedules-dev-Service.template.json']);
  });
});
