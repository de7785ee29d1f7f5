// The one error the expressions module throws: which input field is wrong, why, and an example that works.

export class ExpressionError extends Error {
  readonly field: string;
  readonly hint: string | undefined;

  constructor(field: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ExpressionError';
    this.field = field;
    this.hint = options.hint;
  }
}
