// Emitting notifications: which events a run's end (or a missed fire, a finished batch) makes, to which webhooks, as
// queued messages. Emitting never throws and never waits for a webhook: a failure is logged and the run goes on.
import { createHash } from 'node:crypto';
import type { Settings } from '../config.ts';
import type { NotifyEvent, NotifyTarget } from '../domain/notification.ts';
import type { Run } from '../domain/run.ts';
import type { Schedule } from '../domain/schedule.ts';
import type { Clock } from '../ports/clock.ts';
import type { NotificationMessage, NotificationPayload, NotificationQueue, NotificationRunSummary, NotificationSettingsStore } from '../ports/notifications.ts';

export interface NotifyDeps {
  queue: NotificationQueue;
  /** The tenant default, for schedules whose `notify` is null or absent. */
  defaults: NotificationSettingsStore;
  clock: Clock;
  settings: Pick<Settings, 'publicBaseUrl'>;
  log?: (message: string, details: Record<string, unknown>) => void;
}

export interface RunEnded {
  /** The run in its final state, as recorded. */
  run: Run;
  /** Its schedule as the runner read it before the run (null for a one-off run: those send nothing). */
  schedule: Schedule | null;
  /** The schedule's consecutiveFailures before this run ended: > 0 makes a success a recovery. */
  previousConsecutiveFailures: number;
  /** Whether this run's failure paused the schedule (AUTO_DISABLE_AFTER_FAILURES). */
  autoPaused: boolean;
}

/** An error message in a notification is cut to this many characters. */
const ERROR_MESSAGE_CHARS = 1000;

/**
 * The events a run's end makes: its outcome, plus schedule.recovered on the first success after failures and
 * schedule.auto_paused when its failure paused the schedule. Cancelled and skipped runs make none.
 */
export function eventsForRunEnd(input: Pick<RunEnded, 'run' | 'previousConsecutiveFailures' | 'autoPaused'>): NotifyEvent[] {
  const { run } = input;
  if (run.status === 'succeeded') return input.previousConsecutiveFailures > 0 ? ['run.succeeded', 'schedule.recovered'] : ['run.succeeded'];
  if (run.status === 'failed' || run.status === 'timed_out') {
    const outcome: NotifyEvent = run.status === 'failed' ? 'run.failed' : 'run.timed_out';
    return input.autoPaused ? [outcome, 'schedule.auto_paused'] : [outcome];
  }
  return [];
}

/** The events of a run that ended (see eventsForRunEnd), to the schedule's webhooks or else the tenant default. */
export async function notifyRunEnded(deps: NotifyDeps | undefined, input: RunEnded): Promise<void> {
  const { run, schedule } = input;
  if (!deps || !schedule) return;
  const events = eventsForRunEnd(input);
  if (events.length === 0) return;
  await emit(
    deps,
    run.tenantId,
    schedule,
    events.map((event) => ({ event, subjectId: run.id, run, occurredAt: run.finishedAt ?? undefined })),
  );
}

/** schedule.missed: the sweeper recorded a fire with no run (`run` is that skipped run, reason "missed"). */
export async function notifyMissed(deps: NotifyDeps | undefined, schedule: Schedule, run: Run): Promise<void> {
  if (!deps) return;
  await emit(deps, schedule.tenantId, schedule, [{ event: 'schedule.missed', subjectId: run.id, run, occurredAt: run.finishedAt ?? undefined }]);
}

export interface NotifyDetails {
  /** What the event is about (a batch id): with the event, it makes the event id, so emitting twice is deduped. */
  subjectId: string;
  run?: Run;
  occurredAt?: string;
  /** Where to see it; by default the run's (or the schedule's) API path. */
  link?: string;
  details?: Record<string, unknown>;
}

/**
 * Any event (batch.finished): to the schedule's webhooks, or the tenant default when there is no schedule or it
 * names none.
 */
