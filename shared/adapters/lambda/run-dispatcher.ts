// Hands a queued run to the runner Lambda with an asynchronous invoke (retried by Lambda; the runner dedupes).
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import type { QueuedRunRef, RunDispatcher } from '../../ports/run-dispatcher.ts';

export class LambdaRunDispatcher implements RunDispatcher {
  private readonly client: LambdaClient;
  private readonly functionName: string;

  constructor(options: { client: LambdaClient; functionName: string }) {
    this.client = options.client;
    this.functionName = options.functionName;
  }

  async dispatch(ref: QueuedRunRef): Promise<void> {
    const result = await this.client.send(
      new InvokeCommand({ FunctionName: this.functionName, InvocationType: 'Event', Payload: new TextEncoder().encode(JSON.stringify(ref)) }),
    );
    if (result.StatusCode !== 202) throw new Error(`Lambda accepted the runner invoke with status ${result.StatusCode}, not 202.`);
  }
}

/** The dispatcher the deployment uses: an asynchronous invoke of the runner function. */
export function lambdaRunDispatcher(functionName: string): LambdaRunDispatcher {
  return new LambdaRunDispatcher({ client: new LambdaClient({}), functionName });
}
