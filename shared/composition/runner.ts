// Wiring for the runner Lambda: the agent adapters, signed with the deployment's signing secret.
import { ENV } from '../config.ts';
import type { AgentRunner } from '../ports/agent-runner.ts';
import type { RunnerDeps } from '../use-cases/runner-deps.ts';
import { AgentRunnerRegistry } from '../adapters/agents/index.ts';
import { minimalCommandEnv } from '../adapters/agents/command-agent.ts';
import { traceparentFrom } from '../adapters/agents/common.ts';
import { TracedAgentRunner, tracer } from '../adapters/tracing/traced-agent-runner.ts';
import { once, overrideRuntime, overrides, settings } from './runtime.ts';
import { backfillStore, runStore } from './stores.ts';
import { lazyRunDispatcher } from './dispatch.ts';
import { agentSecretReader } from './secrets.ts';
import { scheduleDeps, schedulerMirror } from './schedules.ts';
import { signingSecret } from './signing.ts';
import { notifyDeps } from './notifications.ts';
import { batchContinuation } from './batches.ts';

export async function agentRunner(): Promise<AgentRunner> {
  if (overrides.agentRunner) return overrides.agentRunner;
  const secret = await signingSecret();
  return once('agentRunner', () => {
    const allowedHosts = (process.env[ENV.allowedAgentHosts] ?? '')
      .split(',')
      .map((host) => host.trim())
      .filter(Boolean);
    const reader = agentSecretReader();
    const registry = new AgentRunnerRegistry({
      signingSecret: secret,
      allowedHosts,
      allowPrivateTargets: process.env[ENV.allowPrivateAgentTargets] === 'true',
      readSecret: (reference, tenantId) => reader.read(tenantId, reference),
      commandEnv: minimalCommandEnv(process.env, settings().secretPolicy.envNames),
      ...overrides.agentOptions,
    });
    // The Lambda's X-Ray trace id, read per call: it changes with every invocation.
    return new TracedAgentRunner(registry, () => traceparentFrom(process.env._X_AMZN_TRACE_ID));
  });
}

/** The backfill store and the dispatcher start a backfill's next occurrence when one of its runs ends. */
export async function runnerDeps(remainingMs?: () => number): Promise<RunnerDeps> {
  return {
    ...(await scheduleDeps()),
    runs: runStore(),
    agentRunner: await agentRunner(),
    // Offered to http agents as their callback's token key when PUBLIC_BASE_URL is set (run-callback.ts).
    callbackSecret: await signingSecret(),
    backfills: backfillStore(),
    dispatcher: lazyRunDispatcher(),
    notifications: await notifyDeps(),
    ...batchContinuation(schedulerMirror()),
    ...(remainingMs ? { remainingMs } : {}),
  };
}

/** X-Ray capture of the runner's AWS SDK clients (DynamoDB, Secrets Manager, Scheduler); a no-op outside Lambda. */
export function traceAwsClients(): void {
  overrideRuntime({ instrument: (client) => tracer.captureAWSv3Client(client) });
}
