// The SchedulerMirror for the local server: keeps the EventBridge expressions in memory and fires them when EventBridge would.
import { createHash, randomUUID } from 'node:crypto';
import { nextRunsOfSchedulerExpression } from '#shared/expressions/index.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { MirroredSchedule, ScheduledEvent, SchedulerMirror } from '#shared/ports/scheduler-mirror.ts';

/** Like EventBridge's ConflictException: a schedule with that name already exists. */
export class LocalConflictError extends Error {
  constructor(name: string) {
    super(`Schedule ${name} already exists.`);
    this.name = 'LocalConflictError';
  }
}

export interface LocalSchedulerOptions {
  clock: Clock;
  /** Delivers the event to the runner, as EventBridge invokes the runner Lambda. */
  fire: (event: ScheduledEvent) => Promise<void> | void;
  /** Called when `fire` throws; defaults to logging. Firing goes on either way. */
  onError?: (error: unknown, event: ScheduledEvent) => void;
}

interface Entry {
  schedule: MirroredSchedule;
  /** Fire times at or before this instant (epoch ms) have been dealt with. */
  lastChecked: number;
}

/** Fire times are asked for in batches that start small (a tick usually has none due) and grow while catching up. */
const FIRST_BATCH = 4;
const MAX_BATCH = 256;

