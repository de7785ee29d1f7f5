// How the CLI prints: aligned tables for people at a terminal, JSON for scripts (and whenever stdout is not a TTY).

export type OutputMode = 'table' | 'json';

/** `--json` or `--output json` → JSON; `--output table` → table; otherwise a table only when stdout is a terminal. */
export function outputMode(options: { json?: boolean; output?: string }, isTty: boolean = process.stdout.isTTY === true): OutputMode {
  if (options.json) return 'json';
  if (options.output === 'json' || options.output === 'table') return options.output;
  return isTty ? 'table' : 'json';
}

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | boolean | null | undefined;
}

const cell = (value: string | number | boolean | null | undefined): string => (value === null || value === undefined || value === '' ? '-' : String(value));

/** Rows under headers, each column as wide as its widest cell (long cells cut at 60 characters). */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) => columns.map((column) => clip(cell(column.value(row)), 60)));
  const widths = columns.map((column, index) => Math.max(column.header.length, ...cells.map((line) => line[index]!.length)));
  const line = (values: string[]) =>
    values
      .map((value, index) => (index === values.length - 1 ? value : value.padEnd(widths[index]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.header)), ...cells.map(line)].join('\n');
}

/** One record as "key: value" lines (nested values as compact JSON). */
export function details(record: Record<string, unknown>, keys?: readonly string[]): string {
  const shown = keys ?? Object.keys(record);
  const width = Math.max(...shown.map((key) => key.length));
  return shown
    .filter((key) => key in record)
    .map((key) => {
      const value = record[key];
      const text = value !== null && typeof value === 'object' ? JSON.stringify(value) : cell(value as string);
      return `${`${key}:`.padEnd(width + 2)}${text}`;
    })
    .join('\n');
}

function clip(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/** "1.2 s", "340 ms", "-". */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}
