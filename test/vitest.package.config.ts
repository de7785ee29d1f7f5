// The package test (`npm run test:package`, run by .ci/run after `npm test`): pack the project and consume the tarball
// from fresh CDK apps. Separate from `npm test`: it builds, installs from the npm registry and synthesizes for minutes.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['test/package/**/*.test.ts'],
    // One app at a time: each install and synth uses the whole machine.
    fileParallelism: false,
    sequence: { concurrent: false },
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 900_000,
    hookTimeout: 1_800_000,
  },
});
