// The console's answers (GET /console, /console/assets/{file}) through the real handler and file adapter on a temp
// folder, as on AWS: headers, caching, 404s, and no way out of the folder.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '#shared/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'agent-schedules-console-'));
let handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

const get = (path: string, file?: string) =>
  handler(
    {
      routeKey: `GET ${file === undefined ? '/console' : '/console/assets/{file}'}`,
      rawPath: path,
      headers: {},
      pathParameters: file === undefined ? undefined : { file },
      requestContext: { requestId: 'req-1', http: { method: 'GET', path } },
    } as unknown as APIGatewayProxyEventV2,
    { awsRequestId: 'aws-1', functionName: 'get-console' } as Context,
  );

beforeAll(async () => {
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="/console/assets/index-abc123.js"></script>');
  writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'not served');
  process.env[ENV.consoleAssetsDir] = dir;
  handler = (await import('../../../functions/get-console/handler.ts')).handler as typeof handler;
});

afterAll(() => {
  delete process.env[ENV.consoleAssetsDir];
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /console', () => {
  it('answers index.html uncached, with a strict CSP, no framing, nosniff and the request id', async () => {
    const answer = await get('/console');
    expect(answer.statusCode).toBe(200);
    expect(answer.body).toContain('index-abc123.js');
    expect(answer.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'x-request-id': 'req-1',
    });
    const csp = String(answer.headers!['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
  });

  it('answers a hashed asset with a year of caching and its type', async () => {
    const answer = await get('/console/assets/index-abc123.js', 'index-abc123.js');
    expect(answer).toMatchObject({ statusCode: 200, body: 'console.log(1)' });
    expect(answer.headers).toMatchObject({ 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=31536000, immutable' });
  });

  it('answers 404 in the API error envelope for a missing asset and for any name that is not a plain asset file', async () => {
    const missing = await get('/console/assets/nope.js', 'nope.js');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers!['content-type']).toBe('application/json');
    expect(JSON.parse(missing.body!)).toMatchObject({ error: { code: 'not_found', message: 'No console file "nope.js".' } });
    for (const name of ['../secret.txt', '..%2Fsecret.txt', 'secret.txt', '..', 'index.html']) {
      expect((await get(`/console/assets/${name}`, name)).statusCode, name).toBe(404);
    }
  });
});
