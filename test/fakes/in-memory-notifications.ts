// In-memory notification ports: the delivery log and tenant default with the DynamoDB adapters' contract, a queue that
// keeps what was enqueued (or refuses it), and a webhook sender that answers from a script.
import type { NotifyTarget } from '#shared/domain/notification.ts';
import type {
  NotificationDelivery,
  NotificationLog,
  NotificationMessage,
  NotificationQueue,
  NotificationSettingsStore,
  WebhookAnswer,
  WebhookRequest,
  WebhookSender,
} from '#shared/ports/notifications.ts';

const clone = <T>(value: T): T => structuredClone(value);

export class InMemoryNotificationLog implements NotificationLog {
  readonly items = new Map<string, NotificationDelivery>();
  /** Every record call, in order (what each attempt wrote). */
  readonly writes: NotificationDelivery[] = [];

  private key = (tenantId: string, scheduleId: string | null, id: string) => `${tenantId}/${scheduleId ?? '_tenant'}/${id}`;

  async record(delivery: NotificationDelivery): Promise<void> {
    this.writes.push(clone(delivery));
    const key = this.key(delivery.tenantId, delivery.scheduleId, delivery.id);
    const stored = this.items.get(key);
    if (stored && stored.attempts > delivery.attempts) return;
    this.items.set(key, clone(delivery));
  }

  async listRecent(tenantId: string, scheduleId: string | null, limit: number): Promise<NotificationDelivery[]> {
    const prefix = `${tenantId}/${scheduleId ?? '_tenant'}/`;
    return [...this.items]
      .filter(([key]) => key.startsWith(prefix))
      .map(([, delivery]) => delivery)
      .sort((a, b) => Buffer.compare(Buffer.from(b.id), Buffer.from(a.id)))
      .slice(0, limit)
      .map(clone);
  }
}

export class InMemoryNotificationSettings implements NotificationSettingsStore {
  readonly items = new Map<string, NotifyTarget[]>();
  /** How often the default was read (emitting for a schedule with its own notify reads none). */
  reads = 0;

  async get(tenantId: string): Promise<NotifyTarget[]> {
    this.reads += 1;
    return clone(this.items.get(tenantId) ?? []);
  }

  async put(tenantId: string, targets: NotifyTarget[]): Promise<void> {
    this.items.set(tenantId, clone(targets));
  }
}

/** Keeps every enqueued message; `failWith` makes enqueue reject (SQS down). */
export class RecordingNotificationQueue implements NotificationQueue {
  readonly messages: NotificationMessage[] = [];
  failWith: Error | undefined;

  async enqueue(messages: NotificationMessage[]): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.messages.push(...clone(messages));
  }
}

/** Answers each POST with the next scripted answer (the last one repeats); an Error in the script is thrown. */
export class ScriptedWebhookSender implements WebhookSender {
  readonly requests: WebhookRequest[] = [];

  constructor(private readonly script: (WebhookAnswer | Error)[]) {}

  async post(request: WebhookRequest): Promise<WebhookAnswer> {
    this.requests.push(clone(request));
    const answer = this.script[Math.min(this.requests.length - 1, this.script.length - 1)]!;
    if (answer instanceof Error) throw answer;
    return answer;
  }
}
