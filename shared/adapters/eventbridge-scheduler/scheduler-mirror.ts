// The SchedulerMirror on EventBridge Scheduler: one schedule per stored schedule, each invoking the runner Lambda.
import { SCHEDULER_ENV } from '../../config.ts';
import { nextRunsOfSchedulerExpression, parseSchedulerExpression } from '../../expressions/index.ts';
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  UpdateScheduleCommand,
  type CreateScheduleCommandInput,
  SchedulerClient,
  type UpdateScheduleCommandInput,
} from '@aws-sdk/client-scheduler';
import type { Clock } from '../../ports/clock.ts';
import { SchedulerRejectedError, scheduledEventTemplate, type MirroredSchedule, type SchedulerMirror } from '../../ports/scheduler-mirror.ts';

export interface SchedulerMirrorConfig {
  groupName: string;
  runnerArn: string;
  roleArn: string;
  deadLetterArn: string;
  maximumRetryAttempts: number;
  maximumEventAgeInSeconds: number;
}

/** EventBridge Scheduler's limit on a schedule's description. */
export const MAX_DESCRIPTION_LENGTH = 512;

/** A request both CreateSchedule and UpdateSchedule accept: the schedule's whole definition. */
export type ScheduleRequest = CreateScheduleCommandInput & UpdateScheduleCommandInput;

/**
 * The full EventBridge definition of a mirrored schedule, sent alike on create and on update (which replaces it).
 * A startAt that has passed is not sent: EventBridge refuses a StartDate more than 5 minutes old, and a schedule
 * already under way needs none.
 */
export function toScheduleRequest(schedule: MirroredSchedule, config: SchedulerMirrorConfig, now: Date = new Date()): ScheduleRequest {
  return {
    Name: schedule.name,
    GroupName: config.groupName,
    ScheduleExpression: schedule.expression,
    ScheduleExpressionTimezone: schedule.timezone,
    State: schedule.enabled ? 'ENABLED' : 'DISABLED',
    FlexibleTimeWindow: schedule.flexibleWindowMinutes ? { Mode: 'FLEXIBLE', MaximumWindowInMinutes: schedule.flexibleWindowMinutes } : { Mode: 'OFF' },
    Description: schedule.description.slice(0, MAX_DESCRIPTION_LENGTH),
    Target: {
      Arn: config.runnerArn,
      RoleArn: config.roleArn,
      Input: scheduledEventTemplate(schedule.tenantId, schedule.name, schedule.agentId ?? null),
      RetryPolicy: {
        MaximumRetryAttempts: config.maximumRetryAttempts,
        MaximumEventAgeInSeconds: config.maximumEventAgeInSeconds,
      },
      DeadLetterConfig: { Arn: config.deadLetterArn },
    },
    ...(schedule.oneTime ? { ActionAfterCompletion: 'DELETE' as const } : { ActionAfterCompletion: 'NONE' as const }),
    ...startDateOf(schedule, now),
    ...(schedule.endAt ? { EndDate: new Date(schedule.endAt) } : {}),
  };
}

/**
 * The StartDate to send. A rate schedule's runs are counted from it, so it always goes: its anchor while that is ahead,
 * else its first run from now on (same phase). A cron's goes only while ahead; once passed none is needed.
 */
function startDateOf(schedule: MirroredSchedule, now: Date): { StartDate?: Date } {
  if (!schedule.startAt) return {};
  const startAt = new Date(schedule.startAt);
  if (startAt.getTime() > now.getTime()) return { StartDate: startAt };
  if (parseSchedulerExpression(schedule.expression).kind !== 'rate') return {};
  const [next] = nextRunsOfSchedulerExpression(schedule.expression, schedule.timezone, new Date(now.getTime() - 1), 1, { startDate: startAt });
  return next ? { StartDate: next } : {};
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && error.name === 'ResourceNotFoundException';
}

/** EventBridge errors that say the request itself is wrong (not that the service is busy or down). */
const REJECTIONS = new Set(['ValidationException', 'ServiceQuotaExceededException']);

/** Sends a command; a refusal of the definition becomes SchedulerRejectedError, anything else propagates unchanged. */
async function sendOrRejected<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (error instanceof Error && REJECTIONS.has(error.name)) throw new SchedulerRejectedError(`${error.name}: ${error.message}`, { cause: error });
    throw error;
  }
}

export class EventBridgeSchedulerMirror implements SchedulerMirror {
  readonly #client: SchedulerClient;
  readonly #config: SchedulerMirrorConfig;
  readonly #clock: Clock | undefined;

  constructor({ client, config, clock }: { client: SchedulerClient; config: SchedulerMirrorConfig; clock?: Clock }) {
    this.#client = client;
    this.#config = config;
    this.#clock = clock;
  }

  #request(schedule: MirroredSchedule): ScheduleRequest {
    return toScheduleRequest(schedule, this.#config, this.#clock?.now() ?? new Date());
  }

  async create(schedule: MirroredSchedule): Promise<void> {
    const request = this.#request(schedule);
    await sendOrRejected(() => this.#client.send(new CreateScheduleCommand(request)));
  }

  /**
   * Replaces the whole definition. A schedule that is gone (a one-time schedule EventBridge deleted after it
   * fired, or one removed out of band) is created again, so the mirror always ends up matching the store.
   */
  async update(schedule: MirroredSchedule): Promise<void> {
    const request = this.#request(schedule);
    try {
      await sendOrRejected(() => this.#client.send(new UpdateScheduleCommand(request)));
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await sendOrRejected(() => this.#client.send(new CreateScheduleCommand(request)));
    }
  }

  async delete(name: string): Promise<void> {
    try {
      await this.#client.send(new DeleteScheduleCommand({ Name: name, GroupName: this.#config.groupName }));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new Error(`Missing environment variable ${name} (needed by the EventBridge Scheduler mirror).`);
  return value;
}

function nonNegativeInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`Environment variable ${name} must be a non-negative integer, got "${raw}".`);
  }
  return value;
}

/** The mirror's configuration from the Lambda environment; fails fast, naming the variable that is missing. */
export function schedulerMirrorConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SchedulerMirrorConfig {
  return {
    groupName: required(env, SCHEDULER_ENV.groupName),
    runnerArn: required(env, SCHEDULER_ENV.runnerArn),
    roleArn: required(env, SCHEDULER_ENV.roleArn),
    deadLetterArn: required(env, SCHEDULER_ENV.deadLetterArn),
    maximumRetryAttempts: nonNegativeInteger(env, SCHEDULER_ENV.maxRetryAttempts, 3),
    maximumEventAgeInSeconds: nonNegativeInteger(env, SCHEDULER_ENV.maxEventAgeSeconds, 3600),
  };
}

/** The mirror the deployment uses: a Scheduler client (wrapped by `instrument`, e.g. X-Ray) and the target settings from the environment. */
export function eventBridgeSchedulerMirror(clock: Clock, instrument: <T>(client: T) => T = (client) => client): EventBridgeSchedulerMirror {
  return new EventBridgeSchedulerMirror({ client: instrument(new SchedulerClient({})), config: schedulerMirrorConfigFromEnv(), clock });
}
