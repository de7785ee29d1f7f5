// Backfills against the in-memory fakes: the range and its occurrences, the cap and the 400s, occurrences that already
// ran skipped, one run at a time in time order, continuations that are idempotent (repeated, concurrent, redelivered,
// from the sweeper), and the stops: budget and a deleted schedule.
import { beforeEach, describe, expect, it } from 'vitest';
import { settingsFromEnv, type Settings } from '#shared/config.ts';
import type { Agent } from '#shared/domain/agent.ts';
import type { Backfill } from '#shared/domain/backfill.ts';
import { BudgetExhaustedError, type DomainError, NotFoundError, ValidationError } from '#shared/domain/errors.ts';
import type { TenantPrincipal } from '#shared/domain/principal.ts';
import { makeRun, QUEUED_RUN_LIMIT_MS, scheduledRunId, type Run } from '#shared/domain/run.ts';
import type { Schedule } from '#shared/domain/schedule.ts';
import { parseBackfillBody, presentBackfill } from '#shared/http/backfills.ts';
import { presentRun } from '#shared/http/runs.ts';
import { parseScheduleInput } from '#shared/http/schedules.ts';
import type { QueuedRunRef, RunDispatcher } from '#shared/ports/run-dispatcher.ts';
import { continueAfterRun, continueBackfill, getBackfill, startBackfill, type BackfillDeps } from '#shared/use-cases/backfill.ts';
import { createSchedule } from '#shared/use-cases/create-schedule.ts';
import { deleteSchedule } from '#shared/use-cases/delete-schedule.ts';
import { endOverdueRuns } from '#shared/use-cases/end-overdue-runs.ts';
import { executeQueuedRun, executeScheduledRun, type RunnerDeps } from '#shared/use-cases/execute-run.ts';
import { InMemoryBackfillStore } from '../../fakes/in-memory-backfills.ts';
import { FakeAgentRunner, InMemoryRunStore } from '../../fakes/in-memory-runs.ts';
import { FixedClock, InMemoryAgentStore, InMemoryScheduleStore, RecordingMirror, SequentialIds } from '../../fakes/in-memory.ts';
import { rejectionOf } from '../../support/rejections.ts';

const alice: TenantPrincipal = { role: 'tenant', tenantId: 'acme', userId: 'alice', keyId: 'k1' };
const bob: TenantPrincipal = { role: 'tenant', tenantId: 'acme', userId: 'bob', keyId: 'k2' };
const mallory: TenantPrincipal = { role: 'tenant', tenantId: 'evil', userId: 'alice', keyId: 'k3' };
/** When the schedules are created: the ranges below are before NOW. */
const CREATED = new Date('2026-11-19T00:00:00Z');
const NOW = new Date('2026-11-20T12:00:00Z');

/** Records each dispatch, and how many runs of any backfill were unfinished at that moment (one at a time: 1). */
class CheckingDispatcher implements RunDispatcher {
  readonly dispatched: QueuedRunRef[] = [];
  readonly unfinishedAtDispatch: number[] = [];
  failNext: Error | undefined;
  constructor(private readonly runs: InMemoryRunStore) {}
  async dispatch(ref: QueuedRunRef): Promise<void> {
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = undefined;
      throw error;
    }
    this.dispatched.push(structuredClone(ref));
    this.unfinishedAtDispatch.push([...this.runs.items.values()].filter((run) => run.backfillId && ['queued', 'running'].includes(run.status)).length);
  }
}

let schedules: InMemoryScheduleStore;
let runs: InMemoryRunStore;
let backfills: InMemoryBackfillStore;
let agent: FakeAgentRunner;
let clock: FixedClock;
let dispatcher: CheckingDispatcher;
let deps: RunnerDeps & BackfillDeps;
let executed: number;
const logged: string[] = [];

