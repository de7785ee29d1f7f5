// How every function is bundled: one esbuild configuration, read by the CDK function construct and by the bundle benchmark.
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { CONSOLE_FUNCTION, copyConsoleInto } from './console-build.ts';
import type { BuildOptions } from 'esbuild';

/** The checkout's root (package.json, package-lock.json, functions/, shared/). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Node 24 on Lambda; esbuild lowers nothing the runtime already has. */
export const NODE_TARGET = 'node24';

/**
 * ESM output still meets CommonJS dependencies (middy's body parser, parts of the AWS SDK) that call `require`;
 * ESM has no `require`, so the bundle defines one.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __agentSchedulesCreateRequire } from 'node:module'; const require = __agentSchedulesCreateRequire(import.meta.url);";

/**
 * The bundle settings. Nothing is external: the AWS SDK is bundled so its version is the one package-lock.json pins,
 * not whatever the Lambda runtime happens to ship. Source maps without sources keep stack traces readable and assets small.
 */
export const BUNDLE_SETTINGS = {
  format: 'esm',
  target: NODE_TARGET,
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  external: [] as string[],
} as const;

/** A function folder's entry point. */
export function entryFor(functionFolder: string): string {
  return join(PROJECT_ROOT, 'functions', functionFolder, 'handler.ts');
}

/** The same settings as esbuild's JS API options, for tools that bundle outside CDK (the bundle benchmark and tests). */
export function esbuildOptionsFor(functionFolder: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entryFor(functionFolder)],
    outfile,
    bundle: true,
    platform: 'node',
    format: BUNDLE_SETTINGS.format,
    target: BUNDLE_SETTINGS.target,
    minify: BUNDLE_SETTINGS.minify,
    sourcemap: BUNDLE_SETTINGS.sourceMap,
    sourcesContent: BUNDLE_SETTINGS.sourcesContent,
    mainFields: [...BUNDLE_SETTINGS.mainFields],
    banner: { js: BUNDLE_SETTINGS.banner },
    external: [...BUNDLE_SETTINGS.external],
    absWorkingDir: PROJECT_ROOT,
    logLevel: 'silent',
  };
}

/** Bundles one function folder into `outdir/index.mjs` (and its source map), with exactly the settings above. */
export async function bundleFunction(functionFolder: string, outdir: string): Promise<void> {
  const { build } = await import('esbuild');
  await build(esbuildOptionsFor(functionFolder, join(outdir, 'index.mjs')));
}

/** The handler of every function: `export const handler` in the bundle's index.mjs. */
export const FUNCTION_HANDLER = 'index.handler';

/**
 * Set (by esbuild's `define`) only in the package build's compiled construct: the Lambda bundles were prebuilt into
 * `bundles/` beside it, so an installed package needs neither esbuild, Docker nor this project's lockfile.
 */
declare const __AGENT_SCHEDULES_PREBUILT__: boolean | undefined;

/** True in the compiled construct of an installed package (its bundles are prebuilt beside it). */
export const PREBUILT = typeof __AGENT_SCHEDULES_PREBUILT__ !== 'undefined' && __AGENT_SCHEDULES_PREBUILT__;

/**
 * A function's code asset. In an installed package: the prebuilt bundle folder. In a checkout: the current source,
 * bundled by esbuild in-process at synth (CDK's local bundling, so `aws:cdk:bundling-stacks` can skip it, and the
 * asset hash is the output's, so a change anywhere in shared/ is deployed).
 */
export function functionCode(functionFolder: string): Code {
  if (PREBUILT) return Code.fromAsset(fileURLToPath(new URL(`./bundles/${functionFolder}/`, import.meta.url)));
  return Code.fromAsset(join(PROJECT_ROOT, 'functions', functionFolder), {
    assetHashType: AssetHashType.OUTPUT,
    bundling: {
      // Never pulled: local bundling below always succeeds (esbuild is a dev dependency of this checkout).
      image: DockerImage.fromRegistry('public.ecr.aws/sam/build-nodejs24.x'),
      local: {
        tryBundle(outputDir: string): boolean {
          // Loaded only here, never by an installed package. Synchronous: constructs are built synchronously.
          const esbuild = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
          esbuild.buildSync(esbuildOptionsFor(functionFolder, join(outputDir, 'index.mjs')));
          // The console's function serves the built console from beside its bundle.
          if (functionFolder === CONSOLE_FUNCTION) copyConsoleInto(outputDir);
          return true;
        },
      },
    },
  });
}
