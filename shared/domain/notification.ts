// Notifications: which events a schedule (or a tenant, by default) sends to which webhook, and in which body shape.
import * as z from 'zod/mini';
import { maxChars, maxItems, minItems } from './length-checks.ts';

export const NOTIFY_EVENTS = [
  'run.failed',
  'run.timed_out',
  'run.succeeded',
  'schedule.recovered',
  'schedule.auto_paused',
  'schedule.missed',
  'batch.finished',
] as const;

export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

/** At most this many webhooks per schedule (and per tenant default). */
export const MAX_NOTIFY_TARGETS = 5;

export const NotifyTargetSchema = z.strictObject({
  on: z
    .array(z.enum(NOTIFY_EVENTS))
    .check(
      minItems(1, 'on must name at least one event, e.g. ["run.failed"]'),
      maxItems(NOTIFY_EVENTS.length),
      z.meta({ description: `Events to send: ${NOTIFY_EVENTS.join(', ')}.` }),
    ),
  url: z.string().check(
    maxChars(2048),
    z.refine((value) => /^https?:\/\/[^\s]+$/i.test(value), { message: 'url must be an http(s) URL, e.g. https://hooks.example.com/agent-schedules' }),
    z.meta({ description: 'Where the POST goes. The same SSRF guard as agent URLs applies when it is delivered.' }),
  ),
  format: z
    .optional(z.enum(['json', 'slack']))
    .check(z.meta({ description: 'json (default): the event as JSON. slack: a body with a "text" field, as Slack-compatible incoming webhooks take.' })),
});

export type NotifyTarget = z.infer<typeof NotifyTargetSchema>;

export const NotifyTargetsSchema = z
  .array(NotifyTargetSchema)
  .check(
    maxItems(MAX_NOTIFY_TARGETS),
    z.meta({ description: `Webhooks told about this schedule's runs (at most ${MAX_NOTIFY_TARGETS}); null or absent: the tenant default.` }),
  );
