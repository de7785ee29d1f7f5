// Calling a run's agent: as many attempts as its schedule's retry policy allows for retryable failures, all within the
// run's deadline, and stopped within seconds when the run is cancelled (or ended by the service) meanwhile.
import type { Agent } from '../domain/agent.ts';
import { isFinal, type Run, type RunAttempt } from '../domain/run.ts';
import { retryPolicyOf, type RetryPolicy, type Schedule } from '../domain/schedule.ts';
import { formatInstant } from '../expressions/index.ts';
import { AgentError, type AgentRequest, type AgentResult } from '../ports/agent-runner.ts';
import type { RunnerDeps } from './runner-deps.ts';

/** How often a running run's record is read to notice a cancel (one strongly consistent GetItem each time). */
export const CANCEL_CHECK_MS = 3_000;

export type AgentCallDeps = Pick<RunnerDeps, 'agents' | 'agentRunner' | 'runs' | 'clock' | 'deadlineSignal' | 'log' | 'sleep' | 'cancelCheckMs'>;

export type AgentCallOutcome =
  | { kind: 'answered'; result: AgentResult; attempts: RunAttempt[] }
  | { kind: 'failed'; error: AgentError; attempts: RunAttempt[] }
  /** Cancelled, or ended by the service, while it ran: `run` is its stored final record, which stands. */
  | { kind: 'ended_elsewhere'; run: Run; attempts: RunAttempt[] };

async function loadAgent(deps: AgentCallDeps, run: Run, read?: Agent): Promise<Agent> {
  // Read with the schedule (a scheduled run's one read), when it is the agent the run names.
  if (read && read.id === run.agentId) return read;
  const agent = run.agentId ? await deps.agents.get(run.tenantId, run.agentId) : undefined;
  if (agent) return agent;
  throw new AgentError(
    'no_agent',
    run.agentId
      ? `Agent "${run.agentId}" does not exist (it may have been deleted). Create it with POST /v1/agents or point the schedule at another agent.`
      : 'This schedule names no agent and the deployment has no default agent. Set agentId on the schedule, or DEFAULT_AGENT_ID on the deployment.',
  );
}

function agentRequest(run: Run, schedule: Schedule | null, extra: Partial<AgentRequest>): AgentRequest {
  return {
    task: schedule?.task ?? run.task ?? '',
    runId: run.id,
    scheduleId: run.scheduleId,
    scheduledTime: run.scheduledTime,
    metadata: schedule?.metadata ?? run.metadata,
    environmentId: schedule?.environmentId ?? null,
    tenantId: run.tenantId,
    ...extra,
  };
}

function asAgentError(deps: AgentCallDeps, run: Run, error: unknown): AgentError {
  if (error instanceof AgentError) return error;
  deps.log?.('Agent call threw a non-agent error', { runId: run.id, error: error instanceof Error ? error.name : 'unknown' });
  return new AgentError('agent_error', 'The agent call failed unexpectedly.', { cause: error });
}

/** Waits `ms`, or less when `signal` aborts first. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Reads the run every CANCEL_CHECK_MS; once it has a final state (cancelled, or ended by the sweeper) the call is aborted. */
function watchForEnd(deps: AgentCallDeps, run: Run, stop: AbortController): { ended: () => Run | undefined; close: () => void } {
  let ended: Run | undefined;
  let reading = false;
  const timer = setInterval(async () => {
    if (reading || stop.signal.aborted) return;
    reading = true;
    try {
      const stored = await deps.runs.get(run.tenantId, run.scheduleId, run.id);
      if (stored && isFinal(stored.status)) {
        ended = stored;
        stop.abort(new Error(`run ${stored.status}`));
      }
    } catch (error) {
      deps.log?.('Could not read the run to check for a cancel; the next check retries', {
        runId: run.id,
        error: error instanceof Error ? error.name : 'unknown',
      });
    } finally {
      reading = false;
    }
  }, deps.cancelCheckMs ?? CANCEL_CHECK_MS);
  timer.unref?.();
  return { ended: () => ended, close: () => clearInterval(timer) };
}

/** Why a failed run was not tried again, appended to its message when the policy allowed more attempts. */
function notRetriedBecause(error: AgentError, attempt: number, maxAttempts: number, backoffEndsAfterDeadline: boolean): string {
  if (maxAttempts <= 1) return '';
  if (attempt >= maxAttempts) return ` (attempt ${attempt} of ${maxAttempts}; no attempts left)`;
  if (!error.retryable) return ` (attempt ${attempt} of ${maxAttempts}; not retried: a ${error.kind} error of this kind is not retryable)`;
  return backoffEndsAfterDeadline ? ` (attempt ${attempt} of ${maxAttempts}; not retried: the next attempt would start after the run's deadline)` : '';
}

/**
 * Calls the agent, retrying retryable failures (see AgentError.retryable) with exponential backoff: backoffSeconds,
 * then twice that, and so on, as long as the next attempt starts before the deadline. Every attempt is returned.
 */
export async function callAgent(
  deps: AgentCallDeps,
  run: Run,
  schedule: Schedule | null,
  deadline: Date,
  extra: Partial<AgentRequest> = {},
  /** The policy of a run that has no schedule to say (a batch item's: its batch's); the schedule's otherwise. */
  retry?: RetryPolicy | null,
  /** The agent already read (with the schedule), if any: the first attempt uses it when it is the run's. */
  agentRead?: Agent,
): Promise<AgentCallOutcome> {
  const attempts: RunAttempt[] = [];
  const now = () => formatInstant(deps.clock.now());
  const policy = retryPolicyOf(retry === undefined ? schedule : { retry });
  const stop = new AbortController();
  const watch = watchForEnd(deps, run, stop);
  const sleep = deps.sleep ?? abortableSleep;
  try {
    for (let attempt = 1; ; attempt += 1) {
      const startedAt = now();
      try {
        const agent = await loadAgent(deps, run, agentRead);
        const remaining = Math.max(0, deadline.getTime() - deps.clock.now().getTime());
        const signal = AbortSignal.any([(deps.deadlineSignal ?? AbortSignal.timeout)(remaining), stop.signal]);
        const result = await deps.agentRunner.run(agent, agentRequest(run, schedule, extra), signal);
        attempts.push({ startedAt, finishedAt: now(), error: null });
        return { kind: 'answered', result, attempts };
      } catch (thrown) {
        const error = asAgentError(deps, run, thrown);
        attempts.push({ startedAt, finishedAt: now(), error: { message: error.message, kind: error.kind } });
        const ended = watch.ended();
        if (ended) return { kind: 'ended_elsewhere', run: ended, attempts };
        const backoffMs = policy.backoffSeconds * 1000 * 2 ** (attempt - 1);
        const tooLate = deps.clock.now().getTime() + backoffMs >= deadline.getTime();
        if (attempt >= policy.maxAttempts || !error.retryable || tooLate) {
          const why = notRetriedBecause(error, attempt, policy.maxAttempts, tooLate);
          const final =
            why === '' ? error : new AgentError(error.kind, `${error.message}${why}`, { cause: error, ...(error.usage ? { usage: error.usage } : {}) });
          return { kind: 'failed', error: final, attempts };
        }
        deps.log?.('Agent call failed; retrying after backoff', { runId: run.id, attempt, kind: error.kind, backoffMs });
        await sleep(backoffMs, stop.signal);
        const endedWhileWaiting = watch.ended();
        if (endedWhileWaiting) return { kind: 'ended_elsewhere', run: endedWhileWaiting, attempts };
      }
    }
  } finally {
    watch.close();
  }
}
