// The agent runner: dispatches a run to the adapter of the agent's kind; callers only ever see a result or an AgentError.
import type { BedrockAgentRuntimeClient } from '@aws-sdk/client-bedrock-agent-runtime';
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { Agent } from '../../domain/agent.ts';
import { AgentError, type AgentRequest, type AgentResult, type AgentRunner } from '../../ports/agent-runner.ts';
import { BedrockAgentRunner, BedrockModelRunner } from './bedrock-agent.ts';
import { CommandAgentRunner } from './command-agent.ts';
import { guardRun, type AnyAgentSettings, type SecretReader } from './common.ts';
import { HttpAgentRunner } from './http-agent.ts';
import { LambdaAgentRunner } from './lambda-agent.ts';
import { OpenAiAgentRunner } from './openai-agent.ts';

export { SIGNATURE_HEADER, signatureHeader, verifySignature } from './http-agent.ts';
export { classifyAddress, type TargetGuardOptions } from './target-guard.ts';

export interface AgentRunnerOptions {
  /** Keys the X-Agent-Schedules-Signature header of http agent calls. */
  signingSecret: string;
  /** Let http/openai agents reach private networks (10/8, 172.16/12, 192.168/16, fc00::/7) and CGNAT (100.64/10). */
  allowPrivateTargets?: boolean;
  /** Let http/openai agents reach loopback (127/8, ::1, 0.0.0.0/8): the local server. */
  allowLoopback?: boolean;
  /** Exact hostnames that bypass the SSRF guard (the only way to reach link-local addresses). */
  allowedHosts?: string[];
  /** Allow command agents (the local server only). */
  allowCommands?: boolean;
  /** AWS clients, for tests; created once per registry when omitted. */
  clients?: { bedrock?: BedrockRuntimeClient; bedrockAgent?: BedrockAgentRuntimeClient; lambda?: LambdaClient };
  /** Reads secretRef values for a tenant; defaults to a reader with no secrets at all (the runner wires the real one). */
  readSecret?: SecretReader;
  /** The environment command agents get; defaults to minimalCommandEnv() (never the server's own environment). */
  commandEnv?: NodeJS.ProcessEnv;
}

export class AgentRunnerRegistry implements AgentRunner {
  readonly #http: HttpAgentRunner;
  readonly #openai: OpenAiAgentRunner;
  readonly #bedrock: BedrockModelRunner;
  readonly #bedrockAgent: BedrockAgentRunner;
  readonly #lambda: LambdaAgentRunner;
  readonly #command: CommandAgentRunner;

  constructor(options: AgentRunnerOptions) {
    const guard = {
      allowPrivateTargets: options.allowPrivateTargets ?? false,
      allowLoopback: options.allowLoopback ?? false,
      allowedHosts: options.allowedHosts ?? [],
      ...(options.readSecret === undefined ? {} : { readSecret: options.readSecret }),
    };
    this.#http = new HttpAgentRunner({ signingSecret: options.signingSecret, ...guard });
    this.#openai = new OpenAiAgentRunner(guard);
    this.#bedrock = new BedrockModelRunner(options.clients?.bedrock);
    this.#bedrockAgent = new BedrockAgentRunner(options.clients?.bedrockAgent);
    this.#lambda = new LambdaAgentRunner(options.clients?.lambda);
    this.#command = new CommandAgentRunner({ allowCommands: options.allowCommands ?? false, ...(options.commandEnv ? { env: options.commandEnv } : {}) });
  }

  run(agent: Agent, request: AgentRequest, signal: AbortSignal): Promise<AgentResult> {
    const settings: AnyAgentSettings = agent;
    return guardRun(signal, async () => {
      switch (settings.kind) {
        case 'http':
          return this.#http.run(settings, request, signal);
        case 'openai':
          return this.#openai.run(settings, request, signal);
        case 'bedrock':
          return this.#bedrock.run(settings, request, signal);
        case 'bedrock-agent':
          return this.#bedrockAgent.run(settings, request, signal);
        case 'lambda':
          return this.#lambda.run(settings, request, signal);
        case 'command':
          return this.#command.run(settings, request, signal);
        default:
          throw new AgentError('agent_error', `Unknown agent kind "${String((settings as { kind?: unknown }).kind)}".`);
      }
    });
  }
}
