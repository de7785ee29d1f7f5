// The local server as its own process, for the faults e2e (kill -9 needs a process of its own): the real
// startLocalServer on DATA_DIR, its clock shifted by the milliseconds written in CLOCK_FILE (read at every tick), so a
// test moves it to just before a minute boundary instead of waiting for one.
// Prints one JSON line {url, apiKey, jvmPid} when ready; exits 1 when the server cannot start or gives up on storage.
import { readFileSync } from 'node:fs';
import { startLocalServer } from '#local/server.ts';

const offset = (): number => (process.env.CLOCK_FILE ? Number(readFileSync(process.env.CLOCK_FILE, 'utf8') || 0) : 0);
try {
  const server = await startLocalServer({
    dataDir: process.env.DATA_DIR!,
    port: 0,
    clock: { now: () => new Date(Date.now() + offset()) },
    tickIntervalMs: 200,
    onFatal: (error) => {
      console.error(`fatal: ${error.message}`);
      process.exit(1);
    },
  });
  console.log(JSON.stringify({ url: server.url, apiKey: server.apiKey, jvmPid: server.dynamo.pid }));
  // As `npm start` does on Ctrl-C.
  process.once(
    'SIGTERM',
    () =>
      void server.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      ),
  );
} catch (error) {
  console.error(`could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
