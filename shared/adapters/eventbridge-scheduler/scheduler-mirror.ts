// The SchedulerMirror on EventBridge Scheduler: one schedule per stored schedule, each invoking the runner Lambda.
import { SCHEDULER_ENV } from '../../config.ts';
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  UpdateScheduleCommand,
  type CreateScheduleCommandInput,
  type SchedulerClient,
  type UpdateScheduleCommandInput,
} from '@aws-sdk/client-scheduler';
import { scheduledEventTemplate, type MirroredSchedule, type SchedulerMirror } from '#shared/ports/scheduler-mirror.ts';

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

/** The full EventBridge definition of a mirrored schedule, sent alike on create and on update (which replaces it). */
export function toScheduleRequest(schedule: MirroredSchedule, config: SchedulerMirrorConfig): ScheduleRequest {
  return {
    Name: schedule.name,
    GroupName: config.groupName,
    ScheduleExpression: schedule.expression,
    ScheduleExpressionTimezone: schedule.timezone,
    State: schedule.enabled ? 'ENABLED' : 'DISABLED',
    FlexibleTimeWindow: { Mode: 'OFF' },
    Description: schedule.description.slice(0, MAX_DESCRIPTION_LENGTH),
    Target: {
      Arn: config.runnerArn,
      RoleArn: config.roleArn,
      Input: scheduledEventTemplate(schedule.tenantId, schedule.name),
      RetryPolicy: {
        MaximumRetryAttempts: config.maximumRetryAttempts,
        MaximumEventAgeInSeconds: config.maximumEventAgeInSeconds,
      },
      DeadLetterConfig: { Arn: config.deadLetterArn },
    },
    ...(schedule.oneTime ? { ActionAfterCompletion: 'DELETE' as const } : { ActionAfterCompletion: 'NONE' as const }),
    ...(schedule.startAt ? { StartDate: new Date(schedule.startAt) } : {}),
    ...(schedule.endAt ? { EndDate: new Date(schedule.endAt) } : {}),
  };
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && error.name === 'ResourceNotFoundException';
}

export class EventBridgeSchedulerMirror implements SchedulerMirror {
  readonly #client: SchedulerClient;
  readonly #config: SchedulerMirrorConfig;

  constructor({ client, config }: { client: SchedulerClient; config: SchedulerMirrorConfig }) {
    this.#client = client;
    this.#config = config;
  }

  async create(schedule: MirroredSchedule): Promise<void> {
    await this.#client.send(new CreateScheduleCommand(toScheduleRequest(schedule, this.#config)));
  }

  /**
   * Replaces the whole definition. A schedule that is gone (a one-time schedule EventBridge deleted after it
   * fired, or one removed out of band) is created again, so the mirror always ends up matching the store.
   */
  async update(schedule: MirroredSchedule): Promise<void> {
    const request = toScheduleRequest(schedule, this.#config);
    try {
      await this.#client.send(new UpdateScheduleCommand(request));
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await this.#client.send(new CreateScheduleCommand(request));
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
