// How every function is bundled: one esbuild configuration, read by the CDK function construct and by the bundle benchmark.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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
