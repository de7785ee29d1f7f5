// zod's issues as one ValidationError that names each field and says what is wrong.
import * as z from 'zod/mini';
import { en } from 'zod/locales';
import { ValidationError } from './errors.ts';
import { formatJsonPath } from './storable-json.ts';

// zod/mini loads no locale, so its issues would all say "Invalid input": English, as zod classic says it. Every module
// that parses imports this one (the runner for its log lines), so the messages are set before the first parse. (Every
// schema file imports `* as z from 'zod/mini'`: esbuild cannot tree-shake `import { z }`, which bundles all of zod/mini.)
z.config(en());

/** Turns zod's issues into one 400 that names each field and says what is wrong. */
export function toValidationError(error: { issues: readonly z.core.$ZodIssue[] }): ValidationError {
  const problems = error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.join('", "');
      return { field: issue.keys[0] ?? '', message: `unknown field${issue.keys.length > 1 ? 's' : ''} "${keys}"` };
    }
    const field =
      formatJsonPath(
        '',
        issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment) : segment)),
      ) || 'body';
    return { field, message: `${field}: ${issue.message}` };
  });
  const first = problems[0];
  return new ValidationError(problems.map((problem) => problem.message).join('; '), {
    field: first?.field,
    problems,
    hint: 'See GET /openapi.json for the fields each request takes.',
  });
}