beforeEach(async () => {
  schedules = new InMemoryScheduleStore();
  runs = new InMemoryRunStore(schedules);
  backfills = new InMemoryBackfillStore();
  clock = new FixedClock(CREATED);
  agent = new FakeAgentRunner();
  dispatcher = new CheckingDispatcher(runs);
  const agents = new InMemoryAgentStore();
  executed = 0;
  logged.length = 0;
  deps = {
    schedules,
    agents,
    runs,
    backfills,
    agentRunner: agent,
    mirror: new RecordingMirror(),
    clock,
    ids: new SequentialIds(),
    settings: settingsFromEnv({}),
    dispatcher,
    deadlineSignal: () => new AbortController().signal,
    log: (message) => logged.push(message),
  };
  await agents.create({
    tenantId: 'acme',
    id: 'bot',
    kind: 'http',
    name: 'Bot',
    url: 'https://agents.example.com/bot',
    createdAt: CREATED.toISOString(),
    updatedAt: CREATED.toISOString(),
    version: 1,
  } as Agent);
});

function configure(settings: Partial<Settings>): void {
  deps.settings = { ...deps.settings, ...settings };
}

/** An hourly schedule (UTC) of alice's, created a day before NOW; the clock is then at NOW. */
async function hourly(fields: Record<string, unknown> = {}): Promise<Schedule> {
  clock.current = CREATED;
  const input = parseScheduleInput({
    name: 'Hourly',
    task: 'Summarise the hour',
    cronExpression: '0 * * * *',
    timezone: 'UTC',
    agentId: 'bot',
    ...fields,
  }).input;
  const { schedule } = await createSchedule(deps, alice, input);
  clock.current = NOW;
  return schedule;
}

const request = (body: Record<string, unknown>) => parseBackfillBody(body);

/** Runs what was dispatched, in order, as the runner would (each run's end dispatches the next); returns how many ran. */
async function drain(): Promise<number> {
  let ran = 0;
  while (executed < dispatcher.dispatched.length) {
    const ref = dispatcher.dispatched[executed]!;
    executed += 1;
    await executeQueuedRun(deps, ref);
    ran += 1;
  }
  return ran;
}

const runOf = (schedule: Schedule, time: string) => runs.get('acme', schedule.id, scheduledRunId(schedule.id, time));
const stored = (backfill: Backfill) => backfills.get(backfill.tenantId, backfill.scheduleId, backfill.id);
const backfillRuns = (backfill: Backfill) => [...runs.items.values()].filter((run) => run.backfillId === backfill.id);
const calledAt = () => agent.calls.map((call) => call.request.scheduledTime);

