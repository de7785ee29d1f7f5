// Wiring for the runner Lambda: the agent adapters, signed with the deployment's signing secret.
import { ENV } from '../../config.ts';
import type { AgentRunner } from '../../ports/agent-runner.ts';
import type { RunnerDeps } from '../../use-cases/execute-run.ts';
import { AgentRunnerRegistry } from '../agents/index.ts';
import { readSecret } from '../secrets/secrets.ts';
import { once, overrides, runStore } from './core.ts';
import { scheduleDeps } from './schedules.ts';

/** The key receivers verify X-Agent-Schedules-Signature with: AGENT_SIGNING_SECRET, or the secret its ARN names. */
function signingSecret(): Promise<string> {
  return once('signingSecret', async () => {
    const direct = process.env[ENV.signingSecret];
    const arn = process.env[ENV.signingSecretArn];
    if (direct) return direct;
    if (arn) return (await readSecret(arn)).trim();
    throw new Error(`Set ${ENV.signingSecret} or ${ENV.signingSecretArn}: agent calls are signed with it.`);
  });
}

export async function agentRunner(): Promise<AgentRunner> {
  if (overrides.agentRunner) return overrides.agentRunner;
  const secret = await signingSecret();
  return once('agentRunner', () => {
    const allowedHosts = (process.env[ENV.allowedAgentHosts] ?? '').split(',').map((host) => host.trim()).filter(Boolean);
    return new AgentRunnerRegistry({
      signingSecret: secret,
      allowedHosts,
      allowPrivateTargets: process.env[ENV.allowPrivateAgentTargets] === 'true',
      ...overrides.agentOptions,
    });
  });
}

export async function runnerDeps(remainingMs?: () => number): Promise<RunnerDeps> {
  return { ...scheduleDeps(), runs: runStore(), agentRunner: await agentRunner(), ...(remainingMs ? { remainingMs } : {}) };
}
