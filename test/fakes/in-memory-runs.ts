// In-memory fakes for the runner: a RunStore with DynamoRunStore's contract (sharing the schedule store's items, as the
// DynamoDB adapter shares the table), a scripted AgentRunner that records every call, and a recording RunDispatcher.
import type { Agent } from '#shared/domain/agent.ts';
import { overdueAt, type Run } from '#shared/domain/run.ts';
import type { RunStatus } from '#shared/domain/run.ts';
import { ownerScope, type Schedule } from '#shared/domain/schedule.ts';
import { AgentError, type AgentErrorKind, type AgentRequest, type AgentResult, type AgentRunner, type AgentUsage } from '#shared/ports/agent-runner.ts';
import type { QueuedRunRef, RunDispatcher } from '#shared/ports/run-dispatcher.ts';
import type { BeginOutcome, FinishOutcome, QuotaReservation, RecordOutcome, RunPage, RunRef, RunStore, ScheduleOutcome } from '#shared/ports/run-store.ts';
import type { IdempotencyRecord } from '#shared/ports/schedule-store.ts';
import type { InMemoryScheduleStore } from './in-memory.ts';

const clone = <T>(value: T): T => structuredClone(value);

/**
 * Runs live here; their schedules live in the InMemoryScheduleStore passed in, whose items and counters this store
 * changes exactly where DynamoRunStore's transactions change the schedule item and the owner's counters.
 */
export class InMemoryRunStore implements RunStore {
  readonly items = new Map<string, Run>();
  /** Runs reserved per `${tenantId}/${month}`. */
  readonly usageByMonth = new Map<string, number>();

  constructor(private readonly schedules: InMemoryScheduleStore) {}

  private runKey(tenantId: string, scheduleId: string | null, runId: string): string {
    return `${tenantId}/${scheduleId ?? '_api'}/${runId}`;
  }

  private scheduleKey(tenantId: string, scheduleId: string): string {
    return `${tenantId}/${scheduleId}`;
  }

  private usageKey(tenantId: string, month: string): string {
    return `${tenantId}/${month}`;
  }

  private underQuota(tenantId: string, quota: QuotaReservation): boolean {
    return (this.usageByMonth.get(this.usageKey(tenantId, quota.month)) ?? 0) < quota.limit;
  }

  private reserve(tenantId: string, quota: QuotaReservation): void {
    const key = this.usageKey(tenantId, quota.month);
    this.usageByMonth.set(key, (this.usageByMonth.get(key) ?? 0) + 1);
  }

  /** The owner's enabled counter, as countersUpdate(…, 0, -1) moves it. */
  private adjustEnabled(schedule: Schedule, enabled: number): void {
    const scope = `${schedule.tenantId}/${ownerScope(schedule)}`;
    const current = this.schedules.countsByScope.get(scope) ?? { total: 0, enabled: 0 };
    this.schedules.countsByScope.set(scope, { total: current.total, enabled: current.enabled + enabled });
  }

  async beginScheduledRun(run: Run, options: { overlap: 'skip' | 'allow'; now: string; quota?: QuotaReservation }): Promise<BeginOutcome> {
    // One transaction: every condition is checked before anything is written; the first failing item names the outcome.
    const key = this.runKey(run.tenantId, run.scheduleId, run.id);
    if (this.items.has(key)) return 'duplicate';
    const scheduleKey = this.scheduleKey(run.tenantId, run.scheduleId!);
    const schedule = this.schedules.items.get(scheduleKey);
    if (schedule?.enabled !== true) return 'schedule_changed';
    if (options.overlap === 'skip' && schedule.runningUntil !== undefined && schedule.runningUntil !== null && !(schedule.runningUntil < options.now)) {
      return 'schedule_changed';
    }
    if (options.quota && !this.underQuota(run.tenantId, options.quota)) return 'over_budget';

    this.items.set(key, clone(run));
    if (options.overlap === 'skip') {
      this.schedules.items.set(scheduleKey, { ...schedule, runningRunId: run.id, runningUntil: run.deadlineAt });
    }
    if (options.quota) this.reserve(run.tenantId, options.quota);
    return 'started';
  }

