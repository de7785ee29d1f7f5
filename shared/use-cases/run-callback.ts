// Long-running agents: an http agent that answers 202 Accepted finishes its run later through a per-run callback URL,
// authenticated by a token derived from the run (no token is stored); the run waits, with no runner time spent, until
// the callback or its deadline (startedAt + timeoutSeconds, up to 24 h), after which the service ends it timed_out.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AgentErrorKind, AgentUsage } from '../domain/agent-outcome.ts';
import { DomainError, NotFoundError, RunFinishedError } from '../domain/errors.ts';
import { capOutput, isFinal, type Run } from '../domain/run.ts';
import type { Schedule } from '../domain/schedule.ts';
import { formatInstant } from '../expressions/index.ts';
import type { Settings } from '../config.ts';
import type { Clock } from '../ports/clock.ts';
import type { RunRef, RunStore } from '../ports/run-store.ts';
import { endRun, type EndRunDeps } from './run-end.ts';
import { continuationDeps, continueAfterRun } from './backfill.ts';
import type { RunnerDeps } from './runner-deps.ts';
import { batchProgressDeps, type BatchContinuation } from './batches/batch-deps.ts';
import { continueBatchAfterRun } from './batches/batch-progress.ts';

/** The deadline of a one-off run (POST /v1/runs), which has no schedule to say otherwise. */
export const DEFAULT_RUN_TIMEOUT_SECONDS = 300;

/** Where callbacks arrive, under the API's base URL: POST /v1/callbacks/{handle}. */
export const CALLBACK_PATH_PREFIX = '/v1/callbacks/';

export interface RunCallback {
  url: string;
  token: string;
}

/** The one string a run's token signs: the run's whole address, so a token is good for that run and no other. */
function signedText(ref: RunRef): string {
  return `callback\n${ref.tenantId}\n${ref.scheduleId ?? ''}\n${ref.runId}`;
}

const refOf = (run: Pick<Run, 'tenantId' | 'scheduleId' | 'id'>): RunRef => ({ tenantId: run.tenantId, scheduleId: run.scheduleId, runId: run.id });

/** hex HMAC-SHA256 of the run's address, keyed by the deployment's signing secret. */
export function callbackToken(secret: string, ref: RunRef): string {
  return createHmac('sha256', secret).update(signedText(ref)).digest('hex');
}

/** The run's address as one URL segment (base64url of "tenant\nschedule\nrun"); it proves nothing by itself. */
export function callbackHandle(ref: RunRef): string {
  return Buffer.from(`${ref.tenantId}\n${ref.scheduleId ?? ''}\n${ref.runId}`, 'utf8').toString('base64url');
}

/** The run a handle names, or undefined when it is not one this service made. */
export function parseCallbackHandle(handle: string): RunRef | undefined {
  if (!/^[A-Za-z0-9_-]{1,1024}$/.test(handle)) return undefined;
  const parts = Buffer.from(handle, 'base64url').toString('utf8').split('\n');
  if (parts.length !== 3) return undefined;
  const [tenantId, scheduleId, runId] = parts as [string, string, string];
  if (tenantId === '' || runId === '') return undefined;
  return { tenantId, scheduleId: scheduleId === '' ? null : scheduleId, runId };
}

/** What an http agent is given to finish the run later: `<publicBaseUrl>/v1/callbacks/<handle>` and its bearer token. */
export function callbackFor(secret: string, publicBaseUrl: string, run: Pick<Run, 'tenantId' | 'scheduleId' | 'id'>): RunCallback {
  const ref = refOf(run);
  return { url: `${publicBaseUrl.replace(/\/+$/, '')}${CALLBACK_PATH_PREFIX}${callbackHandle(ref)}`, token: callbackToken(secret, ref) };
}

/**
 * The AgentRequest fields that offer the agent a callback (for callAgent's `extra`): none unless the runner has the
 * signing secret and the deployment has PUBLIC_BASE_URL; then an agent that answers 202 is an error (http-agent.ts).
 */
export function callbackRequest(
  deps: { callbackSecret?: string | undefined; settings: Pick<Settings, 'publicBaseUrl'> },
  run: Run,
): { callback?: RunCallback } {
  const base = deps.settings.publicBaseUrl;
  return deps.callbackSecret && base ? { callback: callbackFor(deps.callbackSecret, base, run) } : {};
}

/**
 * The runner calls this when the agent answered 202: the run stays running with `acceptedAt` set, its deadline moves to
 * startedAt + the schedule's timeoutSeconds (a one-off run's: 300 s) — past the Lambda's own limit — and the overlap
 * marker is held until then. 'already_final': it ended meanwhile (cancelled, or an early callback); that record stands.
 */
export async function acceptRun(deps: { runs: RunStore; clock: Clock }, run: Run, schedule: Schedule | null): Promise<Run | 'already_final'> {
  const now = deps.clock.now();
  const timeoutMs = (schedule?.timeoutSeconds ?? DEFAULT_RUN_TIMEOUT_SECONDS) * 1000;
  const startedMs = run.startedAt ? Date.parse(run.startedAt) : now.getTime();
  const deadlineMs = Math.max(startedMs + timeoutMs, run.deadlineAt ? Date.parse(run.deadlineAt) : 0);
  const accepted: Run = { ...run, acceptedAt: formatInstant(now), deadlineAt: formatInstant(new Date(deadlineMs)) };
  return (await deps.runs.markAccepted(accepted)) ? accepted : 'already_final';
}

