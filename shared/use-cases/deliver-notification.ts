// Delivering one notification: the body in its target's format, one signed POST, the delivery log updated, and whether
// (and when) to try again: 2xx is delivered; anything else is retried with exponential backoff, then failed.
import type { NotifyEvent } from '../domain/notification.ts';
import type { Clock } from '../ports/clock.ts';
import type {
  DeliveryOutcome,
  NotificationDelivery,
  NotificationLog,
  NotificationMessage,
  NotificationPayload,
  WebhookSender,
} from '../ports/notifications.ts';

export interface DeliverDeps {
  sender: WebhookSender;
  log: NotificationLog;
  clock: Clock;
  /** How long one POST may take (default 10 s). */
  timeoutMs?: number;
}

/** Attempts per delivery: the first and four retries. */
export const NOTIFY_MAX_ATTEMPTS = 5;
/** The wait before retry n (after attempt n): 30 s, doubled each time — 30 s, 1 min, 2 min, 4 min. */
export const NOTIFY_FIRST_BACKOFF_MS = 30_000;
/** Delivery log entries are kept this long (DynamoDB TTL). */
export const NOTIFY_LOG_RETENTION_DAYS = 30;
const DEFAULT_TIMEOUT_MS = 10_000;
const ANSWER_EXCERPT_CHARS = 200;

/** The header carrying the event id (the body's `id`): receivers dedupe redeliveries by it. */
export const EVENT_ID_HEADER = 'X-Agent-Schedules-Event-Id';
export const EVENT_HEADER = 'X-Agent-Schedules-Event';
export const ATTEMPT_HEADER = 'X-Agent-Schedules-Delivery-Attempt';

/** How long to wait after attempt `attempt` failed. */
export function retryDelayMs(attempt: number): number {
  return NOTIFY_FIRST_BACKOFF_MS * 2 ** (Math.max(1, attempt) - 1);
}

/** POSTs one message once and records the attempt; throws only when the log cannot be written (then it is redelivered). */
export async function deliverNotification(deps: DeliverDeps, message: NotificationMessage): Promise<DeliveryOutcome> {
  const body = notificationBody(message);
  const headers = {
    'content-type': 'application/json',
    [EVENT_ID_HEADER.toLowerCase()]: message.eventId,
    [EVENT_HEADER.toLowerCase()]: message.event,
    [ATTEMPT_HEADER.toLowerCase()]: String(message.attempt),
  };
  let responseCode: number | null = null;
  let error: string | null = null;
  try {
    const answer = await deps.sender.post({ url: message.target.url, body, headers }, AbortSignal.timeout(deps.timeoutMs ?? DEFAULT_TIMEOUT_MS));
    responseCode = answer.status;
    if (answer.status < 200 || answer.status > 299) {
      const excerpt = answer.body.slice(0, ANSWER_EXCERPT_CHARS).trim();
      error = `The webhook answered HTTP ${answer.status}${excerpt === '' ? '' : `: ${excerpt}`}`;
    }
  } catch (cause) {
    error = cause instanceof Error ? cause.message : String(cause);
  }

  const now = deps.clock.now();
  const delivered = error === null;
  const last = message.attempt >= NOTIFY_MAX_ATTEMPTS;
  const delayMs = retryDelayMs(message.attempt);
  await deps.log.record(
    logEntry(message, now, {
      status: delivered ? 'delivered' : last ? 'failed' : 'pending',
      lastResponseCode: responseCode,
      lastError: error,
      nextAttemptAt: delivered || last ? null : new Date(now.getTime() + delayMs).toISOString(),
    }),
  );
  if (delivered) return { status: 'delivered' };
  if (last) return { status: 'failed' };
  return { status: 'retry', delayMs, next: { ...message, attempt: message.attempt + 1 } };
}

function logEntry(
  message: NotificationMessage,
  now: Date,
  outcome: Pick<NotificationDelivery, 'status' | 'lastResponseCode' | 'lastError' | 'nextAttemptAt'>,
): NotificationDelivery {
  return {
    tenantId: message.tenantId,
    scheduleId: message.scheduleId,
    id: message.deliveryId,
    eventId: message.eventId,
    event: message.event,
    url: displayUrl(message.target.url),
    format: message.target.format ?? 'json',
    attempts: message.attempt,
    ...outcome,
    createdAt: message.payload.occurredAt,
    updatedAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + NOTIFY_LOG_RETENTION_DAYS * 86_400,
  };
}

/** The URL as the log shows it: without query string or fragment, where webhook tokens often travel. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return url.split(/[?#]/)[0]!;
  }
}

/** The POST body: the event as JSON, or `{text}` for Slack-compatible incoming webhooks. */
export function notificationBody(message: NotificationMessage): string {
  const { payload } = message;
  if (message.target.format === 'slack') return JSON.stringify({ text: slackText(payload) });
  return JSON.stringify({
    id: payload.id,
    event: payload.event,
    occurredAt: payload.occurredAt,
    schedule: payload.schedule,
    run: payload.run,
    link: payload.link,
    ...(payload.details ? { details: payload.details } : {}),
  });
}

const HEADLINES: Record<NotifyEvent, string> = {
  'run.failed': 'Run failed',
  'run.timed_out': 'Run timed out',
  'run.succeeded': 'Run succeeded',
  'schedule.recovered': 'Recovered: a run succeeded after failures',
  'schedule.auto_paused': 'Paused after repeated failures',
  'schedule.missed': 'Missed a scheduled run',
  'batch.finished': 'Batch finished',
};

/** Slack's mrkdwn needs &, < and > escaped in text it should not read as markup. */
const escapeSlack = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** One readable line: what happened, to which schedule, why (the error), and a link to the run. */
export function slackText(payload: NotificationPayload): string {
  const parts = [`*${HEADLINES[payload.event]}*`];
  if (payload.schedule) parts.push(`schedule "${escapeSlack(payload.schedule.name)}"`);
  const run = payload.run;
  if (run?.scheduledTime && payload.event === 'schedule.missed') parts.push(`scheduled for ${run.scheduledTime}`);
  if (run?.durationMs !== null && run?.durationMs !== undefined && payload.event !== 'schedule.missed') parts.push(`after ${formatDuration(run.durationMs)}`);
  let text = parts.join(' — ');
  if (run?.error) text += `: ${escapeSlack(`${run.error.kind}: ${run.error.message.slice(0, 300)}`)}`;
  const label = run ? 'View the run' : 'View';
  if (payload.link) text += /^https?:\/\//.test(payload.link) ? ` <${payload.link}|${label}>` : ` (${payload.link})`;
  return text;
}

function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const seconds = Math.round(ms / 1000);
  return seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}