  async recordRun(run: Run, quota?: QuotaReservation, idempotency?: IdempotencyRecord): Promise<RecordOutcome> {
    const key = this.runKey(run.tenantId, run.scheduleId, run.id);
    if (this.items.has(key)) return 'duplicate';
    if (quota && !this.underQuota(run.tenantId, quota)) return 'over_budget';
    // As DynamoRunStore: the key's record is written in the same transaction as the run (the schedule store's records).
    const idemKey = idempotency && `${run.tenantId}/${run.userId}/${idempotency.key}`;
    if (idemKey && this.schedules.idempotency.has(idemKey)) return 'key_taken';
    this.items.set(key, clone(run));
    if (quota) this.reserve(run.tenantId, quota);
    if (idemKey && idempotency) this.schedules.idempotency.set(idemKey, clone(idempotency));
    return 'created';
  }

  async markRunning(run: Run): Promise<boolean> {
    const key = this.runKey(run.tenantId, run.scheduleId, run.id);
    const stored = this.items.get(key);
    if (stored?.status !== 'queued') return false;
    this.items.set(key, { ...stored, status: 'running', startedAt: run.startedAt, deadlineAt: run.deadlineAt, attempt: run.attempt });
    return true;
  }

  /** As DynamoRunStore's condition: only a queued or running run takes a final state. */
  private isUnfinished(run: Run): boolean {
    const status = this.items.get(this.runKey(run.tenantId, run.scheduleId, run.id))?.status;
    return status === 'queued' || status === 'running';
  }

  /** The fields DynamoRunStore's final update sets; the rest of the record stays as stored. */
  private writeFinal(run: Run): void {
    const key = this.runKey(run.tenantId, run.scheduleId, run.id);
    const stored = this.items.get(key);
    if (!stored) throw new Error(`TransactionCanceledException: run ${run.id} does not exist (ConditionalCheckFailed)`);
    this.items.set(key, {
      ...stored,
      status: run.status,
      reason: run.reason,
      finishedAt: run.finishedAt,
      durationMs: run.durationMs,
      output: run.output,
      truncated: run.truncated,
      error: clone(run.error),
      ...(run.attempts === undefined ? {} : { attempts: clone(run.attempts) }),
      ...(run.cancelledAt === undefined ? {} : { cancelledAt: run.cancelledAt }),
      usage: clone(run.usage),
    });
  }

  async finishRun(run: Run, outcome: ScheduleOutcome | null): Promise<FinishOutcome> {
    if (!this.isUnfinished(run)) return 'already_final';
    if (!outcome) {
      this.writeFinal(run);
      return 'recorded';
    }
    const scheduleKey = this.scheduleKey(run.tenantId, outcome.schedule.id);
    const schedule = this.schedules.items.get(scheduleKey);
    if (!schedule) {
      this.writeFinal(run);
      return 'schedule_gone';
    }
    // As DynamoRunStore: the write holds only while timing and enabled state are as the runner read them.
    const read = outcome.schedule;
    if (
      schedule.enabled !== read.enabled ||
      schedule.schedulerExpression !== read.schedulerExpression ||
      schedule.schedulerTimezone !== read.schedulerTimezone ||
      (outcome.releaseOverlap && schedule.runningRunId !== run.id)
    ) {
      return 'schedule_changed';
    }
    if (!this.items.has(this.runKey(run.tenantId, run.scheduleId, run.id))) throw new Error(`Run ${run.id} does not exist (ConditionalCheckFailed)`);
    const complete = outcome.complete;
    const succeeded = outcome.status === 'succeeded';
    // As DynamoRunStore: a cancelled run leaves the failure streak and the last error as they were.
    const cancelled = outcome.status === 'cancelled';
    const next: Schedule = {
      ...schedule,
      lastRunAt: outcome.lastRunAt,
      lastRunStatus: outcome.status,
      lastError: cancelled ? schedule.lastError : clone(outcome.lastError),
      nextRunAt: complete ? null : outcome.nextRunAt,
      // As DynamoScheduleStore's composition: the later of the definition's last change and this run's end.
      updatedAt: [schedule.updatedAt, run.finishedAt!].sort().at(-1)!,
      consecutiveFailures: cancelled ? schedule.consecutiveFailures : succeeded ? 0 : (schedule.consecutiveFailures ?? 0) + 1,
      runCount: (schedule.runCount ?? 0) + 1,
      successCount: (schedule.successCount ?? 0) + (succeeded ? 1 : 0),
      failureCount: (schedule.failureCount ?? 0) + (succeeded || cancelled ? 0 : 1),
    };
    if (cancelled) next.cancelledCount = (schedule.cancelledCount ?? 0) + 1;
    if (outcome.releaseOverlap) {
      next.runningRunId = null;
      next.runningUntil = null;
    }
    if (complete) {
      next.enabled = false;
      next.status = 'completed';
      // As DynamoRunStore: completing changes the definition too (enabled, status), so its version moves.
      next.version = schedule.version + 1;
    }
    this.writeFinal(run);
    this.schedules.items.set(scheduleKey, next);
    if (complete) this.adjustEnabled(schedule, -1);
    return 'recorded';
  }

