import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  ThrottlingException,
  UpdateScheduleCommand,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  EventBridgeSchedulerMirror,
  schedulerMirrorConfigFromEnv,
  toScheduleRequest,
  type SchedulerMirrorConfig,
} from '#shared/adapters/eventbridge-scheduler/scheduler-mirror.ts';
import { SchedulerRejectedError, type MirroredSchedule } from '#shared/ports/scheduler-mirror.ts';
import { resolveTiming } from '#shared/expressions/index.ts';

const config: SchedulerMirrorConfig = {
  groupName: 'agent-schedules',
  runnerArn: 'arn:aws:lambda:us-east-1:123456789012:function:runner',
  roleArn: 'arn:aws:iam::123456789012:role/scheduler-invoke-runner',
  deadLetterArn: 'arn:aws:sqs:us-east-1:123456789012:scheduler-dlq',
  maximumRetryAttempts: 3,
  maximumEventAgeInSeconds: 3600,
};

const recurring: MirroredSchedule = {
  name: 'sched_weekdays',
  tenantId: 'tenant_1',
  expression: 'cron(0 9 ? * MON-FRI *)',
  timezone: 'America/New_York',
  enabled: true,
  oneTime: false,
  startAt: null,
  endAt: null,
  description: 'At 09:00, Monday through Friday (America/New_York)',
};

const target = (scheduleId: string, tenantId = 'tenant_1') => ({
  Arn: config.runnerArn,
  RoleArn: config.roleArn,
  Input: JSON.stringify({
    tenantId,
    scheduleId,
    agentId: null,
    scheduledTime: '<aws.scheduler.scheduled-time>',
    executionId: '<aws.scheduler.execution-id>',
    attempt: '<aws.scheduler.attempt-number>',
  }),
  RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
  DeadLetterConfig: { Arn: config.deadLetterArn },
});

const notFound = () => new ResourceNotFoundException({ message: 'gone', Message: 'gone', $metadata: {} });

const scheduler = mockClient(SchedulerClient);
let mirror: EventBridgeSchedulerMirror;

beforeEach(() => {
  scheduler.reset();
  // Before the start dates below, so they are sent.
  mirror = new EventBridgeSchedulerMirror({
    client: new SchedulerClient({ region: 'us-east-1' }),
    config,
    clock: { now: () => new Date('2025-12-01T00:00:00Z') },
  });
});

