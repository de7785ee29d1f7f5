// Notifications' ports: the queue events wait in for delivery, the delivery log users read, the tenant's default
// webhooks, and the signed, SSRF-guarded webhook POST.
import type { NotifyEvent, NotifyTarget } from '../domain/notification.ts';
import type { RunStatus, RunTrigger } from '../domain/run.ts';

/** What a notification says about the run it is about (never its output). */
export interface NotificationRunSummary {
  id: string;
  status: RunStatus;
  trigger: RunTrigger;
  scheduledTime: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  error: { message: string; kind: string } | null;
}

/** The content of one event, the same for every webhook it goes to (each target's format shapes the body). */
export interface NotificationPayload {
  /** The event id: the same however often the event is emitted or delivered (receivers dedupe by it). */
  id: string;
  event: NotifyEvent;
  occurredAt: string;
  schedule: { id: string; name: string } | null;
  run: NotificationRunSummary | null;
  /** Where to see it: the run (or the schedule) in the API, absolute when PUBLIC_BASE_URL is set. */
  link: string | null;
  /** What some events add (batch.finished: the batch's counts). */
  details?: Record<string, unknown>;
}

/** One event for one webhook: what the queue carries and the deliverer sends. */
export interface NotificationMessage {
  /** The delivery log entry: one per (event, target), the same on every emission of the event. */
  deliveryId: string;
  eventId: string;
  event: NotifyEvent;
  tenantId: string;
  /** The schedule the delivery is listed under; null for events of no schedule (kept under the tenant). */
  scheduleId: string | null;
  target: NotifyTarget;
  payload: NotificationPayload;
  /** The attempt this delivery is at: 1 for the first POST. */
  attempt: number;
}

/** What one attempt came to: delivered, failed for good, or to be tried again after delayMs as `next` (one attempt on). */
export type DeliveryOutcome = { status: 'delivered' } | { status: 'failed' } | { status: 'retry'; delayMs: number; next: NotificationMessage };

/** Where emitted events wait for delivery: SQS on AWS, an in-process queue locally. */
export interface NotificationQueue {
  enqueue(messages: NotificationMessage[]): Promise<void>;
}

/** pending: not delivered yet, another attempt comes at nextAttemptAt; failed: every attempt failed. */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One (event, webhook) delivery as users see it in GET /v1/schedules/{id}/notifications. */
export interface NotificationDelivery {
  tenantId: string;
  scheduleId: string | null;
  id: string;
  eventId: string;
  event: NotifyEvent;
  /** The webhook URL without its query string and fragment (tokens often travel there). */
  url: string;
  format: 'json' | 'slack';
  status: DeliveryStatus;
  attempts: number;
  /** The HTTP status of the last attempt; null when it got no answer (network error, refused by the SSRF guard). */
  lastResponseCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  updatedAt: string;
  /** Epoch seconds: DynamoDB removes the entry after this. */
  expiresAt: number;
}

export interface NotificationLog {
  /**
   * Creates or replaces a delivery's entry, unless the stored one has seen more attempts (a late or repeated
   * delivery of an older attempt never overwrites a newer outcome).
   */
  record(delivery: NotificationDelivery): Promise<void>;
  /** A schedule's (or, with null, the tenant's own) deliveries, newest first, at most `limit`. */
  listRecent(tenantId: string, scheduleId: string | null, limit: number): Promise<NotificationDelivery[]>;
}

/** The tenant default: webhooks of every schedule whose `notify` is null or absent. */
export interface NotificationSettingsStore {
  /** The tenant's default webhooks; [] when it set none. */
  get(tenantId: string): Promise<NotifyTarget[]>;
  put(tenantId: string, targets: NotifyTarget[]): Promise<void>;
}

export interface WebhookRequest {
  url: string;
  body: string;
  /** Headers besides the ones the sender owns (content length, user agent, signature). */
  headers: Record<string, string>;
}

export interface WebhookAnswer {
  status: number;
  /** The start of the answer's body, for the delivery log's lastError. */
  body: string;
}

/** POSTs a signed body to a webhook through the SSRF guard; any HTTP answer resolves, no answer rejects with why. */
export interface WebhookSender {
  post(request: WebhookRequest, signal: AbortSignal): Promise<WebhookAnswer>;
}
