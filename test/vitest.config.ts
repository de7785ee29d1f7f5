// Test runner configuration: every kind of test under test/, run by `npm test`.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The project root, so paths below read from there although this file lives in test/.
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['test/**/*.test.ts'],
    // The package test packs and installs for minutes: `npm run test:package` (test/vitest.package.config.ts).
    exclude: ['test/package/**', 'node_modules/**'],
    globalSetup: ['test/integration/global-setup.ts'],
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'ERROR' },
    testTimeout: 20_000,
    hookTimeout: 120_000,
  },
});
