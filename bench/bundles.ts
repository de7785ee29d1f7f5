// Benchmark: each function's Lambda bundle, built exactly as the stack builds it: minified bytes, cold import time,
// and (from esbuild's metafile) proof that API handlers carry no AWS client or local code they have no right to use.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { PROJECT_ROOT, esbuildOptionsFor } from '#infra/bundling.ts';
import { allFunctionSpecs, type FunctionSpec } from '#infra/functions.ts';

/** A package (or source folder) a bundle must not contain, and why. */
interface Rule {
  applies: (spec: FunctionSpec) => boolean;
  forbidden: (input: string) => boolean;
  what: string;
  why: string;
}

const inPackage = (name: string) => (input: string) => input.includes(`node_modules/${name}/`);
const apiPath = (spec: FunctionSpec) => spec.role !== 'runner';

/** Hard rules: a bundle that breaks one fails the benchmark and test/infra/bundles.test.ts. */
export const BUNDLE_RULES: readonly Rule[] = [
  {
    applies: (spec) => apiPath(spec) && spec.access.scheduler === 'none',
    forbidden: inPackage('@aws-sdk/client-scheduler'),
    what: '@aws-sdk/client-scheduler',
    why: 'the route table gives it no Scheduler access',
  },
  {
    applies: (spec) => apiPath(spec) && !spec.access.invokeRunner,
    forbidden: inPackage('@aws-sdk/client-lambda'),
    what: '@aws-sdk/client-lambda',
    why: 'only the routes that start runs invoke the runner',
  },
  {
    applies: apiPath,
    forbidden: (input) => inPackage('@aws-sdk/client-bedrock-runtime')(input) || inPackage('@aws-sdk/client-bedrock-agent-runtime')(input),
    what: '@aws-sdk/client-bedrock-*',
    why: 'only the runner calls agents',
  },
  {
    applies: (spec) => (spec.role === 'api' && !spec.access.secrets && !spec.access.cursorKey && !spec.access.signingSecret) || spec.role === 'sweeper',
    forbidden: inPackage('@aws-sdk/client-secrets-manager'),
    what: '@aws-sdk/client-secrets-manager',
    why: 'only the secret routes, the list routes (cursor key), the agent callback route (signing secret), the authorizer (admin key) and the runner (agent secrets) reach Secrets Manager',
  },
  {
    applies: () => true,
    forbidden: (input) => input.startsWith('local/'),
    what: 'local/',
    why: 'the local server never ships to Lambda',
  },
];

/** Soft findings: code a function carries without using it; reported, not failed on. */
export const UNUSED_CODE_CHECKS: readonly Rule[] = [
  {
    applies: (spec) => spec.access.table === 'none',
    forbidden: inPackage('@aws-sdk/client-dynamodb'),
    what: '@aws-sdk/client-dynamodb',
    why: 'its route reads no table',
  },
  {
    applies: (spec) => spec.name === 'get-health',
    forbidden: inPackage('zod'),
    what: 'zod',
    why: 'the health check validates nothing',
  },
];

export interface BundleFinding {
  function: string;
  module: string;
  why: string;
  /** How the entry point reaches it: entry → … → first file of the module. */
  importChain: string[];
}

/** The shortest import path from the entry point to the first input matching `target`. */
export function importChain(metafile: Metafile, entry: string, target: (input: string) => boolean): string[] {
  const previous = new Map<string, string | null>([[entry, null]]);
  const queue = [entry];
  while (queue.length > 0) {
    const current = queue.shift()!;
    if (target(current)) {
      const chain: string[] = [];
      for (let node: string | null | undefined = current; node; node = previous.get(node)) chain.unshift(node);
      return chain;
    }
    for (const { path } of metafile.inputs[current]?.imports ?? []) {
      if (previous.has(path) || !(path in metafile.inputs)) continue;
      previous.set(path, current);
      queue.push(path);
    }
  }
  return [];
}

function check(rules: readonly Rule[], spec: FunctionSpec, metafile: Metafile): BundleFinding[] {
  const entry = `functions/${spec.name}/handler.ts`;
  // What the bundle really contains: modules esbuild imported but tree-shook away contribute 0 bytes and do not count.
  const output = Object.entries(metafile.outputs).find(([file]) => file.endsWith('.mjs'))?.[1];
  const inputs = Object.entries(output?.inputs ?? {})
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([file]) => file);
  return rules
    .filter((rule) => rule.applies(spec) && inputs.some(rule.forbidden))
    .map((rule) => ({ function: spec.name, module: rule.what, why: rule.why, importChain: importChain(metafile, entry, rule.forbidden) }));
}