  async listOverdue(cutoff: string, limit: number): Promise<RunRef[]> {
    return [...this.items.values()]
      .flatMap((run) => {
        const due = overdueAt(run);
        // As DynamoRunStore's due index: keyed `${due}#${runId}`, so runs due at the same instant come in run id order.
        return due !== null && due < cutoff ? [{ due: `${due}#${run.id}`, ref: { tenantId: run.tenantId, scheduleId: run.scheduleId, runId: run.id } }] : [];
      })
      .sort((a, b) => a.due.localeCompare(b.due))
      .slice(0, limit)
      .map((entry) => entry.ref);
  }

  async releaseOverlap(run: Pick<Run, 'tenantId' | 'scheduleId' | 'id'>): Promise<void> {
    const scheduleKey = this.scheduleKey(run.tenantId, run.scheduleId!);
    const schedule = this.schedules.items.get(scheduleKey);
    if (!schedule || schedule.runningRunId !== run.id) return;
    this.schedules.items.set(scheduleKey, { ...schedule, runningRunId: null, runningUntil: null });
  }

  async get(tenantId: string, scheduleId: string | null, runId: string): Promise<Run | undefined> {
    const run = this.items.get(this.runKey(tenantId, scheduleId, runId));
    return run && clone(run);
  }

  async list(
    tenantId: string,
    scheduleId: string | null,
    options: { limit: number; after?: string | undefined; status?: RunStatus | undefined },
  ): Promise<RunPage> {
    const matching = [...this.items.values()]
      .filter((run) => run.tenantId === tenantId && run.scheduleId === scheduleId)
      .filter((run) => options.after === undefined || run.id < options.after)
      .filter((run) => options.status === undefined || run.status === options.status)
      .sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    const items = matching.slice(0, options.limit).map(clone);
    return { items, nextAfter: matching.length > options.limit && items.length > 0 ? items[items.length - 1]!.id : undefined };
  }

  async usage(tenantId: string, month: string): Promise<number> {
    return this.usageByMonth.get(this.usageKey(tenantId, month)) ?? 0;
  }

  /** As DynamoRunStore (run-callbacks.ts): the run while it is running, then the overlap marker if this run holds it. */
  async markAccepted(run: Run): Promise<boolean> {
    const key = this.runKey(run.tenantId, run.scheduleId, run.id);
    const stored = this.items.get(key);
    if (stored?.status !== 'running') return false;
    this.items.set(key, {
      ...stored,
      acceptedAt: run.acceptedAt ?? null,
      deadlineAt: run.deadlineAt,
      ...(run.attempts === undefined ? {} : { attempts: clone(run.attempts) }),
    });
    if (run.scheduleId === null) return true;
    const scheduleKey = this.scheduleKey(run.tenantId, run.scheduleId);
    const schedule = this.schedules.items.get(scheduleKey);
    if (schedule && schedule.runningRunId === run.id) {
      this.schedules.items.set(scheduleKey, { ...schedule, runningUntil: run.deadlineAt });
    }
    return true;
  }
}

/** A promise with its resolve/reject exposed. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

/** A call held by the fake until the test lets it go. */
export interface HeldCall {
  /** Resolves when the agent has been called (and is now holding). */
  started: Promise<void>;
  /** Lets the held call answer (default output "released"). */
  release(result?: AgentResult): void;
  /** Lets the held call fail with this error. */
  fail(error: unknown): void;
}

