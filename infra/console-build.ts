// The web console's build (Vite: console/ → console/dist/), made when missing or older than its sources: by the local
// server (which serves it from there), by a synth from source and by the package build (which copy it beside the
// get-console function's bundle).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const CONSOLE_SOURCE = join(ROOT, 'console');
export const CONSOLE_DIST = join(CONSOLE_SOURCE, 'dist');

function newestIn(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path)
    .filter((name) => name !== 'dist' && name !== 'node_modules')
    .reduce((newest, name) => Math.max(newest, newestIn(join(path, name))), stat.mtimeMs);
}

/** True when console/dist is missing or older than the console's sources or the SDK it uses. */
export function consoleIsStale(): boolean {
  const built = join(CONSOLE_DIST, 'index.html');
  if (!existsSync(built)) return true;
  return Math.max(newestIn(CONSOLE_SOURCE), newestIn(join(ROOT, 'client'))) > statSync(built).mtimeMs;
}

/** Builds the console with Vite (a dev dependency of this checkout) when it is stale; answers whether it built. */
export async function ensureConsoleBuilt(log: (line: string) => void = () => undefined): Promise<boolean> {
  if (!consoleIsStale()) return false;
  log('local server: building the console (console/ → console/dist)…');
  const { build } = await import('vite');
  await build({ configFile: join(CONSOLE_SOURCE, 'vite.config.ts'), logLevel: 'warn' });
  return true;
}

/** The same, synchronously (constructs are built synchronously): Vite in a child process. */
export function ensureConsoleBuiltSync(): void {
  if (!consoleIsStale()) return;
  const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const built = spawnSync(process.execPath, [vite, 'build', '--config', join(CONSOLE_SOURCE, 'vite.config.ts'), '--logLevel', 'warn'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (built.status !== 0) throw new Error(`Building the console failed: ${built.stderr || built.stdout}`);
}

/** The function that serves the console, and where its files go beside the bundle. */
export const CONSOLE_FUNCTION = 'get-console';

/** Copies the built console into a function bundle's folder (as console/), building it first when needed. */
export function copyConsoleInto(bundleDir: string): void {
  ensureConsoleBuiltSync();
  cpSync(CONSOLE_DIST, join(bundleDir, 'console'), { recursive: true });
}
