// Domain errors: each carries a stable code (shared/http/errors.ts maps codes to HTTP statuses) and an actionable message.

export interface ErrorDetails {
  field?: string;
  hint?: string;
  [key: string]: unknown;
}

export class DomainError extends Error {
  readonly code: string;
  readonly details: ErrorDetails | undefined;

  constructor(code: string, message: string, details?: ErrorDetails, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }
}

export class ValidationError extends DomainError {
  constructor(message: string, details?: ErrorDetails, options?: { cause?: unknown }) {
    super('invalid_request', message, details, options);
    this.name = 'ValidationError';
  }
}

export class NotFoundError extends DomainError {
  constructor(kind: 'schedule' | 'agent' | 'run' | 'api key' | 'secret' | 'route' | 'backfill' | 'batch', id: string) {
    super('not_found', `No ${kind} with id "${id}" exists for this account.`, { hint: notFoundHint(kind) });
    this.name = 'NotFoundError';
  }
}

function notFoundHint(kind: ConstructorParameters<typeof NotFoundError>[0]): string {
  if (kind === 'route') return 'See GET /openapi.json for the routes.';
  if (kind === 'backfill') return 'POST /v1/schedules/{id}/backfill answers with the backfill and its id; it is read under the same schedule.';
  return `List them with GET /v1/${kind === 'api key' ? 'admin/api-keys' : `${kind}s`}.`;
}

export class ConflictError extends DomainError {
  constructor(message: string, details?: ErrorDetails) {
    super('conflict', message, details);
    this.name = 'ConflictError';
  }
}

/** A run that has already ended cannot be cancelled or completed again; the message says how it ended. */
export class RunFinishedError extends DomainError {
  constructor(runId: string, status: string, action: string) {
    super('run_finished', `Run ${runId} has already ended (${status}); it cannot be ${action}.`, {
      status,
      hint: 'Only a queued or running run can be; read it with GET …/runs/{id}.',
    });
    this.name = 'RunFinishedError';
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super('forbidden', message);
    this.name = 'ForbiddenError';
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message = 'Missing or invalid API key.') {
    super('unauthorized', message, { hint: 'Send "Authorization: Bearer <api key>".' });
    this.name = 'UnauthorizedError';
  }
}

/** The EventBridge Scheduler call failed and the change was undone: nothing changed, the caller may retry. */
export class MirrorError extends DomainError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('scheduler_unavailable', message, { hint: 'Nothing was changed. Retry the request in a few seconds.' }, options);
    this.name = 'MirrorError';
  }
}

/** A conditional write lost a race: the item changed (or vanished) since it was read. Use cases re-read and retry. */
export class StaleVersionError extends Error {
  constructor(message = 'The item changed since it was read.', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StaleVersionError';
  }
}

/** A create found its id (or idempotency key) already taken. */
export class AlreadyExistsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AlreadyExistsError';
  }
}

/** The data store could not be reached or refused for load (DynamoDB down, throttled, or a network failure): retryable. */
export class StorageUnavailableError extends DomainError {
  constructor(message = 'The data store is unavailable; nothing was changed.', options?: { cause?: unknown }) {
    super('storage_unavailable', message, { hint: 'Retry in a few seconds. If it persists, the operator should check DynamoDB (or DynamoDB Local).' }, options);
    this.name = 'StorageUnavailableError';
  }
}

/** The tenant's monthly run budget is spent: no run was started. */
export class BudgetExhaustedError extends DomainError {
  constructor(limit: number, month: string) {
    super('budget_exhausted', `This account has used its ${limit} runs for ${month}; no run was started.`, {
      hint: 'Runs resume next month, or ask the operator to raise RUN_QUOTAS for this tenant.',
    });
    this.name = 'BudgetExhaustedError';
  }
}

/** The runner could not be handed a queued run; the run was recorded failed. */
export class RunnerUnavailableError extends DomainError {
  constructor(options?: { cause?: unknown }) {
    super(
      'runner_unavailable',
      'The runner could not be started; the run was recorded as failed and nothing ran.',
      { hint: 'Retry in a few seconds.' },
      options,
    );
    this.name = 'RunnerUnavailableError';
  }
}
