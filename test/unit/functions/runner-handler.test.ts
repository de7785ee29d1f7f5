// The runner's handler on its batch-queue path: SQS records, each a batch item's queued run, run one after the other
// over in-memory deps (the composition root's runnerDeps replaced); records that threw or are not queued runs are
// reported as batch item failures, the others run once and count in the run metrics.
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Agent } from '#shared/domain/agent.ts';
import type { TenantPrincipal } from '#shared/domain/principal.ts';
import { parseRunRequest } from '#shared/http/runs.ts';
import type { QueuedRunRef } from '#shared/ports/run-dispatcher.ts';
import { createRun } from '#shared/use-cases/create-run.ts';
import type { RunnerDeps } from '#shared/use-cases/execute-run.ts';
import { FakeAgentRunner, InMemoryRunStore, RecordingDispatcher } from '../../fakes/in-memory-runs.ts';
import { FixedClock, InMemoryAgentStore, InMemoryScheduleStore } from '../../fakes/in-memory.ts';
import { printedJson } from '../../support/printed.ts';
import { inMemoryRunnerDeps } from '../../fakes/runner-deps.ts';

/** What the handler's runnerDeps() answers in this file. */
const current: { deps?: RunnerDeps } = {};
vi.mock('#shared/composition/runner.ts', () => ({
  runnerDeps: async () => current.deps!,
  traceAwsClients: () => undefined,
}));
const { handler } = await import('../../../functions/runner/handler.ts');

const alice: TenantPrincipal = { role: 'tenant', tenantId: 'acme', userId: 'alice', keyId: 'k1' };
const START = new Date('2030-01-01T09:00:00.000Z');

const context = {
  functionName: 'agent-schedules-runner',
  awsRequestId: 'lambda-request-1',
  getRemainingTimeInMillis: () => 600_000,
} as unknown as Context;

let runs: InMemoryRunStore;
let agent: FakeAgentRunner;
let dispatcher: RecordingDispatcher;

beforeEach(async () => {
  const schedules = new InMemoryScheduleStore();
  const agents = new InMemoryAgentStore();
  const clock = new FixedClock(START);
  runs = new InMemoryRunStore(schedules);
  agent = new FakeAgentRunner({ elapse: (ms) => clock.advance(ms) });
  dispatcher = new RecordingDispatcher();
  current.deps = inMemoryRunnerDeps({ schedules, agents, runs, clock, agentRunner: agent }, { dispatcher });
  await agents.create({
    tenantId: 'acme',
    id: 'bot',
    kind: 'http',
    name: 'Bot',
    url: 'https://agents.example.com/bot',
    createdAt: START.toISOString(),
    updatedAt: START.toISOString(),
    version: 1,
  } as Agent);
});
afterEach(() => vi.restoreAllMocks());

/** A queued run, as a batch item's would be: created, its ref taken from the dispatcher instead of run right away. */
async function queuedRun(task: string): Promise<QueuedRunRef> {
  await createRun(current.deps! as Parameters<typeof createRun>[0], alice, parseRunRequest({ task, agentId: 'bot' }));
  return dispatcher.dispatched.at(-1)!;
}