/** Rule violations of one bundle (empty when it is clean). */
export const bundleViolations = (spec: FunctionSpec, metafile: Metafile): BundleFinding[] => check(BUNDLE_RULES, spec, metafile);
export const unusedCode = (spec: FunctionSpec, metafile: Metafile): BundleFinding[] => check(UNUSED_CODE_CHECKS, spec, metafile);

/** Bundles one function the way the stack does, plus a metafile. */
export async function bundleFunction(spec: FunctionSpec, outdir: string): Promise<{ file: string; bytes: number; mapBytes: number; metafile: Metafile }> {
  const file = join(outdir, spec.name, 'index.mjs');
  const result = await build({ ...esbuildOptionsFor(spec.name, file), metafile: true });
  return { file, bytes: statSync(file).size, mapBytes: statSync(`${file}.map`).size, metafile: result.metafile };
}

/** Milliseconds a fresh Node process takes to import the bundle (module evaluation included), median of `runs`. */
function coldImportMs(file: string, runs = 3): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(file).href)}); console.log(performance.now() - t);`;
  const samples: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, AWS_REGION: 'us-east-1' } });
    if (child.status !== 0) throw new Error(`Importing ${file} failed: ${child.stderr}`);
    samples.push(Number(child.stdout.trim().split('\n').pop()));
  }
  samples.sort((a, b) => a - b);
  return Number(samples[Math.floor(samples.length / 2)]!.toFixed(1));
}

/** The bare DynamoDB handler (bench/baseline/handler.ts), bundled with the functions' settings: its size and cold import. */
export async function bundleBaseline(outdir: string): Promise<{ file: string; bytes: number }> {
  const file = join(outdir, 'baseline', 'index.mjs');
  await build({ ...esbuildOptionsFor('baseline', file), entryPoints: [join(PROJECT_ROOT, 'bench', 'baseline', 'handler.ts')] });
  return { file, bytes: statSync(file).size };
}

const ratio = (value: number, base: number) => Number((value / base).toFixed(2));

export async function benchBundles(): Promise<Record<string, unknown>> {
  const outdir = mkdtempSync(join(tmpdir(), 'agent-schedules-bundles-'));
  try {
    const built = await bundleBaseline(outdir);
    const baseline = { minifiedBytes: built.bytes, coldImportMs: coldImportMs(built.file) };
    const functions: Record<string, unknown>[] = [];
    const violations: BundleFinding[] = [];
    const unused: BundleFinding[] = [];
    for (const spec of allFunctionSpecs()) {
      const bundle = await bundleFunction(spec, outdir);
      violations.push(...bundleViolations(spec, bundle.metafile));
      unused.push(...unusedCode(spec, bundle.metafile));
      functions.push({
        function: spec.name,
        role: spec.role,
        minifiedBytes: bundle.bytes,
        sourceMapBytes: bundle.mapBytes,
        coldImportMs: coldImportMs(bundle.file),
      });
      const entry = functions[functions.length - 1]!;
      entry.sizeOverBaseline = ratio(bundle.bytes, baseline.minifiedBytes);
      entry.importOverBaseline = ratio(entry.coldImportMs as number, baseline.coldImportMs);
    }
    if (violations.length > 0) {
      throw new Error(
        `Bundles carry code their function may not use:\n${violations.map((v) => `  ${v.function}: ${v.module} (${v.why}) via ${v.importChain.join(' → ')}`).join('\n')}`,
      );
    }
    const bytes = functions.map((entry) => entry.minifiedBytes as number);
    const api = functions.filter((entry) => entry.role === 'api');
    const within = (field: string) => api.filter((entry) => (entry[field] as number) <= 1.3).length;
    return {
      // The cost issue's goal: every API bundle ≤ 1.3× the bare handler's size and cold import.
      baseline,
      apiWithin1_3x: { functions: api.length, size: within('sizeOverBaseline'), coldImport: within('importOverBaseline') },
      note: "minifiedBytes: the index.mjs Lambda runs (the .map beside it is only read for stack traces); coldImportMs: median of 3 fresh processes importing it, on this machine's Node (Lambda runs Node 24).",
      functions,
      totals: {
        functions: functions.length,
        minifiedBytes: bytes.reduce((sum, value) => sum + value, 0),
        largestBytes: Math.max(...bytes),
        smallestBytes: Math.min(...bytes),
      },
      unusedCode: unused,
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
