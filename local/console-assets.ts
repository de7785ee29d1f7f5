// The web console at /console on the local server: built with Vite when missing or older than its sources, served
// with long-lived caching for hashed assets, no-cache for index.html, and a strict Content-Security-Policy.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const CONSOLE_SOURCE = join(ROOT, 'console');
export const CONSOLE_DIST = join(CONSOLE_SOURCE, 'dist');
export const CONSOLE_PATH = '/console';

/** Every answer of the console: only this origin may run scripts, style, connect or frame it. */
export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

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

/** Answers GET /console[/…]: index.html for the app's own paths, the hashed file for /console/assets/…. */
export function serveConsole(pathname: string, response: ServerResponse, extraHeaders: Record<string, string> = {}): void {
  const relative = pathname.slice(CONSOLE_PATH.length).replace(/^\/+/, '');
  const isAsset = relative.startsWith('assets/');
  const file = resolve(CONSOLE_DIST, isAsset ? relative : 'index.html');
  const headers = { ...CONSOLE_HEADERS, ...extraHeaders };
  if (!file.startsWith(CONSOLE_DIST + sep) || !existsSync(file) || !statSync(file).isFile()) {
    response.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
    response.end(existsSync(CONSOLE_DIST) ? 'Not found.' : 'The console is not built: restart npm start, which builds it.');
    return;
  }
  response.writeHead(200, {
    ...headers,
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    // Hashed names change with their content: cache them for a year. index.html names them: never cache it.
    'cache-control': isAsset ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  response.end(readFileSync(file));
}

export const isConsoleRequest = (method: string, pathname: string): boolean =>
  (method === 'GET' || method === 'HEAD') && (pathname === CONSOLE_PATH || pathname.startsWith(`${CONSOLE_PATH}/`));
