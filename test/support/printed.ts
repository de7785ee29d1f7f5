// What a handler printed while it ran — its JSON log lines and EMF metrics — parsed, with stdout and stderr captured.
import { vi } from 'vitest';

export async function printedJson<T = Record<string, unknown>>(run: () => Promise<unknown>): Promise<T[]> {
  const lines: string[] = [];
  const capture = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture as typeof process.stdout.write);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture as typeof process.stderr.write);
  try {
    await run();
  } finally {
    vi.restoreAllMocks();
  }
  return lines
    .flatMap((line) => line.split('\n'))
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as T);
}