describe('starting a backfill', () => {
  it('runs each occurrence in [from, to), from included and to not, with the id and scheduled time its fire would have had', async () => {
    const schedule = await hourly();

    const started = await startBackfill(deps, alice, schedule.id, request({ from: '2026-11-20T00:00:00Z', to: '2026-11-20T03:00:00Z' }));

    expect(started).toMatchObject({
      id: expect.stringMatching(/^bf_/),
      tenantId: 'acme',
      scheduleId: schedule.id,
      userId: 'alice',
      from: '2026-11-20T00:00:00Z',
      to: '2026-11-20T03:00:00Z',
      occurrences: 3,
      nextOccurrence: '2026-11-20T00:00:00Z',
      lastOccurrence: '2026-11-20T02:00:00Z',
      counts: { ran: 0, alreadyRan: 0, failed: 0 },
      status: 'running',
      stopReason: null,
    });
    expect(dispatcher.dispatched).toEqual([
      { kind: 'queued', tenantId: 'acme', scheduleId: schedule.id, runId: scheduledRunId(schedule.id, '2026-11-20T00:00:00Z') },
    ]);

    expect(await drain()).toBe(3);
    expect(calledAt()).toEqual(['2026-11-20T00:00:00Z', '2026-11-20T01:00:00Z', '2026-11-20T02:00:00Z']);
    for (const time of ['2026-11-20T00:00:00Z', '2026-11-20T01:00:00Z', '2026-11-20T02:00:00Z']) {
      expect(await runOf(schedule, time)).toMatchObject({
        id: scheduledRunId(schedule.id, time),
        trigger: 'backfill',
        backfillId: started.id,
        status: 'succeeded',
        scheduledTime: time,
        userId: 'alice',
        agentId: 'bot',
      });
    }
    expect(await runOf(schedule, '2026-11-20T03:00:00Z')).toBeUndefined();
    expect(presentRun((await runOf(schedule, '2026-11-20T00:00:00Z'))!)).toMatchObject({ trigger: 'backfill', backfillId: started.id });
    expect(await stored(started)).toMatchObject({ status: 'done', nextOccurrence: null, counts: { ran: 3, alreadyRan: 0, failed: 0 } });
    expect((await schedules.get('acme', schedule.id))!.runCount).toBe(3);
  });

  it("keeps to the schedule's startAt and endAt (both included), as its scheduled fires do", async () => {
    const schedule = await hourly({ startAt: '2026-11-19T01:30:00Z', endAt: '2026-11-19T04:00:00Z' });

    const started = await startBackfill(deps, alice, schedule.id, request({ from: '2026-11-19T00:00:00Z', to: '2026-11-19T12:00:00Z' }));
    await drain();

    expect(started).toMatchObject({ occurrences: 3, nextOccurrence: '2026-11-19T02:00:00Z', lastOccurrence: '2026-11-19T04:00:00Z' });
    expect(calledAt()).toEqual(['2026-11-19T02:00:00Z', '2026-11-19T03:00:00Z', '2026-11-19T04:00:00Z']);
  });

  it('runs the one occurrence of a one-time schedule', async () => {
    clock.current = CREATED;
    const input = parseScheduleInput({ name: 'Once', task: 'Deploy', scheduledTime: '2026-11-19T06:30:00Z', agentId: 'bot' }).input;
    const { schedule } = await createSchedule(deps, alice, input);
    clock.current = NOW;

    const started = await startBackfill(deps, alice, schedule.id, request({ from: '2026-11-19T00:00:00Z', to: '2026-11-20T00:00:00Z' }));
    await drain();

    expect(started.occurrences).toBe(1);
    expect(calledAt()).toEqual(['2026-11-19T06:30:00Z']);
    expect(await stored(started)).toMatchObject({ status: 'done', counts: { ran: 1, alreadyRan: 0, failed: 0 } });
  });

  it('answers 404 for a schedule of another tenant or another user, and stores nothing', async () => {
    const schedule = await hourly({ team: false });
    const body = request({ from: '2026-11-20T00:00:00Z', to: '2026-11-20T03:00:00Z' });

    for (const principal of [mallory, bob]) {
      const error = await rejectionOf(startBackfill(deps, principal, schedule.id, body), NotFoundError);
      expect(error.message).toContain(schedule.id);
    }
    await rejectionOf(startBackfill(deps, alice, 'sched_NoSuchSchedule', body), NotFoundError);
    expect(backfills.items.size).toBe(0);
    expect(dispatcher.dispatched).toEqual([]);
  });
});

