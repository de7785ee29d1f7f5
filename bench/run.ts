// `npm run bench`: runs every benchmark and prints one JSON document.
import { benchExpressions } from './expressions.ts';

const report = {
  node: process.version,
  date: new Date().toISOString(),
  expressions: benchExpressions(),
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
