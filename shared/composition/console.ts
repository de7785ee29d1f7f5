// Where the console's built files are: CONSOLE_ASSETS_DIR (the local server: console/dist), else the console/ folder
// the build copies beside the function's bundle.
import { fileURLToPath } from 'node:url';
import { ENV } from '../config.ts';
import { consoleFilesIn } from '../adapters/system/console-files.ts';
import type { ConsoleFiles } from '../http/console.ts';

export function consoleFiles(): ConsoleFiles {
  return consoleFilesIn(process.env[ENV.consoleAssetsDir] ?? fileURLToPath(new URL('./console/', import.meta.url)));
}