/** EventBridge's <aws.scheduler.scheduled-time>: UTC ISO 8601 without milliseconds. */
function schedulerTime(instant: Date): string {
  return instant.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function defaultOnError(error: unknown, event: ScheduledEvent): void {
  console.error(`local scheduler: firing ${event.scheduleId} for ${event.scheduledTime} failed`, error);
}

/** Copies so later changes to the caller's object do not leak in (EventBridge keeps its own copy too). */
function copy(schedule: MirroredSchedule): MirroredSchedule {
  return { ...schedule };
}

export class LocalScheduler implements SchedulerMirror {
  readonly #clock: Clock;
  readonly #fire: (event: ScheduledEvent) => Promise<void> | void;
  readonly #onError: (error: unknown, event: ScheduledEvent) => void;
  readonly #entries = new Map<string, Entry>();
  #timer: NodeJS.Timeout | undefined;
  /** Fires started and not yet finished, so stop() can wait for them. */
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor({ clock, fire, onError }: LocalSchedulerOptions) {
    this.#clock = clock;
    this.#fire = fire;
    this.#onError = onError ?? defaultOnError;
  }

  async create(schedule: MirroredSchedule): Promise<void> {
    if (this.#entries.has(schedule.name)) throw new LocalConflictError(schedule.name);
    this.#put(schedule, this.#clock.now().getTime());
  }

  /** Replaces the definition; occurrences before now are not fired. A missing schedule is created. */
  async update(schedule: MirroredSchedule): Promise<void> {
    this.#put(schedule, this.#clock.now().getTime());
  }

  async delete(name: string): Promise<void> {
    this.#entries.delete(name);
  }

  /** Replaces all state, e.g. from the store at server start; only fire times after `since` will fire. */
  load(schedules: MirroredSchedule[], since: Date): void {
    const entries = schedules.map((schedule) => {
      validate(schedule);
      return [schedule.name, { schedule: copy(schedule), lastChecked: since.getTime() }] as const;
    });
    this.#entries.clear();
    for (const [name, entry] of entries) this.#entries.set(name, entry);
  }

  list(): MirroredSchedule[] {
    return [...this.#entries.values()].map((entry) => copy(entry.schedule));
  }

  /** The next time the schedule will fire (possibly already due, awaiting the next tick), if ever. */
  nextFireTime(name: string): Date | undefined {
    const entry = this.#entries.get(name);
    if (!entry?.schedule.enabled) return undefined;
    return fireTimes(entry.schedule, entry.lastChecked, Number.POSITIVE_INFINITY, 1)[0];
  }

  /** Fires every occurrence due since the last tick, in time order; returns the events fired. */
  async tick(): Promise<ScheduledEvent[]> {
    const now = this.#clock.now().getTime();
    const batches: Array<{ entry: Entry; events: ScheduledEvent[] }> = [];
    // Everything is claimed before the first await, so a concurrent tick never fires an occurrence twice.
    for (const entry of this.#entries.values()) {
      const after = entry.lastChecked;
      if (now <= after) continue;
      entry.lastChecked = now;
      if (!entry.schedule.enabled) continue;
      const due = dueTimes(entry.schedule, fireTimes(entry.schedule, after, now), now);
      // With a flexible window an occurrence whose start is still ahead is left for a later tick.
      if (due.pending) entry.lastChecked = due.pending.getTime() - 1;
      const events = due.times.map((time) => ({
        tenantId: entry.schedule.tenantId,
        scheduleId: entry.schedule.name,
        agentId: entry.schedule.agentId ?? null,
        scheduledTime: schedulerTime(time),
        executionId: randomUUID(),
        attempt: 1,
      }));
      if (events.length > 0) batches.push({ entry, events });
    }
    const firing = Promise.all(batches.map(({ entry, events }) => this.#fireAll(entry, events)));
    this.#inFlight.add(firing);
    void firing.finally(() => this.#inFlight.delete(firing)).catch(() => undefined);
    const fired = await firing;
    return fired.flat().sort((a, b) => a.scheduledTime.localeCompare(b.scheduledTime));
  }

  /**
   * Ticks every `intervalMs` on a real timer that does not keep the process alive. Each tick claims what is due and
   * fires it without waiting for earlier fires: one slow agent never delays another schedule.
   */
  start(intervalMs = 1000): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => {
      this.tick().catch((error: unknown) => console.error('local scheduler: tick failed', error));
    }, intervalMs);
    this.#timer.unref();
  }

  /** Stops the timer and waits for every fire in progress to finish. */
  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  #put(schedule: MirroredSchedule, lastChecked: number): void {
    validate(schedule);
    this.#entries.set(schedule.name, { schedule: copy(schedule), lastChecked });
  }

  /** One schedule's events, one after another; stops if the schedule is changed or deleted meanwhile. */
  async #fireAll(entry: Entry, events: ScheduledEvent[]): Promise<ScheduledEvent[]> {
    const fired: ScheduledEvent[] = [];
    for (const event of events) {
      if (this.#entries.get(entry.schedule.name) !== entry) break;
      fired.push(event);
      try {
        await this.#fire(event);
      } catch (error) {
        try {
          this.#onError(error, event);
        } catch {
          // An onError that throws must not stop the scheduler.
        }
      }
      // ActionAfterCompletion DELETE: a one-time schedule is gone once it has fired.
      if (entry.schedule.oneTime && this.#entries.get(entry.schedule.name) === entry) {
        this.#entries.delete(entry.schedule.name);
      }
    }
    return fired;
  }
}

/**
 * Where in its flexible window an occurrence starts: the same spot for the same schedule and time (a hash of both), as
 * EventBridge picks a time within FlexibleTimeWindow. 0 without a window.
 */
export function flexibleOffsetMs(schedule: Pick<MirroredSchedule, 'name' | 'flexibleWindowMinutes'>, scheduledTime: Date): number {
  const windowMs = (schedule.flexibleWindowMinutes ?? 0) * 60_000;
  if (windowMs === 0) return 0;
  const hash = createHash('sha256').update(`${schedule.name}\n${scheduledTime.toISOString()}`).digest();
  return Math.floor((hash.readUInt32BE(0) / 2 ** 32) * windowMs);
}

/** The occurrences whose start (scheduled time plus window offset) has come, in order; `pending`: the first still ahead. */
function dueTimes(schedule: MirroredSchedule, times: Date[], now: number): { times: Date[]; pending: Date | undefined } {
  const due: Date[] = [];
  for (const time of times) {
    if (time.getTime() + flexibleOffsetMs(schedule, time) > now) return { times: due, pending: time };
    due.push(time);
  }
  return { times: due, pending: undefined };
}

/** A rate schedule's runs are counted from its StartDate (startAt); a cron's start no earlier. */
const anchorOf = (schedule: MirroredSchedule): { startDate?: Date } => (schedule.startAt ? { startDate: new Date(schedule.startAt) } : {});

/** Rejects what EventBridge would reject (an unreadable expression or timezone), at create time not tick time. */
function validate(schedule: MirroredSchedule): void {
  nextRunsOfSchedulerExpression(schedule.expression, schedule.timezone, new Date(0), 1, anchorOf(schedule));
  for (const [field, value] of [
    ['startAt', schedule.startAt],
    ['endAt', schedule.endAt],
  ] as const) {
    if (value !== null && Number.isNaN(new Date(value).getTime())) {
      throw new Error(`Schedule ${schedule.name}: ${field} "${value}" is not a date.`);
    }
  }
}

/**
 * Fire times t with after < t <= until, within StartDate/EndDate (both inclusive), at most `limit`.
 * Like EventBridge, one-time schedules ignore StartDate and EndDate.
 */
function fireTimes(schedule: MirroredSchedule, after: number, until: number, limit = Number.POSITIVE_INFINITY): Date[] {
  let lower = after;
  let upper = until;
  if (!schedule.oneTime) {
    if (schedule.startAt) lower = Math.max(lower, new Date(schedule.startAt).getTime() - 1);
    if (schedule.endAt) upper = Math.min(upper, new Date(schedule.endAt).getTime());
  }
  const times: Date[] = [];
  let cursor = lower;
  let size = FIRST_BATCH;
  while (cursor < upper && times.length < limit) {
    const requested = Math.min(size, limit - times.length);
    size = Math.min(size * 2, MAX_BATCH);
    const batch = nextRunsOfSchedulerExpression(schedule.expression, schedule.timezone, new Date(cursor), requested, anchorOf(schedule));
    for (const time of batch) {
      if (time.getTime() > upper) return times;
      times.push(time);
    }
    const last = batch.at(-1);
    if (!last || batch.length < requested) break;
    cursor = last.getTime();
  }
  return times;
}
