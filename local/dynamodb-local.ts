// Starts DynamoDB Local (the official jar shipped in amplify-dynamodb-simulator) for the local server and the tests:
// one JVM per data dir, which never outlives the Node process that started it, not even a kill -9.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createConnection, createServer } from 'node:net';
import { delimiter, dirname, join } from 'node:path';

const JAVA_MISSING = 'DynamoDB Local needs Java 17: apt-get install -y openjdk-17-jre-headless';

export interface DynamoDbLocal {
  endpoint: string;
  /** The JVM's process id, while it runs. */
  readonly pid: number | undefined;
  /** True until the JVM exits (by stop() or otherwise). */
  readonly running: boolean;
  /** Called when the JVM exits without stop() being called. */
  onUnexpectedExit(listener: (code: number | null) => void): void;
  /** Starts the JVM again on the same port and data (after it died). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;

/*
 * The JVM runs under a small shell watchdog whose stdin is a pipe from this process: when this process goes away —
 * however it goes, kill -9 included — the pipe closes, `read` returns and the watchdog kills the JVM. stop() closes
 * the pipe the same way. The simulator's own launch() looks for the jar under ~/.amplify/lib, so this runs the command
 * it builds in the package's emulator directory.
 */
// (A background job's stdin is /dev/null in sh, so the watcher reads the pipe through a copy on descriptor 3.)
const WATCHDOG =
  'exec 3<&0; java "$@" & pid=$!; echo "jvm-pid:$pid"; (read _ <&3; kill $pid 2>/dev/null) & watcher=$!; wait $pid; code=$?; kill $watcher 2>/dev/null; exit $code';

export async function startDynamoDbLocal(options: { dbPath?: string; port?: number } = {}): Promise<DynamoDbLocal> {
  if (!onPath('java')) throw new Error(JAVA_MISSING);
  const emulatorDir = join(dirname(createRequire(import.meta.url).resolve('amplify-dynamodb-simulator/package.json')), 'emulator');
  if (options.dbPath !== undefined) mkdirSync(options.dbPath, { recursive: true });
  const port = options.port ?? (await freePort());
  const args = ['-Djava.library.path=./DynamoDBLocal_lib', '-jar', 'DynamoDBLocal.jar', '-port', String(port), '-disableTelemetry'];
  args.push(...(options.dbPath === undefined ? ['-inMemory'] : ['-dbPath', options.dbPath]));

  let child: ChildProcessWithoutNullStreams | undefined;
  let pid: number | undefined;
  let running = false;
  let stopping = false;
  let exited: Promise<number | null> = Promise.resolve(null);
  const listeners: Array<(code: number | null) => void> = [];

  const launch = async (): Promise<void> => {
    stopping = false;
    const started = spawn('sh', ['-c', WATCHDOG, 'sh', ...args], { cwd: emulatorDir, stdio: ['pipe', 'pipe', 'pipe'] });
    child = started;
    running = true;
    let output = '';
    started.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const found = /jvm-pid:(\d+)/.exec(output);
      if (found && pid === undefined) pid = Number(found[1]);
    });
    started.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stdin.on('error', () => {});
    exited = new Promise((resolve) =>
      started.once('exit', (code) => {
        running = false;
        pid = undefined;
        resolve(code);
        if (!stopping) for (const listener of listeners) listener(code);
      }),
    );
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await accepts(port))) {
      if (!running) throw new Error(`DynamoDB Local exited before listening on port ${port}:\n${output}`);
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`DynamoDB Local did not listen on port ${port} within ${START_TIMEOUT_MS / 1000} s:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  const stop = async (): Promise<void> => {
    if (!running || !child) return;
    stopping = true;
    const jvm = pid;
    child.stdin.end();
    const timer = setTimeout(() => {
      if (jvm !== undefined) killQuietly(jvm);
      child?.kill('SIGKILL');
    }, 5000);
    await exited;
    clearTimeout(timer);
  };

  await launch();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get pid() {
      return pid;
    },
    get running() {
      return running;
    },
    onUnexpectedExit: (listener) => listeners.push(listener),
    restart: async () => {
      await stop();
      await launch();
    },
    stop,
  };
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a process is a DynamoDB Local JVM (so a stale pid that now belongs to something else is never killed). */
function isDynamoDbLocal(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('DynamoDBLocal.jar');
  } catch {
    return false;
  }
}

export interface DataDirLock {
  /** Records the JVM's pid, so a server that takes over a stale lock can stop a JVM left behind. */
  recordJvm(pid: number | undefined): void;
  release(): void;
}

/**
 * One server per data dir: a second one is refused while the first lives (two JVMs on one set of files would corrupt
 * them). A lock whose server is gone is taken over, and a DynamoDB Local JVM it left running is stopped first.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const file = join(dataDir, 'server.lock');
  if (existsSync(file)) {
    let held: { pid?: number; jvmPid?: number } = {};
    try {
      held = JSON.parse(readFileSync(file, 'utf8')) as typeof held;
    } catch {
      // An unreadable lock is a stale one.
    }
    if (held.pid !== undefined && held.pid !== process.pid && alive(held.pid)) {
      throw new Error(`another agent-schedules server (pid ${held.pid}) is using DATA_DIR ${dataDir}; stop it, or start this one with another DATA_DIR.`);
    }
    if (held.jvmPid !== undefined && alive(held.jvmPid) && isDynamoDbLocal(held.jvmPid)) killQuietly(held.jvmPid);
  }
  const write = (jvmPid?: number) => writeFileSync(file, JSON.stringify({ pid: process.pid, ...(jvmPid === undefined ? {} : { jvmPid }) }), { mode: 0o600 });
  write();
  return { recordJvm: write, release: () => rmSync(file, { force: true }) };
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((directory) => {
    if (directory === '') return false;
    try {
      accessSync(join(directory, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('No free port found.'))));
    });
  });
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
