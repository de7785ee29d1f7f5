// GET /console and /console/assets/{file}: the web console's answers — index.html never cached, hashed assets cached
// for a year — each with a strict Content-Security-Policy, locally and on AWS alike.
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** Only this origin may run scripts, style, connect or frame it; nothing is loaded from another host. */
export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  json: 'application/json',
};

/** Reads one built file by its name under the console's folder (index.html, assets/…); undefined when there is none. */
export type ConsoleFiles = (name: string) => Promise<string | undefined>;

/** A hashed asset's name as Vite writes it: one segment, no path tricks. */
const ASSET = /^[\w.-]+\.(js|css|svg|json)$/;

export async function consoleAnswer(files: ConsoleFiles, asset: string | undefined): Promise<APIGatewayProxyStructuredResultV2> {
  const name = asset === undefined ? 'index.html' : ASSET.test(asset) && !asset.includes('..') ? `assets/${asset}` : undefined;
  const body = name === undefined ? undefined : await files(name);
  if (body === undefined) {
    // In the API's own error envelope, like every other 4xx.
    const error =
      asset === undefined
        ? {
            code: 'not_found',
            message: 'The console is not built into this deployment.',
            details: { hint: 'Deploy from the package, or synth from a checkout (either builds it).' },
          }
        : { code: 'not_found', message: `No console file "${asset.slice(0, 100)}".`, details: { hint: 'Open /console: it names its current files.' } };
    return { statusCode: 404, headers: { ...CONSOLE_HEADERS, 'content-type': 'application/json' }, body: JSON.stringify({ error }) };
  }
  const extension = name!.slice(name!.lastIndexOf('.') + 1);
  return {
    statusCode: 200,
    headers: {
      ...CONSOLE_HEADERS,
      'content-type': TYPES[extension] ?? 'application/octet-stream',
      // Hashed names change with their content: cache them for a year. index.html names them: never cache it.
      'cache-control': asset === undefined ? 'no-cache' : 'public, max-age=31536000, immutable',
    },
    body,
  };
}