describe('the range and the cap', () => {
  const rejected = async (body: Record<string, unknown>, schedule?: Schedule): Promise<DomainError> => {
    const target = schedule ?? (await hourly());
    // Parsed inside the promise, so a body the schema refuses rejects it too.
    const error = await rejectionOf((async () => startBackfill(deps, alice, target.id, request(body)))(), ValidationError);
    expect(backfills.items.size).toBe(0);
    expect(runs.items.size).toBe(0);
    return error;
  };

  it('refuses a to before or equal to from, naming to and giving a range that works', async () => {
    for (const to of ['2026-11-20T00:00:00Z', '2026-11-19T23:00:00Z']) {
      const error = await rejected({ from: '2026-11-20T00:00:00Z', to });
      expect(error.message).toContain('must be after from');
      expect(error.details).toMatchObject({ field: 'to', hint: 'For example {"from": "2026-11-20T00:00:00Z", "to": "2026-11-20T12:00:00Z"}.' });
    }
  });

  it('refuses a to in the future: a backfill is of the past', async () => {
    const error = await rejected({ from: '2026-11-20T00:00:00Z', to: '2026-11-20T12:00:01Z' });
    expect(error.message).toContain('is in the future: a backfill is of the past');
    expect(error.details).toMatchObject({ field: 'to' });
    expect(String(error.details!.hint)).toContain('"to": "2026-11-20T12:00:00Z" or earlier');
  });

  it('refuses from and to that are not ISO 8601 instants, and a maxRuns past 1,000, naming the field', () => {
    for (const [body, field] of [
      [{ from: '2026-11-20', to: '2026-11-20T03:00:00Z' }, 'from'],
      [{ from: '2026-11-20T00:00:00Z', to: 'yesterday' }, 'to'],
      [{ from: '2026-11-20T00:00:00', to: '2026-11-20T03:00:00Z' }, 'from'],
      [{ from: '2026-11-20T00:00:00Z', to: '2026-11-20T03:00:00Z', maxRuns: 1001 }, 'maxRuns'],
      [{ from: '2026-11-20T00:00:00Z', to: '2026-11-20T03:00:00Z', maxRuns: 0 }, 'maxRuns'],
      [{ from: '2026-11-20T00:00:00Z', to: '2026-11-20T03:00:00Z', limit: 3 }, 'limit'],
    ] as const) {
      let error: unknown;
      try {
        request(body);
      } catch (caught) {
        error = caught;
      }
      expect(error, JSON.stringify(body)).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).details?.field, JSON.stringify(body)).toBe(field);
    }
    expect(request({ from: '2026-11-20T00:00:00+01:00', to: '2026-11-20T03:00:00.500Z' })).toEqual({
      from: '2026-11-20T00:00:00+01:00',
      to: '2026-11-20T03:00:00.500Z',
      maxRuns: 100,
    });
  });

  it('refuses a range with no occurrence of the schedule', async () => {
    const error = await rejected({ from: '2026-11-20T00:00:01Z', to: '2026-11-20T00:59:59Z' });
    expect(error.message).toContain('no occurrence');
    expect(error.details).toMatchObject({ field: 'from' });
  });

  it('refuses more occurrences than maxRuns (100 by default), saying how many there are and what to do', async () => {
    const schedule = await hourly();
    // 120 hourly occurrences.
    const error = await rejected({ from: '2026-11-15T00:00:00Z', to: '2026-11-20T00:00:00Z' }, schedule);
    expect(error.message).toBe(
      '[from, to) holds 120 occurrences of this schedule, more than maxRuns (100). Narrow the range, or raise maxRuns to 120; maxRuns may be at most 1,000.',
    );
    expect(error.details).toMatchObject({ field: 'maxRuns', occurrences: 120, maxRuns: 100 });
    expect(String(error.details!.hint)).toContain('"to": "2026-11-19T04:00:00Z" covers the first 100; "maxRuns": 120 covers them all');

    const raised = await startBackfill(deps, alice, schedule.id, request({ from: '2026-11-15T00:00:00Z', to: '2026-11-20T00:00:00Z', maxRuns: 120 }));
    expect(raised.occurrences).toBe(120);
  });

  it('past 1,000 occurrences says to narrow the range, and past 5,000 says so without counting on', async () => {
    const everyMinute = await hourly({ cronExpression: '* * * * *' });
    const day = await rejected({ from: '2026-11-19T00:00:00Z', to: '2026-11-20T00:00:00Z', maxRuns: 1000 }, everyMinute);
    expect(day.message).toContain('holds 1,440 occurrences');
    expect(day.message).toContain('(maxRuns goes up to 1,000)');
    expect(day.details).toMatchObject({ occurrences: 1440, maxRuns: 1000 });

    const week = await rejected({ from: '2026-11-13T00:00:00Z', to: '2026-11-20T00:00:00Z' }, everyMinute);
    expect(week.message).toContain('holds more than 5,000 occurrences');
    expect(week.details).toMatchObject({ occurrences: null, maxRuns: 100 });
  });
});

