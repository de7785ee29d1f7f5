// `npm run bench [-- expressions|api|bundles|runner|batches|cost|memory]`: runs the benchmarks and prints one JSON document.
import { benchApi } from './api.ts';
import { benchBatches } from './batches.ts';
import { benchBundles } from './bundles.ts';
import { benchCost } from './cost.ts';
import { benchExpressions } from './expressions.ts';
import { benchMemory } from './memory.ts';
import { benchRunner } from './runner.ts';

const BENCHES: Record<string, () => unknown> = {
  expressions: () => benchExpressions(),
  api: () => benchApi(),
  bundles: () => benchBundles(),
  runner: () => benchRunner(),
  batches: () => benchBatches(),
  cost: () => benchCost(),
  memory: () => benchMemory(),
};

const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const unknown = wanted.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  process.stderr.write(`Unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}.\n`);
  process.exit(2);
}
const report: Record<string, unknown> = { node: process.version, date: new Date().toISOString() };
for (const name of wanted.length ? wanted : Object.keys(BENCHES)) report[name] = await BENCHES[name]!();
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
