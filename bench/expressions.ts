// Benchmark: how fast the expressions module validates and lists fire times (what every API call pays).
import { percentile } from './stats.ts';
import { resolveTiming } from '#shared/expressions/index.ts';

const CASES = [
  { cronExpression: '0 9 * * 1-5', timezone: 'America/New_York' },
  { cronExpression: '*/15 * * * *', timezone: 'Europe/London' },
  { cronExpression: '30 2 * * *', timezone: 'Australia/Sydney' },
  { cronExpression: '0 0 29 2 *', timezone: 'UTC' },
];

export function benchExpressions(iterations = 2000): Record<string, unknown> {
  const now = new Date('2026-11-20T00:00:00Z');
  const results: Record<string, unknown> = {};
  for (const input of CASES) {
    const samples: number[] = [];
    for (let index = 0; index < iterations; index += 1) {
      const start = performance.now();
      resolveTiming(input, { now, count: 5 });
      samples.push(performance.now() - start);
    }
    samples.sort((a, b) => a - b);
    results[`${input.cronExpression} ${input.timezone}`] = {
      iterations,
      p50Ms: percentile(samples, 50),
      p99Ms: percentile(samples, 99),
    };
  }
  return { benchmark: 'resolveTiming (validate + EventBridge expression + 5 next runs)', results };
}