describe('occurrences that already ran', () => {
  it('are not run again: counted as already ran, and the run that was there is left as it was', async () => {
    const schedule = await hourly();
    clock.current = new Date('2026-11-20T01:00:00Z');
    await executeScheduledRun(deps, { tenantId: 'acme', scheduleId: schedule.id, scheduledTime: '2026-11-20T01:00:00Z', executionId: 'e1', attempt: 1 });
    const fired = await runOf(schedule, '2026-11-20T01:00:00Z');
    clock.current = NOW;

    const started = await startBackfill(deps, alice, schedule.id, request({ from: '2026-11-20T00:00:00Z', to: '2026-11-20T03:00:00Z' }));
    await drain();

    expect(calledAt()).toEqual(['2026-11-20T01:00:00Z', '2026-11-20T00:00:00Z', '2026-11-20T02:00:00Z']);
    expect(await runOf(schedule, '2026-11-20T01:00:00Z')).toEqual(fired);
    expect(fired).toMatchObject({ trigger: 'schedule' });
    expect(await stored(started)).toMatchObject({ status: 'done', occurrences: 3, counts: { ran: 2, alreadyRan: 1, failed: 0 } });
  });

  it('are all skipped at once, however many in a row, and a backfill where every one ran is done at start', async () => {
    const schedule = await hourly();
    const times = Array.from({ length: 48 }, (_, hour) => new Date(Date.parse('2026-11-18T00:00:00Z') + hour * 3_600_000).toISOString());
    for (const time of times.slice(0, 45)) {
      await runs.recordRun(
        makeRun({
          tenantId: 'acme',
          id: scheduledRunId(schedule.id, time),
          scheduleId: schedule.id,
          userId: 'alice',
          trigger: 'schedule',
          status: 'skipped',
          reason: 'overlap',
          scheduledTime: time,
          expiresAt: 0,
        }),
      );
    }

    const partly = await startBackfill(deps, alice, schedule.id, request({ from: '2026-11-18T00:00:00Z', to: '2026-11-20T00:00:00Z' }));
    expect(partly).toMatchObject({ counts: { ran: 0, alreadyRan: 45, failed: 0 }, nextOccurrence: '2026-11-19T21:00:00Z', version: 2 });
    await drain();
    expect(await stored(partly)).toMatchObject({ status: 'done', counts: { ran: 3, alreadyRan: 45, failed: 0 } });

    agent.calls.length = 0;
    const again = await startBackfill(deps, alice, schedule.id, request({ from: '2026-11-18T00:00:00Z', to: '2026-11-20T00:00:00Z' }));
    expect(again).toMatchObject({ status: 'done', nextOccurrence: null, counts: { ran: 0, alreadyRan: 48, failed: 0 } });
    expect(await drain()).toBe(0);
    expect(agent.calls).toEqual([]);
  });
});

describe('one at a time', () => {
  it('starts the next occurrence only once the previous run has ended, in time order, whatever its outcome', async () => {
    const schedule = await hourly();
    agent.answer('first').fail('http_status', 'Agent answered HTTP 500').answer('third');

    const started = await startBackfill(deps, alice, schedule.id, request({ from: '2026-11-20T00:00:00Z', to: '2026-11-20T03:00:00Z' }));
    expect(backfillRuns(started).map((run) => run.status)).toEqual(['queued']);
    await executeQueuedRun(deps, dispatcher.dispatched[0]!);
    executed = 1;
    expect(backfillRuns(started).map((run) => [run.scheduledTime, run.status])).toEqual([
      ['2026-11-20T00:00:00Z', 'succeeded'],
      ['2026-11-20T01:00:00Z', 'queued'],
    ]);
    await drain();

    expect(dispatcher.unfinishedAtDispatch).toEqual([1, 1, 1]);
    expect(calledAt()).toEqual(['2026-11-20T00:00:00Z', '2026-11-20T01:00:00Z', '2026-11-20T02:00:00Z']);
    expect(await stored(started)).toMatchObject({ status: 'done', counts: { ran: 2, alreadyRan: 0, failed: 1 } });
    expect(presentBackfill((await stored(started))!)).toMatchObject({ remaining: 0, nextOccurrence: null, nextRunId: null });
  });
});

