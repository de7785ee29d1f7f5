// Published on-demand prices the benches turn counts into dollars with: one place, one region, one date. Check them
// against the AWS price pages before quoting a figure; the counts the benches print do not depend on them.

export const PRICES = {
  region: 'us-east-1',
  /** When these were read from the AWS price pages. */
  date: '2025-06-01',
  dynamodb: {
    /** On-demand, per million write request units (one per KB written; a transactional write counts double). */
    perMillionWriteUnits: 0.625,
    /** On-demand, per million read request units (one per 4 KB strongly consistent read; half that eventually consistent). */
    perMillionReadUnits: 0.125,
  },
  lambda: {
    /** arm64, per GB-second. */
    perGbSecond: 0.0000133334,
    perMillionRequests: 0.2,
  },
  sqs: {
    /** Standard queue, per million requests (each 64 KB chunk of a request is one; a batch of 10 is one request). */
    perMillionRequests: 0.4,
  },
  scheduler: {
    /** EventBridge Scheduler, per million invocations. */
    perMillionInvocations: 1,
  },
  apiGateway: {
    /** HTTP APIs, per million requests (the first 300 million a month). */
    perMillionHttpRequests: 1,
  },
} as const;

/** Dollars for `count` units at `perMillion`. */
export const dollars = (count: number, perMillion: number): number => (count * perMillion) / 1_000_000;