const sqsEvent = (...bodies: [string, string][]): SQSEvent =>
  ({
    Records: bodies.map(([messageId, body]) => ({
      messageId,
      receiptHandle: `receipt-${messageId}`,
      body,
      attributes: { ApproximateReceiveCount: '1' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:batch-queue',
      awsRegion: 'eu-west-1',
    })),
  }) as unknown as SQSEvent;

/** Everything the handler printed (log lines and EMF metrics), parsed. */
const printed = (run: () => Promise<unknown>) => printedJson<Record<string, any>>(run);

describe('runner handler, batch queue records', () => {
  it('runs the queued run of each record once and reports no failure', async () => {
    // Prepare
    const first = await queuedRun('One');
    const second = await queuedRun('Two');

    // Act
    const answer = (await handler(sqsEvent(['m-1', JSON.stringify(first)], ['m-2', JSON.stringify(second)]))) as SQSBatchResponse;

    // Assess
    expect(answer).toEqual({ batchItemFailures: [] });
    expect(agent.calls.map((call) => call.request.task)).toEqual(['One', 'Two']);
    expect((await runs.get('acme', null, first.runId))?.status).toBe('succeeded');
    expect((await runs.get('acme', null, second.runId))?.status).toBe('succeeded');
  });

  it('reports the record whose run threw, and still runs the others', async () => {
    // Prepare
    const failing = await queuedRun('Breaks');
    const fine = await queuedRun('Fine');
    const get = runs.get.bind(runs);
    vi.spyOn(runs, 'get').mockImplementation(async (tenantId, scheduleId, runId) => {
      if (runId === failing.runId) throw new Error('DynamoDB is unavailable');
      return get(tenantId, scheduleId, runId);
    });

    // Act
    let answer: SQSBatchResponse | undefined;
    const lines = await printed(async () => {
      answer = (await handler(sqsEvent(['m-fail', JSON.stringify(failing)], ['m-fine', JSON.stringify(fine)]))) as SQSBatchResponse;
    });

    // Assess
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-fail' }] });
    expect(agent.calls.map((call) => call.request.task)).toEqual(['Fine']);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'ERROR', messageId: 'm-fail', runId: failing.runId, error: 'Error: DynamoDB is unavailable' }),
    );
  });

  it('logs and reports a body that is not a queued run, so it reaches the dead-letter queue', async () => {
    // Prepare
    const fine = await queuedRun('Fine');
    const notARun = JSON.stringify({ kind: 'scheduled', tenantId: 'acme' });

    // Act
    let answer: SQSBatchResponse | undefined;
    const lines = await printed(async () => {
      answer = (await handler(sqsEvent(['m-json', notARun], ['m-text', 'not json'], ['m-fine', JSON.stringify(fine)]))) as SQSBatchResponse;
    });

    // Assess
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-json' }, { itemIdentifier: 'm-text' }] });
    expect(agent.calls).toHaveLength(1);
    const errors = lines.filter((line) => line.level === 'ERROR');
    expect(errors.map((line) => [line.message, line.messageId])).toEqual([
      ['Runner got a batch queue message that is not a queued run', 'm-json'],
      ['Runner got a batch queue message that is not a queued run', 'm-text'],
    ]);
  });

  it('answers a record delivered again after its run ended as done, without running it twice', async () => {
    // Prepare
    const ref = await queuedRun('Once');
    await handler(sqsEvent(['m-1', JSON.stringify(ref)]));

    // Act
    const again = (await handler(sqsEvent(['m-1', JSON.stringify(ref)]))) as SQSBatchResponse;

    // Assess
    expect(again).toEqual({ batchItemFailures: [] });
    expect(agent.calls).toHaveLength(1);
  });

  it('counts each run in the run metrics on Lambda, as for a queued run', async () => {
    // Prepare
    const first = await queuedRun('One');
    const second = await queuedRun('Two');
    agent.fail('agent_error', 'The agent gave up.');

    // Act
    const lines = await printed(() => handler(sqsEvent(['m-1', JSON.stringify(first)], ['m-2', JSON.stringify(second)]), context));

    // Assess
    const metrics = lines.filter((line) => line._aws?.CloudWatchMetrics);
    expect(metrics.map((line) => Object.keys(line).filter((key) => key.startsWith('Runs')))).toEqual([['RunsFailed'], ['RunsSucceeded']]);
    expect((await runs.get('acme', null, first.runId))?.status).toBe('failed');
    expect((await runs.get('acme', null, second.runId))?.status).toBe('succeeded');
  });

  it('leaves queued runs sent directly (a trigger) on their own path', async () => {
    // Prepare
    const ref = await queuedRun('Direct');

    // Act
    const outcome = await handler(ref);

    // Assess
    expect(outcome).toMatchObject({ outcome: 'ran', run: { id: ref.runId, status: 'succeeded' } });
  });
});
