// The guarded HTTP POST shared by the http and openai adapters: SSRF-vetted, pinned to the vetted address, abortable, size-capped.
import { request as httpRequest, type IncomingHttpHeaders, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { AgentError } from '../../ports/agent-runner.ts';
import { isRetryableStatus } from '../../domain/agent-outcome.ts';
import { redact, timeoutError } from './common.ts';
import { pinnedLookup, vetTarget, type TargetGuardOptions } from './target-guard.ts';

/** Agent answers above this size are refused (the run keeps 64 KiB of output anyway). */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface PostOptions {
  url: URL;
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
  guard: TargetGuardOptions;
  /** Values never to put in an error message (the bearer token). */
  secrets?: readonly string[];
  maxResponseBytes?: number;
}

function networkError(error: NodeJS.ErrnoException, url: URL, secrets: readonly string[]): AgentError {
  const code = error.code !== undefined && !error.message.includes(error.code) ? ` (${error.code})` : '';
  return new AgentError('network', redact(`Could not reach the agent at ${url.origin}: ${error.message}${code}`, secrets), { cause: error });
}

/** True for application/json and any +json media type. */
export function isJsonContentType(headers: IncomingHttpHeaders): boolean {
  const type = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || type.endsWith('+json');
}

/** "Agent answered HTTP 500: <first 200 characters of the body>", secrets redacted. */
export function statusError(answer: HttpAnswer, secrets: readonly string[] = []): AgentError {
  const excerpt = redact(answer.body, secrets).slice(0, 200).trim();
  return new AgentError('http_status', `Agent answered HTTP ${answer.status}${excerpt === '' ? '' : `: ${excerpt}`}`, {
    retryable: isRetryableStatus(answer.status),
  });
}

/** POSTs the body to the URL after the SSRF guard vetted its host; the connection only ever uses the vetted addresses. */
export async function guardedPost(options: PostOptions): Promise<HttpAnswer> {
  const { url, signal } = options;
  const secrets = options.secrets ?? [];
  const limit = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  if (signal.aborted) throw timeoutError(signal.reason);
  // Credentials in a URL would be sent as basic auth and shown wherever the URL is: refused, as at save time.
  if (url.username !== '' || url.password !== '')
    throw new AgentError('forbidden_target', 'Agent URLs may not carry credentials (user:password@); use secretRef.');
  const vetted = await vetTarget(url, options.guard);
  if (signal.aborted) throw timeoutError(signal.reason);

  const body = Buffer.from(options.body, 'utf8');
  const requestOptions: RequestOptions = {
    method: 'POST',
    headers: { ...options.headers, 'content-length': String(body.length) },
    signal,
    // A fresh connection per call: no pooled socket outlives the vetting, and an abort closes exactly this call's socket.
    agent: false,
  };
  if (vetted !== null) requestOptions.lookup = pinnedLookup(vetted);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;

  return new Promise<HttpAnswer>((resolve, reject) => {
    let settled = false;
    const fail = (error: AgentError): void => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    const onError = (error: NodeJS.ErrnoException): void => {
      fail(signal.aborted ? timeoutError(error) : networkError(error, url, secrets));
    };
    let req: ReturnType<typeof httpRequest>;
    try {
      req = send(url, requestOptions, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > limit) {
            fail(new AgentError('invalid_response', `The agent's answer is larger than ${Math.round(limit / 1024 / 1024)} MiB.`));
            req.destroy();
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', onError);
        res.on('close', () => {
          if (!res.complete) onError(Object.assign(new Error('the connection closed before the answer was complete'), { code: 'ECONNRESET' }));
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        });
      });
    } catch (error) {
      // Invalid header names or values are refused synchronously; Node's message names the header, never its value.
      const message = error instanceof Error ? error.message : String(error);
      fail(new AgentError('agent_error', redact(`Could not send the request to the agent: ${message}`, secrets), { cause: error }));
      return;
    }
    req.on('error', onError);
    req.end(body);
  });
}
