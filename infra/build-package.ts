// `npm run build`: the package platform teams install. The construct, the SDK, the agent helpers and the CLI as ESM
// JavaScript with .d.ts, and every Lambda function prebuilt (same esbuild settings as a synth from source), so a
// consumer's synth needs neither esbuild, Docker nor this project's lockfile. Prints what it wrote (JSON) on stdout.
import { execFileSync } from 'node:child_process';
import { chmodSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { PROJECT_ROOT, bundleFunction } from './bundling.ts';
import { CONSOLE_FUNCTION, copyConsoleInto } from './console-build.ts';
import { allFunctionSpecs } from './functions.ts';

export const DIST = join(PROJECT_ROOT, 'dist');

/** What each entry point may leave to the consumer's node_modules: the peers, and the package's own dependencies. */
const ENTRIES: Array<{ entry: string; out: string; external: string[]; define?: Record<string, string> }> = [
  {
    entry: 'infra/index.ts',
    out: 'index.mjs',
    // esbuild and vite build from source in a checkout only; an installed package never loads them.
    external: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'esbuild', 'vite'],
    define: { __AGENT_SCHEDULES_PREBUILT__: 'true' },
  },
  { entry: 'client/index.ts', out: 'client.mjs', external: ['openapi-fetch'] },
  { entry: 'agent/index.ts', out: 'agent.mjs', external: [] },
  // cli/main.ts starts with its own #!/usr/bin/env node, which esbuild keeps first.
  { entry: 'cli/main.ts', out: 'cli.mjs', external: ['commander', 'openapi-fetch'] },
];

function sizeOf(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((total, name) => total + sizeOf(join(path, name)), 0);
}

export async function buildPackage(): Promise<Record<string, unknown>> {
  rmSync(DIST, { recursive: true, force: true });
  const started = Date.now();
  for (const { entry, out, external, define } of ENTRIES) {
    const options: BuildOptions = {
      entryPoints: [join(PROJECT_ROOT, entry)],
      outfile: join(DIST, out),
      bundle: true,
      platform: 'node',
      format: 'esm',
      // Consumers synthesize on their own Node (20.19 or later), not on Lambda's.
      target: 'node20',
      sourcemap: true,
      external,
      absWorkingDir: PROJECT_ROOT,
      logLevel: 'warning',
      // Bundled CommonJS dependencies may call require; ESM has none, so the file defines one.
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
      ...(define ? { define } : {}),
    };
    await build(options);
  }
  chmodSync(join(DIST, 'cli.mjs'), 0o755);
  // Declarations for the public entry points (and what their types reach), beside the JavaScript.
  execFileSync(join(PROJECT_ROOT, 'node_modules', '.bin', 'tsc'), ['-p', join(PROJECT_ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  const entriesMs = Date.now() - started;
  const folders = allFunctionSpecs().map((spec) => spec.name);
  const bundlesStarted = Date.now();
  for (const folder of folders) await bundleFunction(folder, join(DIST, 'bundles', folder));
  copyConsoleInto(join(DIST, 'bundles', CONSOLE_FUNCTION));
  return {
    dist: DIST,
    entriesMs,
    functions: folders.length,
    bundlesMs: Date.now() - bundlesStarted,
    bundlesBytes: sizeOf(join(DIST, 'bundles')),
    totalBytes: sizeOf(DIST),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${JSON.stringify(await buildPackage(), null, 2)}\n`);
}