export type AgentStep =
  | { kind: 'answer'; result: AgentResult; takesMs?: number }
  | { kind: 'error'; error: unknown; takesMs?: number }
  | { kind: 'until-abort'; takesMs?: number }
  | { kind: 'hold'; held: Deferred<AgentResult>; started: Deferred<void> };

export interface RecordedAgentCall {
  agent: Agent;
  request: AgentRequest;
  signal: AbortSignal;
}

/**
 * An AgentRunner scripted call by call: each call takes the next step (answer, fail with an AgentError, wait for the
 * abort signal then fail with 'timeout', or hold until released); with no step left it uses `respond`.
 */
export class FakeAgentRunner implements AgentRunner {
  readonly calls: RecordedAgentCall[] = [];
  readonly steps: AgentStep[] = [];
  /** What unscripted calls do; answers "ok" unless replaced. */
  respond: (call: RecordedAgentCall) => AgentResult | Promise<AgentResult> = () => ({ output: 'ok' });
  readonly #elapse: ((ms: number) => void) | undefined;
  readonly #waiters: Array<{ count: number; done: Deferred<void> }> = [];

  /** `elapse` moves the test's clock when a step says the call takes time. */
  constructor(options: { elapse?: (ms: number) => void } = {}) {
    this.#elapse = options.elapse;
  }

  answer(output: string, usage?: AgentUsage, takesMs?: number): this {
    this.steps.push({ kind: 'answer', result: usage === undefined ? { output } : { output, usage }, ...(takesMs === undefined ? {} : { takesMs }) });
    return this;
  }

  fail(kind: AgentErrorKind, message: string, takesMs?: number): this {
    this.steps.push({ kind: 'error', error: new AgentError(kind, message), ...(takesMs === undefined ? {} : { takesMs }) });
    return this;
  }

  /** The next call throws this (e.g. a plain Error, as a buggy adapter might). */
  throws(error: unknown): this {
    this.steps.push({ kind: 'error', error });
    return this;
  }

  /** The next call waits for its abort signal, then throws AgentError('timeout'), as the adapters do. */
  untilAborted(takesMs?: number): this {
    this.steps.push({ kind: 'until-abort', ...(takesMs === undefined ? {} : { takesMs }) });
    return this;
  }

  /** The next call holds until the test releases it. */
  hold(): HeldCall {
    const held = deferred<AgentResult>();
    const started = deferred<void>();
    this.steps.push({ kind: 'hold', held, started });
    return {
      started: started.promise,
      release: (result = { output: 'released' }) => held.resolve(result),
      fail: (error) => held.reject(error),
    };
  }

  /** Resolves once at least `count` calls have started. */
  called(count: number): Promise<void> {
    if (this.calls.length >= count) return Promise.resolve();
    const done = deferred<void>();
    this.#waiters.push({ count, done });
    return done.promise;
  }

  async run(agent: Agent, request: AgentRequest, signal: AbortSignal): Promise<AgentResult> {
    const call: RecordedAgentCall = { agent: structuredClone(agent), request: structuredClone(request), signal };
    this.calls.push(call);
    for (const waiter of [...this.#waiters]) {
      if (this.calls.length >= waiter.count) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.done.resolve();
      }
    }
    const step = this.steps.shift();
    if (!step) return this.respond(call);
    switch (step.kind) {
      case 'answer':
        if (step.takesMs !== undefined) this.#elapse?.(step.takesMs);
        return structuredClone(step.result);
      case 'error':
        if (step.takesMs !== undefined) this.#elapse?.(step.takesMs);
        throw step.error;
      case 'until-abort':
        await new Promise<void>((resolve) => {
          if (signal.aborted) resolve();
          else signal.addEventListener('abort', () => resolve(), { once: true });
        });
        if (step.takesMs !== undefined) this.#elapse?.(step.takesMs);
        throw new AgentError('timeout', 'The agent did not answer within the run deadline.', { cause: signal.reason });
      case 'hold':
        step.started.resolve();
        return step.held.promise;
    }
  }
}

/** Records every queued run handed to the runner; `failNext` makes the next dispatch throw. */
export class RecordingDispatcher implements RunDispatcher {
  readonly dispatched: QueuedRunRef[] = [];
  failNext: Error | undefined;

  async dispatch(ref: QueuedRunRef): Promise<void> {
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = undefined;
      throw error;
    }
    this.dispatched.push(structuredClone(ref));
  }
}
