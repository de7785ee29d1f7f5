// Right-sized memory: every function gets its role's default MemorySize (DEFAULT_MEMORY_MB, chosen with
// `npm run bench -- memory`), the `memory` prop (construct prop or cdk.json context) overrides it per role, and a value
// Lambda would refuse fails synth with an error that names it.
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MEMORY_MB } from '#infra/constructs/agent-function.ts';
import { allFunctionSpecs } from '#infra/functions.ts';
import { AgentSchedules } from '#infra/index.ts';
import type { FunctionMemory } from '#infra/props.ts';
import { ENV, type FunctionRole } from '#shared/config.ts';
import { functionsByFolder, synthDeployment, testApp, type Resources } from './support.ts';

const ROLE_OF = new Map(allFunctionSpecs().map((spec) => [spec.name, spec.role]));

/** MemorySize and RUNNER_MEMORY_MB (where set) of every function, by folder. */
function memoryOf(resources: Resources): Map<string, { memorySize: number; runnerMemoryEnv: string | undefined; role: FunctionRole }> {
  return new Map(
    [...functionsByFolder(resources)].map(([folder, fn]) => [
      folder,
      {
        memorySize: fn.properties.MemorySize as number,
        runnerMemoryEnv: (fn.properties.Environment?.Variables as Record<string, string> | undefined)?.[ENV.runnerMemory],
        role: ROLE_OF.get(folder)!,
      },
    ]),
  );
}

const embedded = (memory: FunctionMemory) => {
  const stack = new Stack(testApp(), 'Platform');
  new AgentSchedules(stack, 'Scheduling', { memory });
  return Template.fromStack(stack).toJSON().Resources as Resources;
};

let defaults: ReturnType<typeof memoryOf>;
let fromProp: ReturnType<typeof memoryOf>;
let fromContext: ReturnType<typeof memoryOf>;

beforeAll(() => {
  defaults = memoryOf(synthDeployment({ stage: 'test' }).templates.service.toJSON().Resources as Resources);
  fromProp = memoryOf(embedded({ api: 1536, runner: 512 }));
  fromContext = memoryOf(synthDeployment({ stage: 'test', memory: { authorizer: 256, notifier: 128 } }).templates.service.toJSON().Resources as Resources);
});

describe('function memory', () => {
  it('defaults to what the memory bench chose, per function role', () => {
    // README › Benchmarks › Memory: API functions and the authorizer are CPU-bound (1024 MB is the best of the sizes
    // measured); the runner waits for its agent (256 MB: its worst case fits with a quarter to spare). The sweeper and the notifier were not measured.
    expect(DEFAULT_MEMORY_MB).toEqual({ api: 1024, authorizer: 1024, runner: 256, sweeper: 512, notifier: 512 });
    expect(defaults.size).toBe(allFunctionSpecs().length);
    for (const [folder, { memorySize, role }] of defaults) expect(memorySize, folder).toBe(DEFAULT_MEMORY_MB[role]);
    expect(defaults.get('runner')!.memorySize).toBe(256);
    expect(defaults.get('get-schedule')!.memorySize).toBe(1024);
    expect(defaults.get('authorize')!.memorySize).toBe(1024);
  });

  it('lets the memory prop set a role and leaves the others at their defaults', () => {
    for (const [folder, { memorySize, role }] of fromProp) {
      const expected = role === 'api' ? 1536 : role === 'runner' ? 512 : DEFAULT_MEMORY_MB[role];
      expect(memorySize, folder).toBe(expected);
    }
  });

  it('reads the memory prop from the cdk.json context', () => {
    for (const [folder, { memorySize, role }] of fromContext) {
      const expected = role === 'authorizer' ? 256 : role === 'notifier' ? 128 : DEFAULT_MEMORY_MB[role];
      expect(memorySize, folder).toBe(expected);
    }
  });

  it("tells the functions that start batch items the runner's memory (a batch's compute)", () => {
    for (const [memory, runnerMb] of [
      [defaults, DEFAULT_MEMORY_MB.runner],
      [fromProp, 512],
    ] as const) {
      const told = [...memory.values()].map((fn) => fn.runnerMemoryEnv).filter((value) => value !== undefined);
      expect(told.length).toBeGreaterThan(1);
      expect(new Set(told)).toEqual(new Set([String(runnerMb)]));
    }
  });

  it('refuses memory sizes Lambda refuses, and roles that do not exist, naming them', () => {
    const cases: [FunctionMemory, RegExp][] = [
      [{ api: 64 }, /memory\.api must be a whole number of MB from 128 to 10240 \(Lambda's range\); got 64\./],
      [{ runner: 10_241 }, /memory\.runner must be a whole number of MB from 128 to 10240/],
      [{ authorizer: 256.5 }, /memory\.authorizer must be a whole number of MB/],
      [{ sweeper: Number.NaN }, /memory\.sweeper must be a whole number of MB/],
      [{ worker: 512 } as FunctionMemory, /memory has no role worker; the roles are api, authorizer, runner, sweeper, notifier\./],
    ];
    for (const [memory, message] of cases) {
      expect(() => embedded(memory)).toThrow(message);
      expect(() => synthDeployment({ stage: 'test', memory })).toThrow(message);
    }
  });
});
