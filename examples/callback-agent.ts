// An example long-running agent for agent-schedules: it checks the service's signature, answers 202 Accepted at once
// (the runner returns: no Lambda time is billed while it works), does the work, then POSTs the result to the run's
// callbackUrl with `Authorization: Bearer <callbackToken>`. Start it with
//   AGENT_SIGNING_SECRET=<the deployment's signing secret> PORT=8787 npx tsx examples/callback-agent.ts
// and point an http agent at http://<host>:8787/. The work below is a stand-in: replace `work`.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { SIGNATURE_HEADER, verifySignature, type RunRequest } from '../agent/index.ts';

/** What the service POSTs to an http agent (README › Agents), with the callback when the deployment offers one. */
export type RunPayload = RunRequest;

export interface CallbackAgentOptions {
  /** The deployment's signing secret: requests not signed with it are refused (401). */
  signingSecret: string;
  /** The long work; its text is the run's output, and a throw ends the run failed with its message. */
  work: (payload: RunPayload) => Promise<string>;
  port?: number;
  /** Told how the service answered each callback (200 recorded; 409 the run had ended or its deadline passed). */
  onCallback?: (runId: string, answer: { status: number; body: string }) => void;
}

/** POSTs the result, retrying network errors and 5xx a few times; 4xx answers are final (401 token, 409 ended). */
async function callBack(payload: RunPayload, result: Record<string, unknown>): Promise<{ status: number; body: string }> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const response = await fetch(payload.callbackUrl!, {
        method: 'POST',
        headers: { authorization: `Bearer ${payload.callbackToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(result),
      });
      const answer = { status: response.status, body: await response.text() };
      if (response.status < 500 || attempt >= 4) return answer;
    } catch (error) {
      if (attempt >= 4) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000 * 2 ** attempt));
  }
}

async function finish(options: CallbackAgentOptions, payload: RunPayload): Promise<void> {
  let result: Record<string, unknown>;
  try {
    result = { status: 'succeeded', output: await options.work(payload) };
  } catch (error) {
    result = { status: 'failed', error: { message: error instanceof Error ? error.message : String(error) } };
  }
  const answer = await callBack(payload, result);
  options.onCallback?.(payload.runId, answer);
}

export async function startCallbackAgent(options: CallbackAgentOptions): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      if (!verifySignature(request.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined, body, options.signingSecret)) {
        response.writeHead(401).end('bad signature');
        return;
      }
      const payload = JSON.parse(body.toString('utf8')) as RunPayload;
      if (!payload.callbackUrl || !payload.callbackToken) {
        // No callback offered (the deployment has no PUBLIC_BASE_URL): this agent cannot work asynchronously.
        response.writeHead(501, { 'content-type': 'text/plain' }).end('This agent needs a callbackUrl.');
        return;
      }
      response.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: payload.runId }));
      finish(options, payload).catch((error: unknown) => console.error(`callback for ${payload.runId} failed:`, error));
    });
  });
  await new Promise<void>((ready) => server.listen(options.port ?? 0, ready));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    server,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const signingSecret = process.env.AGENT_SIGNING_SECRET;
  if (!signingSecret) throw new Error('Set AGENT_SIGNING_SECRET to the deployment’s signing secret.');
  const agent = await startCallbackAgent({
    signingSecret,
    port: Number(process.env.PORT ?? 8787),
    // Stand-in work: a minute of "thinking". Anything up to the schedule's timeoutSeconds (24 h at most) is fine.
    work: async (payload) => {
      await new Promise((resolve) => setTimeout(resolve, 60_000));
      return `Done: ${payload.task}`;
    },
    onCallback: (runId, answer) => console.log(`${runId}: the service answered ${answer.status}`),
  });
  console.log(`callback agent listening at ${agent.url}`);
}
