// Free-form metadata (schedules, agents, runs): JSON that DynamoDB can keep exactly, within size and depth limits.
import * as z from 'zod/mini';
import { LIMITS } from './limits.ts';
import { storableJsonProblem, STORABLE_JSON_MAX_DEPTH } from './storable-json.ts';

/** DynamoDB stores at most 32 levels; 16 is plenty for anyone's key/values. */
export const METADATA_MAX_DEPTH = STORABLE_JSON_MAX_DEPTH;

/**
 * Free-form JSON that DynamoDB can keep exactly (see storable-json.ts): at most `maxBytes` of JSON and 16 levels,
 * no empty keys, numbers a string would have to carry refused with the path of the first one. zod only checks
 * that it is an object; the storable-JSON check walks it without recursion, so no depth can overflow the stack.
 */
export function storableMetadata(maxBytes: number = LIMITS.metadataBytes) {
  return z.record(z.string(), z.unknown()).check(
    z.superRefine((value, context) => {
      const problem = storableJsonProblem(value, { maxBytes, maxDepth: METADATA_MAX_DEPTH });
      if (problem) context.addIssue({ code: 'custom', path: problem.path, message: problem.message });
    }),
    z.meta({
      description: `Your own key/values, returned as given: at most ${maxBytes / 1024} KiB of JSON and ${METADATA_MAX_DEPTH} levels, keys non-empty, numbers exact (larger ones as strings).`,
    }),
  );
}