describe('continuing', () => {
  it('is idempotent: repeated, concurrent and redelivered continuations of the same finished run start one next run', async () => {
    const schedule = await hourly();
    const started = await startBackfill(deps, alice, schedule.id, request({ from: '2026-11-20T00:00:00Z', to: '2026-11-20T03:00:00Z' }));
    // The first run ends without continuing (as if its runner stopped right after the final write).
    await executeQueuedRun({ ...deps, backfills: undefined }, dispatcher.dispatched[0]!);
    executed = 1;
    const first = (await runOf(schedule, '2026-11-20T00:00:00Z'))!;
    expect(first.status).toBe('succeeded');
    expect(dispatcher.dispatched).toHaveLength(1);

    await Promise.all([continueAfterRun(deps, first), continueAfterRun(deps, first), continueBackfill(deps, started)]);
    await continueAfterRun(deps, first);
    // Lambda delivers the first run again: it is no longer queued.
    expect(await executeQueuedRun(deps, dispatcher.dispatched[0]!)).toEqual({ outcome: 'duplicate', runId: first.id });

    expect(dispatcher.dispatched.map((ref) => ref.runId)).toEqual([first.id, scheduledRunId(schedule.id, '2026-11-20T01:00:00Z')]);
    expect(backfillRuns(started)).toHaveLength(2);
    expect(await stored(started)).toMatchObject({ version: 2, nextOccurrence: '2026-11-20T01:00:00Z', counts: { ran: 1, alreadyRan: 0, failed: 0 } });
    expect(backfills.writes).toHaveLength(1);
  });

  it('redoes a write that lost the race from what the winner wrote, and starts nothing twice', async () => {
    const schedule = await hourly();
    const started = await startBackfill(deps, alice, schedule.id, request({ from: '2026-11-20T00:00:00Z', to: '2026-11-20T03:00:00Z' }));
    await executeQueuedRun({ ...deps, backfills: undefined }, dispatcher.dispatched[0]!);
    const first = (await runOf(schedule, '2026-11-20T00:00:00Z'))!;
    // While this continuation writes, another one (a redelivery, the sweeper) continues the same run and wins.
    backfills.beforeUpdate = async () => {
      await continueAfterRun(deps, first);
    };

    const result = await continueAfterRun(deps, first);

    expect(result).toMatchObject({ version: 2, nextOccurrence: '2026-11-20T01:00:00Z' });
    expect(dispatcher.dispatched).toHaveLength(2);
    expect(backfillRuns(started)).toHaveLength(2);
    expect(backfills.writes).toHaveLength(1);
  });

  it('leaves a run the runner could not be handed queued; the sweeper ends it and the backfill moves on', async () => {
    const schedule = await hourly();
    dispatcher.failNext = new Error('Lambda throttled');
    const started = await startBackfill(deps, alice, schedule.id, request({ from: '2026-11-20T00:00:00Z', to: '2026-11-20T02:00:00Z' }));
    expect(logged).toContain('A backfill run could not be handed to the runner; it stays queued until the sweeper ends it, then the backfill continues');
    expect(backfillRuns(started).map((run) => run.status)).toEqual(['queued']);

    clock.advance(QUEUED_RUN_LIMIT_MS + 1000);
    const sweep = await endOverdueRuns({ runs, schedules, clock, backfills, settings: deps.settings, dispatcher });
    expect(sweep.ended).toEqual([scheduledRunId(schedule.id, '2026-11-20T00:00:00Z')]);
    expect(dispatcher.dispatched.map((ref) => ref.runId)).toEqual([scheduledRunId(schedule.id, '2026-11-20T01:00:00Z')]);
    await drain();

    expect(await runOf(schedule, '2026-11-20T00:00:00Z')).toMatchObject({ status: 'failed', error: { kind: 'internal' } });
    expect(await stored(started)).toMatchObject({ status: 'done', counts: { ran: 1, alreadyRan: 0, failed: 1 } });
  });

  it('continues after the sweeper ends a run whose runner died, as the runner would have', async () => {
    const schedule = await hourly({ timeoutSeconds: 30 });
    const held = agent.hold();
    const started = await startBackfill(deps, alice, schedule.id, request({ from: '2026-11-20T00:00:00Z', to: '2026-11-20T02:00:00Z' }));
    void executeQueuedRun(deps, dispatcher.dispatched[0]!).catch(() => undefined);
    executed = 1;
    await held.started;

    clock.advance(10 * 60_000);
    await endOverdueRuns({ runs, schedules, clock, backfills, settings: deps.settings, dispatcher });
    await drain();

    expect(await runOf(schedule, '2026-11-20T00:00:00Z')).toMatchObject({ status: 'timed_out' });
    expect(await stored(started)).toMatchObject({ status: 'done', counts: { ran: 1, alreadyRan: 0, failed: 1 } });
    held.release();
  });
});