/** What the agent reports (shared/http/callbacks.ts parses and bounds it). */
export interface CallbackResult {
  status: 'succeeded' | 'failed';
  output?: string;
  error?: { message: string; kind?: AgentErrorKind };
  usage?: AgentUsage;
}

export interface CallbackDeps extends EndRunDeps, Partial<Pick<RunnerDeps, 'backfills' | 'dispatcher'>>, BatchContinuation {
  /** The deployment's signing secret: tokens are checked by deriving them again. */
  callbackSecret: string;
}

/** 401 for every token that is not this run's, whether or not the run exists: a caller without it learns nothing. */
function invalidToken(): DomainError {
  return new DomainError('unauthorized', 'Missing or invalid callback token.', {
    hint: 'Send "Authorization: Bearer <callbackToken>", the callbackToken of the request that carried this callbackUrl.',
  });
}

function sameToken(given: string | undefined, expected: string): boolean {
  if (given === undefined || !/^[0-9a-f]{64}$/i.test(given)) return false;
  return timingSafeEqual(Buffer.from(given.toLowerCase(), 'utf8'), Buffer.from(expected, 'utf8'));
}

/**
 * POST /v1/callbacks/{handle}: ends the run with what its agent reports, written once with its schedule's counters.
 * 401 wrong token; 404 the run is gone (retention); 409 `run_finished` when it already ended (a reused token, a
 * cancel, or the sweeper); 409 `deadline_passed` when the callback came after its deadline — the run then ends timed_out.
 */
export async function completeByCallback(deps: CallbackDeps, handle: string, token: string | undefined, result: CallbackResult): Promise<Run> {
  const ref = parseCallbackHandle(handle);
  if (!ref || !sameToken(token, callbackToken(deps.callbackSecret, ref))) throw invalidToken();
  const run = await deps.runs.get(ref.tenantId, ref.scheduleId, ref.runId);
  if (!run) throw new NotFoundError('run', ref.runId);
  if (isFinal(run.status)) throw new RunFinishedError(run.id, run.status, 'completed by a callback');
  const now = deps.clock.now();
  const schedule = run.scheduleId ? ((await deps.schedules.get(run.tenantId, run.scheduleId)) ?? null) : null;
  const ended = { finishedAt: formatInstant(now), durationMs: run.startedAt ? Math.max(0, now.getTime() - Date.parse(run.startedAt)) : 0 };

  if (run.deadlineAt && now.getTime() > Date.parse(run.deadlineAt)) {
    const timedOut: Run = {
      ...run,
      ...ended,
      status: 'timed_out',
      error: {
        kind: 'timeout',
        message: `The agent called back at ${ended.finishedAt}, after the run's deadline (${run.deadlineAt}); its result was not kept.`,
      },
    };
    const outcome = await endRun(deps, timedOut, schedule);
    if (run.scheduleId) await deps.runs.releaseOverlap(timedOut);
    if (outcome === 'already_final') await throwFinished(deps, run);
    await continueBackfill(deps, timedOut);
    throw new DomainError('deadline_passed', `Run ${run.id} passed its deadline (${run.deadlineAt}) before this callback; it ended timed_out.`, {
      status: 'timed_out',
      deadlineAt: run.deadlineAt,
      hint: "Call back before the deadline: the schedule's timeoutSeconds (up to 86,400) from the run's start.",
    });
  }

  const final: Run = {
    ...run,
    ...ended,
    status: result.status,
    ...(result.output === undefined ? { output: null, truncated: false } : capOutput(result.output)),
    error: result.status === 'failed' ? { message: result.error?.message ?? 'The agent reported a failure.', kind: result.error?.kind ?? 'agent_error' } : null,
    usage: result.usage ?? null,
  };
  if ((await endRun(deps, final, schedule)) === 'already_final') await throwFinished(deps, run);
  // The next scheduled run need not wait for this one's deadline.
  if (run.scheduleId) await deps.runs.releaseOverlap(final);
  await continueBackfill(deps, final);
  return final;
}

/**
 * A backfill's run ended by its callback starts the backfill's next occurrence (as the runner does when it ends one);
 * a batch item's frees its slot and starts the next items.
 * A failure is logged, not answered: the agent's result is recorded, and the backfill can be resumed.
 */
async function continueBackfill(deps: CallbackDeps, run: Run): Promise<void> {
  const progress = run.batchId ? batchProgressDeps(deps) : undefined;
  if (progress) {
    await continueBatchAfterRun(progress, run).catch((error: unknown) =>
      deps.log?.('Could not continue a batch after its callback', {
        runId: run.id,
        batchId: run.batchId,
        error: error instanceof Error ? error.name : 'unknown',
      }),
    );
  }
  if (!run.backfillId) return;
  const continuation = continuationDeps(deps);
  if (!continuation) return;
  await continueAfterRun(continuation, run).catch((error: unknown) =>
    deps.log?.('Could not continue a backfill after its callback', {
      runId: run.id,
      backfillId: run.backfillId,
      error: error instanceof Error ? error.name : 'unknown',
    }),
  );
}

/** It ended between the read and the write (a cancel, the sweeper, another callback): say how. */
async function throwFinished(deps: CallbackDeps, run: Run): Promise<never> {
  const current = await deps.runs.get(run.tenantId, run.scheduleId, run.id);
  throw new RunFinishedError(run.id, current?.status ?? 'ended', 'completed by a callback');
}