describe('EventBridgeSchedulerMirror.create', () => {
  it('creates a recurring enabled schedule that invokes the runner with the event template', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    await mirror.create(recurring);
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(1);
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]!.args[0].input).toEqual({
      Name: 'sched_weekdays',
      GroupName: 'agent-schedules',
      ScheduleExpression: 'cron(0 9 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'America/New_York',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Description: 'At 09:00, Monday through Friday (America/New_York)',
      Target: target('sched_weekdays'),
      ActionAfterCompletion: 'NONE',
    });
  });

  it('sends a flexible window as FlexibleTimeWindow FLEXIBLE with its maximum, so runs spread over it', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    await mirror.create({ ...recurring, flexibleWindowMinutes: 15 });
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]!.args[0].input).toEqual({
      Name: 'sched_weekdays',
      GroupName: 'agent-schedules',
      ScheduleExpression: 'cron(0 9 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'America/New_York',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 },
      Description: 'At 09:00, Monday through Friday (America/New_York)',
      Target: target('sched_weekdays'),
      ActionAfterCompletion: 'NONE',
    });
  });

  it('sends a rate schedule with the StartDate that keeps its phase: the anchor while ahead, else its next run', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    // The mirror's clock reads 2025-12-01T00:00:00Z.
    const rate = { ...recurring, expression: 'rate(90 minutes)', timezone: 'UTC', description: 'Every 90 minutes' };
    await mirror.create({ ...rate, startAt: '2025-12-02T10:00:00Z' });
    await mirror.create({ ...rate, startAt: '2025-11-30T22:00:00Z' });
    const sent = scheduler.commandCalls(CreateScheduleCommand).map((call) => call.args[0].input);
    expect(sent.map((input) => [input.ScheduleExpression, input.StartDate?.toISOString()])).toEqual([
      ['rate(90 minutes)', '2025-12-02T10:00:00.000Z'],
      // 22:00, 23:30, 01:00: the first run at or after now, 90 minutes apart from the anchor.
      ['rate(90 minutes)', '2025-12-01T01:00:00.000Z'],
    ]);
  });

  it.each([
    ['0 17 L * *', 'cron(0 17 L * ? *)'],
    ['0 9 15W * *', 'cron(0 9 15W * ? *)'],
    ['0 16 * * 5L', 'cron(0 16 ? * 6L *)'],
    ['0 9 * * 1#2', 'cron(0 9 ? * 2#2 *)'],
    ['0 9 * * SUN#1', 'cron(0 9 ? * 1#1 *)'],
  ])('sends the calendar form %s as %s, in a request otherwise the same as any cron', async (cron, expression) => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    const timing = resolveTiming({ cronExpression: cron, timezone: 'America/New_York' }, { now: new Date('2025-12-01T00:00:00Z') });
    await mirror.create({ ...recurring, expression: timing.schedulerExpression, description: timing.description });
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]!.args[0].input).toEqual({
      Name: 'sched_weekdays',
      GroupName: 'agent-schedules',
      ScheduleExpression: expression,
      ScheduleExpressionTimezone: 'America/New_York',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Description: timing.description,
      Target: target('sched_weekdays'),
      ActionAfterCompletion: 'NONE',
    });
  });

  it('sends a rate with its StartDate and flexible window, the whole request', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    await mirror.create({
      ...recurring,
      expression: 'rate(90 minutes)',
      timezone: 'UTC',
      startAt: '2025-12-02T10:00:00Z',
      flexibleWindowMinutes: 5,
      description: 'Every 90 minutes',
    });
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]!.args[0].input).toEqual({
      Name: 'sched_weekdays',
      GroupName: 'agent-schedules',
      ScheduleExpression: 'rate(90 minutes)',
      ScheduleExpressionTimezone: 'UTC',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 5 },
      Description: 'Every 90 minutes',
      Target: target('sched_weekdays'),
      ActionAfterCompletion: 'NONE',
      StartDate: new Date('2025-12-02T10:00:00Z'),
    });
  });

  it('creates a disabled schedule in the DISABLED state', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    await mirror.create({ ...recurring, enabled: false });
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]!.args[0].input).toEqual({
      Name: 'sched_weekdays',
      GroupName: 'agent-schedules',
      ScheduleExpression: 'cron(0 9 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'America/New_York',
      State: 'DISABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Description: 'At 09:00, Monday through Friday (America/New_York)',
      Target: target('sched_weekdays'),
      ActionAfterCompletion: 'NONE',
    });
  });

  it('creates a one-time at() schedule that EventBridge deletes after it completes', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    await mirror.create({
      ...recurring,
      name: 'sched_once',
      tenantId: 'tenant_2',
      expression: 'at(2026-12-01T09:00:00)',
      timezone: 'Europe/Paris',
      oneTime: true,
      description: 'Once, on 1 December 2026 at 09:00 (Europe/Paris)',
    });
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]!.args[0].input).toEqual({
      Name: 'sched_once',
      GroupName: 'agent-schedules',
      ScheduleExpression: 'at(2026-12-01T09:00:00)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Description: 'Once, on 1 December 2026 at 09:00 (Europe/Paris)',
      Target: target('sched_once', 'tenant_2'),
      ActionAfterCompletion: 'DELETE',
    });
  });

  it('sends startAt and endAt as StartDate and EndDate dates', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    await mirror.create({ ...recurring, startAt: '2026-01-01T00:00:00Z', endAt: '2026-06-30T23:59:59Z' });
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]!.args[0].input).toEqual({
      Name: 'sched_weekdays',
      GroupName: 'agent-schedules',
      ScheduleExpression: 'cron(0 9 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'America/New_York',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Description: 'At 09:00, Monday through Friday (America/New_York)',
      Target: target('sched_weekdays'),
      ActionAfterCompletion: 'NONE',
      StartDate: new Date('2026-01-01T00:00:00Z'),
      EndDate: new Date('2026-06-30T23:59:59Z'),
    });
  });

  it('leaves out a StartDate that has passed, which EventBridge would refuse, and keeps the EndDate', () => {
    const request = toScheduleRequest(
      { ...recurring, startAt: '2026-01-01T00:00:00Z', endAt: '2027-06-30T00:00:00Z' },
      config,
      new Date('2026-03-01T00:00:00Z'),
    );
    expect(request.StartDate).toBeUndefined();
    expect(request.EndDate).toEqual(new Date('2027-06-30T00:00:00Z'));
    expect(toScheduleRequest({ ...recurring, startAt: '2026-04-01T00:00:00Z' }, config, new Date('2026-03-01T00:00:00Z')).StartDate).toEqual(
      new Date('2026-04-01T00:00:00Z'),
    );
  });

  it("turns a ValidationException into SchedulerRejectedError with EventBridge's message, and leaves throttling as it is", async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejectsOnce(
        new ValidationException({
          message: 'The StartDate you specify cannot be earlier than 5 minutes ago.',
          Message: 'The StartDate you specify cannot be earlier than 5 minutes ago.',
          $metadata: {},
        }),
      )
      .rejectsOnce(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} } as never));
    const rejected = await mirror.create(recurring).catch((error: unknown) => error);
    expect(rejected).toBeInstanceOf(SchedulerRejectedError);
    expect((rejected as Error).message).toContain('StartDate you specify cannot be earlier');
    const throttled = await mirror.create(recurring).catch((error: unknown) => error);
    expect((throttled as Error).name).toBe('ThrottlingException');
  });

  it('truncates a description to the 512 characters EventBridge accepts', () => {
    const request = toScheduleRequest({ ...recurring, description: 'x'.repeat(600) }, config);
    expect(request.Description).toBe('x'.repeat(512));
  });

  it('lets a conflict from EventBridge propagate unchanged', async () => {
    const conflict = new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} });
    scheduler.on(CreateScheduleCommand).rejects(conflict);
    await expect(mirror.create(recurring)).rejects.toBe(conflict);
  });
});