describe('stopping', () => {
  it('answers 402 when the budget is already spent, and stores nothing', async () => {
    const schedule = await hourly();
    configure({ runQuotas: { tenants: { acme: 0 } } });

    const error = await rejectionOf(
      startBackfill(deps, alice, schedule.id, request({ from: '2026-11-20T00:00:00Z', to: '2026-11-20T03:00:00Z' })),
      BudgetExhaustedError,
    );

    expect(error.code).toBe('budget_exhausted');
    expect(backfills.items.size).toBe(0);
    expect(runs.items.size).toBe(0);
  });

  it('stops with reason budget when the budget runs out: the remaining occurrences are not run', async () => {
    const schedule = await hourly();
    configure({ runQuotas: { tenants: { acme: 2 } } });

    const started = await startBackfill(deps, alice, schedule.id, request({ from: '2026-11-20T00:00:00Z', to: '2026-11-20T04:00:00Z' }));
    await drain();

    expect(calledAt()).toEqual(['2026-11-20T00:00:00Z', '2026-11-20T01:00:00Z']);
    expect(await runOf(schedule, '2026-11-20T02:00:00Z')).toBeUndefined();
    const stopped = (await stored(started))!;
    expect(stopped).toMatchObject({
      status: 'stopped',
      stopReason: 'budget',
      nextOccurrence: '2026-11-20T02:00:00Z',
      counts: { ran: 2, alreadyRan: 0, failed: 0 },
    });
    expect(presentBackfill(stopped)).toMatchObject({ remaining: 2, nextRunId: scheduledRunId(schedule.id, '2026-11-20T02:00:00Z') });
    expect(await continueBackfill(deps, started)).toEqual(stopped);
  });

  it('stops with reason schedule_deleted when its schedule is deleted: the run in flight is skipped, no other starts', async () => {
    const schedule = await hourly();
    const started = await startBackfill(deps, alice, schedule.id, request({ from: '2026-11-20T00:00:00Z', to: '2026-11-20T03:00:00Z' }));

    await deleteSchedule(deps, alice, schedule.id);
    await drain();

    expect(agent.calls).toEqual([]);
    expect(await runOf(schedule, '2026-11-20T00:00:00Z')).toMatchObject({ status: 'skipped', reason: 'deleted' });
    expect(dispatcher.dispatched).toHaveLength(1);
    expect(await stored(started)).toMatchObject({
      status: 'stopped',
      stopReason: 'schedule_deleted',
      nextOccurrence: '2026-11-20T01:00:00Z',
      counts: { ran: 0, alreadyRan: 0, failed: 1 },
    });
  });
});

describe('reading a backfill', () => {
  it('shows its progress under its schedule to whoever may see the schedule, and 404 to anyone else or under another schedule', async () => {
    const schedule = await hourly({ team: false });
    const other = await hourly({ name: 'Other' });
    const started = await startBackfill(deps, alice, schedule.id, request({ from: '2026-11-20T00:00:00Z', to: '2026-11-20T03:00:00Z' }));

    const read = await getBackfill(deps, alice, schedule.id, started.id);
    expect(presentBackfill(read)).toEqual({
      id: started.id,
      object: 'backfill',
      scheduleId: schedule.id,
      userId: 'alice',
      from: '2026-11-20T00:00:00Z',
      to: '2026-11-20T03:00:00Z',
      status: 'running',
      stopReason: null,
      occurrences: 3,
      counts: { ran: 0, alreadyRan: 0, failed: 0 },
      remaining: 3,
      nextOccurrence: '2026-11-20T00:00:00Z',
      nextRunId: scheduledRunId(schedule.id, '2026-11-20T00:00:00Z'),
      createdAt: NOW.toISOString(),
      updatedAt: NOW.toISOString(),
    });
    for (const [principal, scheduleId, id] of [
      [bob, schedule.id, started.id],
      [mallory, schedule.id, started.id],
      [alice, other.id, started.id],
      [alice, schedule.id, 'bf_NoSuchBackfill'],
      [alice, schedule.id, 'not-an-id'],
    ] as const) {
      await rejectionOf(getBackfill(deps, principal, scheduleId, id), NotFoundError);
    }
  });
});

describe('other runs', () => {
  it('continue no backfill when they end', async () => {
    const schedule = await hourly();
    const run: Run = makeRun({ tenantId: 'acme', id: 'run_x', scheduleId: schedule.id, userId: 'alice', trigger: 'manual', status: 'succeeded', expiresAt: 0 });
    expect(await continueAfterRun(deps, run)).toBeUndefined();
    expect(backfills.writes).toEqual([]);
  });
});
