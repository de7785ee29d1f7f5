// Wiring for notifications: the queue (SQS on AWS, the local server's in-process queue), the delivery log and tenant
// default in DynamoDB, and the deliverer (signed with the agents' signing secret, through the agents' SSRF guard).
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ENV, requireEnv } from '../config.ts';
import type { Clock } from '../ports/clock.ts';
import type { NotificationLog, NotificationQueue, NotificationSettingsStore } from '../ports/notifications.ts';
import type { ScheduleStore } from '../ports/schedule-store.ts';
import { deliverNotification, type DeliverDeps } from '../use-cases/deliver-notification.ts';
import type { NotifyDeps } from '../use-cases/notifications.ts';
import { DynamoNotificationLog, DynamoNotificationSettings } from '../adapters/dynamodb/notification-store.ts';
import { LocalNotificationQueue } from '../adapters/notifications/local-queue.ts';
import { consumeNotificationBatch, sqsHider } from '../adapters/notifications/sqs-consumer.ts';
import { SqsNotificationQueue, createSqsClient } from '../adapters/notifications/sqs-queue.ts';
import { GuardedWebhookSender } from '../adapters/notifications/webhook-sender.ts';
import { signingSecret } from './signing.ts';
import { logger } from '../logger.ts';
import { clock, once, overrides, settings } from './runtime.ts';
import { documentClient, tableName } from './storage.ts';
import { scheduleStore } from './stores.ts';

/** Set by the local server (useLocalNotifications): the in-process queue instead of SQS. */
let localQueue: LocalNotificationQueue | undefined;

export const notificationLog = () => once('notificationLog', () => new DynamoNotificationLog({ client: documentClient(), tableName: tableName() }));
export const notificationSettings = () =>
  once('notificationSettings', () => new DynamoNotificationSettings({ client: documentClient(), tableName: tableName() }));

const sqsClient = () =>
  once('sqsClient', () => {
    const client = createSqsClient();
    return overrides.instrument ? overrides.instrument(client) : client;
  });
const queueUrl = (): string => requireEnv(ENV.notificationQueueUrl);

function notificationQueue(): NotificationQueue {
  return localQueue ?? once('notificationQueue', () => new SqsNotificationQueue({ client: sqsClient(), queueUrl }));
}

/**
 * What emitting needs (the runner and the sweeper pass it to notifyRunEnded / notifyMissed). Never throws: the queue
 * is looked up at each enqueue (the local server sets its own after the deps are built), and a missing
 * NOTIFICATION_QUEUE_URL only fails that enqueue, which is logged.
 */
export async function notifyDeps(): Promise<NotifyDeps> {
  return {
    queue: { enqueue: (messages) => notificationQueue().enqueue(messages) },
    defaults: notificationSettings(),
    clock: clock(),
    settings: settings(),
    log: (message, details) => logger.warn(message, details),
  };
}

/** The agents' guard options (ALLOWED_AGENT_HOSTS, ALLOW_PRIVATE_AGENT_TARGETS, and the local server's loopback). */
function guardOptions() {
  const allowedHosts = (process.env[ENV.allowedAgentHosts] ?? '')
    .split(',')
    .map((host) => host.trim())
    .filter(Boolean);
  return {
    allowedHosts,
    allowPrivateTargets: overrides.agentOptions?.allowPrivateTargets ?? process.env[ENV.allowPrivateAgentTargets] === 'true',
    allowLoopback: overrides.agentOptions?.allowLoopback ?? false,
  };
}

/** The clock as it is at each call (the local server replaces it after the first deps may have been built). */
const currentClock: Clock = { now: () => clock().now() };

export async function deliverDeps(): Promise<DeliverDeps> {
  const secret = await signingSecret();
  return {
    sender: once('webhookSender', () => new GuardedWebhookSender({ signingSecret: secret, guard: guardOptions(), clock: currentClock })),
    log: notificationLog(),
    clock: currentClock,
  };
}

/** The deliver-notifications function: one SQS batch, answered with the records to redeliver. */
export async function deliverNotificationBatch(event: SQSEvent): Promise<SQSBatchResponse> {
  const deps = await deliverDeps();
  return consumeNotificationBatch(
    {
      deliver: (message) => deliverNotification(deps, message),
      hide: sqsHider(sqsClient(), queueUrl),
      log: (message, details) => logger.error(message, details),
    },
    event,
  );
}

/**
 * The local server's queue: deliveries happen in process after the request that emitted them, retries fall due on
 * `clock` (the server's, which tests move). Replaces (and stops) the previous server's.
 */
export function useLocalNotifications(options: { clock: Clock; pollMs?: number }): LocalNotificationQueue {
  void localQueue?.stop();
  localQueue = new LocalNotificationQueue({
    clock: options.clock,
    ...(options.pollMs === undefined ? {} : { pollMs: options.pollMs }),
    deliver: async (message) => deliverNotification(await deliverDeps(), message),
    onError: (error, message) =>
      console.error(`local notifications: delivery ${message.deliveryId} (${message.event}) could not be made or recorded; tried again later:`, error),
  });
  return localQueue;
}

/** The notification routes: schedules (visibility), the delivery log and the tenant default. */
export async function notificationRouteDeps(): Promise<{ schedules: ScheduleStore; notifications: NotificationLog; defaults: NotificationSettingsStore }> {
  return { schedules: scheduleStore(), notifications: notificationLog(), defaults: notificationSettings() };
}
