// The EventBridge adapter (client mocked) behind the schedule use cases: what is sent, and what is undone when it fails.
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  SchedulerClient,
  ThrottlingException,
  UpdateScheduleCommand,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { EventBridgeSchedulerMirror, type SchedulerMirrorConfig } from '#shared/adapters/eventbridge-scheduler/scheduler-mirror.ts';
import { settingsFromEnv } from '#shared/config.ts';
import { MirrorError, ValidationError } from '#shared/domain/errors.ts';
import { setScheduleEnabled } from '#shared/use-cases/set-schedule-enabled.ts';
import type { TenantPrincipal } from '#shared/domain/principal.ts';
import { parseScheduleInput } from '#shared/http/schedules.ts';
import { createSchedule } from '#shared/use-cases/create-schedule.ts';
import type { ScheduleDeps } from '#shared/use-cases/schedule-deps.ts';
import { updateSchedule } from '#shared/use-cases/update-schedule.ts';
import { FixedClock, InMemoryAgentStore, InMemoryScheduleStore, SequentialIds } from '../../fakes/in-memory.ts';
import { answered } from '../../support/answered.ts';

const config: SchedulerMirrorConfig = {
  groupName: 'agent-schedules-prod',
  runnerArn: 'arn:aws:lambda:eu-west-1:123456789012:function:agent-schedules-runner',
  roleArn: 'arn:aws:iam::123456789012:role/agent-schedules-scheduler',
  deadLetterArn: 'arn:aws:sqs:eu-west-1:123456789012:agent-schedules-dlq',
  maximumRetryAttempts: 3,
  maximumEventAgeInSeconds: 3600,
};
const alice: TenantPrincipal = { role: 'tenant', tenantId: 'acme', userId: 'alice', keyId: 'k1' };
const scheduler = mockClient(SchedulerClient);
const throttled = () => new ThrottlingException({ message: 'Rate exceeded', Message: 'Rate exceeded', $metadata: {} } as never);

let store: InMemoryScheduleStore;
let deps: ScheduleDeps;

beforeEach(() => {
  scheduler.reset();
  store = new InMemoryScheduleStore();
  deps = {
    schedules: store,
    agents: new InMemoryAgentStore(),
    mirror: undefined as never,
    clock: new FixedClock(new Date('2026-11-20T00:00:00Z')),
    ids: new SequentialIds(),
    settings: settingsFromEnv({}),
  };
  deps.mirror = new EventBridgeSchedulerMirror({ client: new SchedulerClient({ region: 'eu-west-1' }), config, clock: deps.clock });
});

const weekdays = parseScheduleInput({ name: 'Sales', task: 'Summarise', cronExpression: '0 9 * * 1-5', timezone: 'America/New_York' }).input;

describe('creating through EventBridge Scheduler', () => {
  it('sends one CreateSchedule with the expression, timezone, target, retry policy and dead-letter queue', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });

    const { schedule } = await createSchedule(deps, alice, weekdays);

    expect(scheduler.commandCalls(CreateScheduleCommand).map((call) => call.args[0].input)).toEqual([
      {
        Name: schedule.id,
        GroupName: 'agent-schedules-prod',
        ScheduleExpression: 'cron(0 9 ? * MON-FRI *)',
        ScheduleExpressionTimezone: 'America/New_York',
        State: 'ENABLED',
        FlexibleTimeWindow: { Mode: 'OFF' },
        Description: 'Sales — At 09:00, Monday through Friday (America/New_York)',
        ActionAfterCompletion: 'NONE',
        Target: {
          Arn: config.runnerArn,
          RoleArn: config.roleArn,
          Input: JSON.stringify({
            tenantId: 'acme',
            scheduleId: schedule.id,
            agentId: null,
            scheduledTime: '<aws.scheduler.scheduled-time>',
            executionId: '<aws.scheduler.execution-id>',
            attempt: '<aws.scheduler.attempt-number>',
          }),
          RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: config.deadLetterArn },
        },
      },
    ]);
    expect(store.items.size).toBe(1);
  });

  it('removes the stored schedule when CreateSchedule throws, and says nothing was created', async () => {
    scheduler.on(CreateScheduleCommand).rejects(throttled());

    const error = await createSchedule(deps, alice, weekdays).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(MirrorError);
    expect((error as MirrorError).message).toBe('EventBridge Scheduler could not create the schedule (ThrottlingException); it was not created.');
    expect(store.items.size).toBe(0);
    expect(await store.counts('acme', ['user#alice'])).toEqual({ total: 0, enabled: 0 });
    expect(scheduler.commandCalls(DeleteScheduleCommand)).toHaveLength(0);
  });
});

describe('EventBridge refusing a definition', () => {
  it('answers a 400 saying what EventBridge refused, not a retryable 503, and keeps nothing half-done', async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejects(new ValidationException({ message: 'Invalid Schedule Expression', Message: 'Invalid Schedule Expression', $metadata: {} }));
    const error = await createSchedule(deps, alice, weekdays).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect(answered(error).status).toBe(400);
    expect((error as ValidationError).message).toContain('Invalid Schedule Expression');
    expect(store.items.size).toBe(0);
  });

  it('pauses and changes a schedule whose startAt has passed: no stale StartDate goes to EventBridge', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    const clock = deps.clock as FixedClock;
    const { schedule } = await createSchedule(deps, alice, parseScheduleInput({ ...weekdays, startAt: '2026-11-25T00:00:00Z' }).input);
    expect(scheduler.commandCalls(CreateScheduleCommand)[0]!.args[0].input.StartDate).toEqual(new Date('2026-11-25T00:00:00Z'));
    clock.current = new Date('2026-12-10T00:00:00Z');
    await setScheduleEnabled(deps, alice, schedule.id, false);
    await updateSchedule(deps, alice, schedule.id, parseScheduleInput({ cronExpression: '0 10 * * *' }).input);
    for (const call of scheduler.commandCalls(UpdateScheduleCommand)) expect(call.args[0].input.StartDate).toBeUndefined();
    expect(await store.get('acme', schedule.id)).toMatchObject({ enabled: false, startAt: '2026-11-25T00:00:00Z', cronExpression: '0 10 * * *' });
  });
});

describe('updating through EventBridge Scheduler', () => {
  it('restores the stored schedule when UpdateSchedule throws, so both still hold the old expression', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    const { schedule } = await createSchedule(deps, alice, weekdays);
    scheduler.on(UpdateScheduleCommand).rejects(throttled());

    const error = await updateSchedule(deps, alice, schedule.id, parseScheduleInput({ cronExpression: '30 7 * * *' }).input).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(MirrorError);
    const [update] = scheduler.commandCalls(UpdateScheduleCommand);
    expect(update?.args[0].input).toMatchObject({ Name: schedule.id, ScheduleExpression: 'cron(30 7 * * ? *)', State: 'ENABLED' });
    expect(await store.get('acme', schedule.id)).toMatchObject({ cronExpression: '0 9 * * 1-5', schedulerExpression: 'cron(0 9 ? * MON-FRI *)' });
  });

  it('sends the full definition again, with State DISABLED, when a schedule is paused', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    scheduler.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    const { schedule } = await createSchedule(deps, alice, weekdays);

    await updateSchedule(deps, alice, schedule.id, parseScheduleInput({ enabled: false }).input);

    const [create] = scheduler.commandCalls(CreateScheduleCommand);
    const [update] = scheduler.commandCalls(UpdateScheduleCommand);
    expect(update?.args[0].input).toEqual({ ...create?.args[0].input, State: 'DISABLED' });
  });
});
