// The Lambda bundles, built with the stack's own esbuild settings: each carries only the AWS clients its access allows.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleBaseline, bundleFunction, bundleViolations } from '../../bench/bundles.ts';
import { allFunctionSpecs, type FunctionSpec } from '#infra/functions.ts';

/**
 * One of each kind: public, read-only, Scheduler-writing, runner-invoking, the authorizer and the runner; a batch
 * route and cancel-run, which may end a schedule's batch run without Scheduler access, and the sweeper.
 */
const REPRESENTATIVES = [
  'get-health',
  'text-to-cron',
  'list-schedules',
  'create-schedule',
  'trigger-schedule',
  'authorize',
  'runner',
  'cancel-batch',
  'cancel-run',
  'sweep-runs',
];

/**
 * The most an API bundle may weigh against a bare handler that only uses the DynamoDB document client, bundled with
 * the same settings in the same run. The cost issue's goal is 1.3×; today the schedule routes carry croner, cronstrue
 * and the expression code on top (README › Benchmarks › Bundles), so this holds the line where it is: zod classic or
 * an unused AWS client coming back (+1.2× and +0.1–0.3×) fails it.
 */
const API_BUNDLE_SIZE_LIMIT = 2.0;

const outdir = mkdtempSync(join(tmpdir(), 'agent-schedules-bundle-test-'));
let baselineBytes = 0;
const bundles = new Map<string, { spec: FunctionSpec; inputs: string[]; violations: ReturnType<typeof bundleViolations>; bytes: number }>();
const has = (name: string, pkg: string) => bundles.get(name)!.inputs.some((input) => input.includes(`node_modules/${pkg}/`));

beforeAll(async () => {
  baselineBytes = (await bundleBaseline(outdir)).bytes;
  const specs = allFunctionSpecs().filter((spec) => REPRESENTATIVES.includes(spec.name));
  await Promise.all(
    specs.map(async (spec) => {
      const bundle = await bundleFunction(spec, outdir);
      const output = Object.entries(bundle.metafile.outputs).find(([file]) => file.endsWith('.mjs'))![1];
      bundles.set(spec.name, {
        spec,
        inputs: Object.entries(output.inputs)
          .filter(([, input]) => input.bytesInOutput > 0)
          .map(([file]) => file),
        violations: bundleViolations(spec, bundle.metafile),
        bytes: bundle.bytes,
      });
    }),
  );
}, 60_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('function bundles', () => {
  it('keep every representative handler free of clients and code its route may not use', () => {
    expect(bundles.size).toBe(REPRESENTATIVES.length);
    for (const [name, bundle] of bundles) expect(bundle.violations, name).toEqual([]);
  });

  it('leave the Scheduler client out of handlers without Scheduler access and keep it where schedules are written', () => {
    expect(has('list-schedules', '@aws-sdk/client-scheduler')).toBe(false);
    expect(has('trigger-schedule', '@aws-sdk/client-scheduler')).toBe(false);
    expect(has('authorize', '@aws-sdk/client-scheduler')).toBe(false);
    expect(has('create-schedule', '@aws-sdk/client-scheduler')).toBe(true);
  });

  it('leave the Lambda client to the trigger route and the runner', () => {
    expect(has('create-schedule', '@aws-sdk/client-lambda')).toBe(false);
    expect(has('list-schedules', '@aws-sdk/client-lambda')).toBe(false);
    expect(has('trigger-schedule', '@aws-sdk/client-lambda')).toBe(true);
  });

  it('leave the Bedrock clients and the local server to nobody but the runner, which gets Bedrock only', () => {
    for (const [name, bundle] of bundles) {
      expect(
        bundle.inputs.filter((input) => input.startsWith('local/')),
        name,
      ).toEqual([]);
      if (name === 'runner') continue;
      expect(has(name, '@aws-sdk/client-bedrock-runtime'), name).toBe(false);
      expect(has(name, '@aws-sdk/client-bedrock-agent-runtime'), name).toBe(false);
    }
    expect(has('runner', '@aws-sdk/client-bedrock-runtime')).toBe(true);
  });

  it('leave the DynamoDB client out of routes that read no table, and zod out of /health and the authorizer', () => {
    expect(has('text-to-cron', '@aws-sdk/client-dynamodb')).toBe(false);
    // /health reads one key to say whether storage answers.
    expect(has('get-health', '@aws-sdk/client-dynamodb')).toBe(true);
    expect(has('get-health', 'zod')).toBe(false);
    expect(has('authorize', 'zod')).toBe(false);
    expect(has('list-schedules', 'zod')).toBe(true);
  });

  it("bundle the AWS SDK rather than rely on the runtime copy, and stay well under Lambda's limits", () => {
    expect(has('list-schedules', '@aws-sdk/client-dynamodb')).toBe(true);
    for (const [name, bundle] of bundles) expect(bundle.bytes, name).toBeLessThan(5 * 1024 * 1024);
  });

  it(`keep every API bundle within ${API_BUNDLE_SIZE_LIMIT}× the bare DynamoDB handler built in this run, with zod/mini only`, () => {
    expect(baselineBytes).toBeGreaterThan(100_000);
    for (const [name, bundle] of bundles) {
      // zod classic's methods live on prototypes esbuild cannot shake off: ≈ 440 KB in every bundle that imports it.
      expect(
        bundle.inputs.filter((input) => input.includes('node_modules/zod/v4/classic/')),
        name,
      ).toEqual([]);
      // The API path only: routes and the authorizer (the runner and the sweeper answer no request).
      if (bundle.spec.role !== 'api' && bundle.spec.role !== 'authorizer') continue;
      expect(bundle.bytes / baselineBytes, name).toBeLessThanOrEqual(API_BUNDLE_SIZE_LIMIT);
    }
    // The route that reads one key and validates nothing stays close to the bare handler.
    expect(bundles.get('get-health')!.bytes / baselineBytes).toBeLessThanOrEqual(1.3);
  });

  it('detect a forbidden client when one is there', () => {
    const runnerAsApi = { ...bundles.get('runner')!.spec, role: 'api' as const };
    const fakeMetafile = {
      inputs: {},
      outputs: {
        'x/index.mjs': { bytes: 0, inputs: { 'node_modules/@aws-sdk/client-lambda/dist-es/index.js': { bytesInOutput: 1 } }, imports: [], exports: [] },
      },
    };
    expect(
      bundleViolations({ ...runnerAsApi, access: { ...runnerAsApi.access, invokeRunner: false } }, fakeMetafile as never).map((finding) => finding.module),
    ).toContain('@aws-sdk/client-lambda');
  });
});