describe('EventBridgeSchedulerMirror.update', () => {
  it('sends the full definition, because UpdateSchedule replaces the whole schedule', async () => {
    scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    const changed = { ...recurring, enabled: false, endAt: '2027-01-01T00:00:00Z' };
    await mirror.update(changed);
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(0);
    expect(scheduler.commandCalls(UpdateScheduleCommand)[0]!.args[0].input).toEqual({
      Name: 'sched_weekdays',
      GroupName: 'agent-schedules',
      ScheduleExpression: 'cron(0 9 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'America/New_York',
      State: 'DISABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Description: 'At 09:00, Monday through Friday (America/New_York)',
      Target: target('sched_weekdays'),
      ActionAfterCompletion: 'NONE',
      EndDate: new Date('2027-01-01T00:00:00Z'),
    });
  });

  it('creates the schedule again when EventBridge already deleted it after completion', async () => {
    scheduler.on(UpdateScheduleCommand).rejects(notFound());
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    const once = { ...recurring, name: 'sched_once', expression: 'at(2027-03-01T08:00:00)', oneTime: true };
    await mirror.update(once);
    expect(scheduler.commandCalls(UpdateScheduleCommand)).toHaveLength(1);
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(1);
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]!.args[0].input).toEqual(toScheduleRequest(once, config));
  });

  it('lets other errors propagate unchanged without creating anything', async () => {
    const throttled = new ThrottlingException({ message: 'slow down', Message: 'slow down', $metadata: {} });
    scheduler.on(UpdateScheduleCommand).rejects(throttled);
    await expect(mirror.update(recurring)).rejects.toBe(throttled);
    expect(scheduler.commandCalls(CreateScheduleCommand)).toHaveLength(0);
  });
});

describe('EventBridgeSchedulerMirror.delete', () => {
  it('deletes the schedule by name in the group', async () => {
    scheduler.on(DeleteScheduleCommand).resolves({});
    await mirror.delete('sched_weekdays');
    expect(scheduler.commandCalls(DeleteScheduleCommand)).toHaveLength(1);
    expect(scheduler.commandCalls(DeleteScheduleCommand)[0]!.args[0].input).toEqual({
      Name: 'sched_weekdays',
      GroupName: 'agent-schedules',
    });
  });

  it('succeeds when the schedule is already gone', async () => {
    scheduler.on(DeleteScheduleCommand).rejects(notFound());
    await expect(mirror.delete('sched_weekdays')).resolves.toBeUndefined();
  });

  it('lets other errors propagate unchanged', async () => {
    const throttled = new ThrottlingException({ message: 'slow down', Message: 'slow down', $metadata: {} });
    scheduler.on(DeleteScheduleCommand).rejects(throttled);
    await expect(mirror.delete('sched_weekdays')).rejects.toBe(throttled);
  });
});

describe('schedulerMirrorConfigFromEnv', () => {
  const env = {
    SCHEDULE_GROUP_NAME: 'agent-schedules',
    RUNNER_FUNCTION_ARN: config.runnerArn,
    SCHEDULER_ROLE_ARN: config.roleArn,
    SCHEDULER_DLQ_ARN: config.deadLetterArn,
  };

  it('reads the configuration, with 3 retries and a one-hour event age by default', () => {
    expect(schedulerMirrorConfigFromEnv(env)).toEqual(config);
  });

  it('reads the retry policy when it is set', () => {
    const configured = schedulerMirrorConfigFromEnv({ ...env, SCHEDULER_MAX_RETRY_ATTEMPTS: '0', SCHEDULER_MAX_EVENT_AGE_SECONDS: '120' });
    expect(configured.maximumRetryAttempts).toBe(0);
    expect(configured.maximumEventAgeInSeconds).toBe(120);
  });

  it.each(Object.keys(env))('fails fast naming %s when it is missing', (name) => {
    const { [name]: _missing, ...rest } = env as Record<string, string>;
    expect(() => schedulerMirrorConfigFromEnv(rest)).toThrow(name);
  });

  it('rejects a retry count that is not a whole number', () => {
    expect(() => schedulerMirrorConfigFromEnv({ ...env, SCHEDULER_MAX_RETRY_ATTEMPTS: 'three' })).toThrow('SCHEDULER_MAX_RETRY_ATTEMPTS');
  });
});
