// The console's built files on disk: beside the function's bundle on AWS, console/dist on the local server.
import { readFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { ConsoleFiles } from '../../http/console.ts';

export function consoleFilesIn(directory: string): ConsoleFiles {
  const root = resolve(directory);
  return async (name) => {
    const file = resolve(join(root, name));
    if (!file.startsWith(root + sep)) return undefined;
    return readFile(file, 'utf8').catch(() => undefined);
  };
}
