// Builds the DynamoDB clients (AWS default chain in Lambda, dummy credentials for DynamoDB Local) and the error helpers the stores share.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { StorageUnavailableError } from '../../domain/errors.ts';

export interface DynamoClientOptions {
  /** DynamoDB Local's URL, e.g. http://localhost:8000; omitted in AWS. */
  endpoint?: string | undefined;
  region?: string | undefined;
}

/** The low-level client (table administration needs it; stores use the document client). */
export function createDynamoDbClient(options: DynamoClientOptions = {}): DynamoDBClient {
  if (options.endpoint === undefined) {
    return options.region === undefined ? new DynamoDBClient({}) : new DynamoDBClient({ region: options.region });
  }
  return new DynamoDBClient({
    endpoint: options.endpoint,
    region: options.region ?? 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** Failures that mean DynamoDB cannot be reached or will not serve now, as opposed to a refused request. */
const UNAVAILABLE_NAMES = new Set([
  'InternalServerError',
  'ServiceUnavailable',
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TimeoutError',
]);
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** Whether an SDK error says the store is unavailable (retryable later), not that the request was wrong. */
export function isStorageUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return (
    UNAVAILABLE_NAMES.has(error.name) ||
    (code !== undefined && UNAVAILABLE_CODES.has(code)) ||
    (status !== undefined && status >= 500) ||
    /socket hang up/i.test(error.message)
  );
}

/**
 * Wraps a low-level client so items are plain JS values (undefined attributes dropped, null kept), and so that an
 * unreachable or overloaded DynamoDB surfaces as StorageUnavailableError — a 503 `storage_unavailable` in the API —
 * after the SDK's own retries. Conditional-check and validation failures pass through for the stores to handle.
 */
export function documentClientFor(client: DynamoDBClient): DynamoDBDocumentClient {
  const document = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  document.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (isStorageUnavailable(error)) throw new StorageUnavailableError(undefined, { cause: error });
        throw error;
      }
    },
    { step: 'initialize', name: 'storageUnavailable' },
  );
  return document;
}

export function createDocumentClient(options: DynamoClientOptions = {}): DynamoDBDocumentClient {
  return documentClientFor(createDynamoDbClient(options));
}

/** The error's name, when it is an SDK service error (compared by name: a second copy of the SDK would defeat instanceof). */
export function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/** Per transaction item, why it cancelled the transaction ("None", "ConditionalCheckFailed", "TransactionConflict", …). */
export function cancellationCodes(error: unknown): (string | undefined)[] {
  if (errorName(error) !== 'TransactionCanceledException') return [];
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.map((reason) => reason.Code);
}

/** A write refused by a condition: a single write's, or one item's in a transaction (cancellationCodes says which). */
export function isConditionFailure(error: unknown): boolean {
  if (errorName(error) === 'ConditionalCheckFailedException') return true;
  const codes = cancellationCodes(error);
  if (codes.includes('ConditionalCheckFailed')) return true;
  // DynamoDB Local and older responses may omit the reasons; the message still names the cause.
  return codes.length === 0 && errorName(error) === 'TransactionCanceledException' && /ConditionalCheckFailed/.test((error as Error).message);
}

/** A transaction cancelled only because another transaction was touching one of its items: safe to retry as is. */
export function isTransactionConflict(error: unknown): boolean {
  if (errorName(error) === 'TransactionConflictException') return true;
  const codes = cancellationCodes(error);
  if (codes.length === 0)
    return (
      errorName(error) === 'TransactionCanceledException' &&
      /TransactionConflict/.test((error as Error).message) &&
      !/ConditionalCheckFailed/.test((error as Error).message)
    );
  return codes.includes('TransactionConflict') && !codes.includes('ConditionalCheckFailed');
}

const CONFLICT_RETRIES = 4;

/**
 * Runs a write transaction, retrying up to CONFLICT_RETRIES times (with jittered backoff) when it only lost a race for an item to another
 * transaction, e.g. two creates adding to one owner's counters. Conditions are re-checked on each attempt.
 */
export async function transactWrite(client: DynamoDBDocumentClient, input: TransactWriteCommandInput): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await client.send(new TransactWriteCommand(input));
      return;
    } catch (error) {
      if (attempt >= CONFLICT_RETRIES || !isTransactionConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, (10 + Math.random() * 40) * 2 ** attempt));
    }
  }
}