export async function notify(
  deps: NotifyDeps | undefined,
  tenantId: string,
  schedule: Schedule | null,
  event: NotifyEvent,
  details: NotifyDetails,
): Promise<void> {
  if (!deps) return;
  await emit(deps, tenantId, schedule, [{ event, ...details }]);
}

type Emission = { event: NotifyEvent } & NotifyDetails;

async function emit(deps: NotifyDeps, tenantId: string, schedule: Schedule | null, emissions: Emission[]): Promise<void> {
  try {
    const targets = schedule?.notify ?? (await deps.defaults.get(tenantId));
    const messages = emissions.flatMap((emission) => {
      const payload = payloadOf(deps, schedule, emission);
      return targets.filter((target) => target.on.includes(emission.event)).map((target) => messageFor(tenantId, schedule, payload, target));
    });
    if (messages.length > 0) await deps.queue.enqueue(messages);
  } catch (error) {
    deps.log?.('Could not queue notifications; the run is not affected', {
      tenantId,
      scheduleId: schedule?.id ?? null,
      events: emissions.map((emission) => emission.event),
      error: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown',
    });
  }
}

/** The event id: the same for every emission of one event about one subject, so receivers can dedupe. */
export function eventIdOf(event: NotifyEvent, subjectId: string): string {
  return `${event}:${subjectId}`;
}

function payloadOf(deps: NotifyDeps, schedule: Schedule | null, emission: Emission): NotificationPayload {
  const { run } = emission;
  return {
    id: eventIdOf(emission.event, emission.subjectId),
    event: emission.event,
    occurredAt: emission.occurredAt ?? deps.clock.now().toISOString(),
    schedule: schedule ? { id: schedule.id, name: schedule.name } : null,
    run: run ? runSummary(run) : null,
    link: emission.link ?? linkOf(deps, schedule, run),
    ...(emission.details ? { details: emission.details } : {}),
  };
}

function runSummary(run: Run): NotificationRunSummary {
  return {
    id: run.id,
    status: run.status,
    trigger: run.trigger,
    scheduledTime: run.scheduledTime,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    durationMs: run.durationMs,
    error: run.error ? { message: run.error.message.slice(0, ERROR_MESSAGE_CHARS), kind: run.error.kind } : null,
  };
}

/** `<PUBLIC_BASE_URL>/v1/schedules/{id}/runs/{runId}`; just the path when no base URL is configured. */
function linkOf(deps: NotifyDeps, schedule: Schedule | null, run: Run | undefined): string | null {
  const base = deps.settings.publicBaseUrl ?? '';
  const id = (value: string) => encodeURIComponent(value);
  if (schedule && run) return `${base}/v1/schedules/${id(schedule.id)}/runs/${id(run.id)}`;
  if (run) return `${base}/v1/runs/${id(run.id)}`;
  if (schedule) return `${base}/v1/schedules/${id(schedule.id)}`;
  return null;
}

function messageFor(tenantId: string, schedule: Schedule | null, payload: NotificationPayload, target: NotifyTarget): NotificationMessage {
  return {
    deliveryId: deliveryIdOf(payload.occurredAt, payload.id, target),
    eventId: payload.id,
    event: payload.event,
    tenantId,
    scheduleId: schedule?.id ?? null,
    target,
    payload,
    attempt: 1,
  };
}

/**
 * `ntf_<occurredAt, compact>_<12 hex>`: ordered by time (the delivery log lists newest first by it), and the same for
 * the same (event, target) however often the event is emitted.
 */
export function deliveryIdOf(occurredAt: string, eventId: string, target: Pick<NotifyTarget, 'url' | 'format'>): string {
  const digest = createHash('sha256')
    .update(`${eventId}\n${target.url}\n${target.format ?? 'json'}`)
    .digest('hex')
    .slice(0, 12);
  const compact = new Date(occurredAt).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
  return `ntf_${compact}_${digest}`;
}
