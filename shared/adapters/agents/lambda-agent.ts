// The lambda agent: invokes a Lambda function synchronously with the run payload and reads {output} (or a JSON string).
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { AgentError, type AgentRequest, type AgentResult } from '../../ports/agent-runner.ts';
import { agentPayload, awsAgentError, guardRun, isRecord, outputText, parseUsage, type AgentSettings } from './common.ts';

export class LambdaAgentRunner {
  #client: LambdaClient | undefined;

  constructor(client?: LambdaClient) {
    this.#client = client;
  }

  run(agent: AgentSettings<'lambda'>, request: AgentRequest, signal: AbortSignal): Promise<AgentResult> {
    return guardRun(signal, async () => {
      this.#client ??= new LambdaClient({});
      let result;
      try {
        result = await this.#client.send(
          new InvokeCommand({
            FunctionName: agent.functionArn,
            InvocationType: 'RequestResponse',
            Payload: new TextEncoder().encode(JSON.stringify(agentPayload(request))),
          }),
          { abortSignal: signal },
        );
      } catch (error) {
        throw awsAgentError('Lambda', error);
      }
      const text = result.Payload === undefined ? '' : new TextDecoder('utf-8').decode(result.Payload);
      let parsed: unknown;
      let parseFailed = false;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        parseFailed = true;
      }
      if (result.FunctionError !== undefined) {
        const type = isRecord(parsed) && typeof parsed.errorType === 'string' ? parsed.errorType : result.FunctionError;
        const message = isRecord(parsed) && typeof parsed.errorMessage === 'string' ? parsed.errorMessage : text;
        throw new AgentError('agent_error', `The Lambda agent failed (${type}): ${message.slice(0, 1000)}`);
      }
      if (parseFailed) throw new AgentError('invalid_response', 'The Lambda agent returned a payload that is not JSON.');
      if (typeof parsed === 'string') return { output: parsed };
      const usage = isRecord(parsed) ? parseUsage(parsed.usage) : undefined;
      const output = isRecord(parsed) ? outputText(parsed.output) : undefined;
      if (output === undefined) {
        throw new AgentError('invalid_response', 'The Lambda agent returned neither {"output": …} nor a JSON string.', usage === undefined ? {} : { usage });
      }
      return usage === undefined ? { output } : { output, usage };
    });
  }
}
