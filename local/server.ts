// The local server (`npm start`): the real handlers behind Node's http server, DynamoDB Local, and the local scheduler.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import type { Context } from 'aws-lambda';
import { ENV } from '#shared/config.ts';
import { systemClock } from '#shared/adapters/system/clock.ts';
import type { Clock } from '#shared/ports/clock.ts';
import type { ScheduledEvent } from '#shared/ports/scheduler-mirror.ts';
import { matchRoute, pathExists } from '#shared/routes.ts';
import { hashKey, sameHash } from '#shared/use-cases/resolve-api-key.ts';
import { lockDataDir, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.ts';
import { CONSOLE_DIST, ensureConsoleBuilt } from '../infra/console-build.ts';
import { answerAsDemoAgent, DEMO_AGENT_ID, installDemoAgent, isDemoAgentRequest } from './demo-agent.ts';
import { localKeys } from './keys.ts';
import { HELP, JVM_RESTARTS } from './help.ts';
import { errorBody, lambdaContext, MAX_BODY_BYTES, rawAnswer, readBody, toEvent } from './lambda-bridge.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export interface LocalServerOptions {
  port?: number;
  dataDir?: string;
  apiKey?: string;
  adminKey?: string;
  /** Injected time for tests: the scheduler and every handler read it. */
  clock?: Clock;
  /** How often the local scheduler looks for due runs (ms); 0 leaves ticking to the caller. */
  tickIntervalMs?: number;
  /** Keep DynamoDB Local's data in memory instead of DATA_DIR (tests). */
  inMemory?: boolean;
  /** How often runs whose deadline passed are ended (ms); 0 turns the periodic sweep off (the start-up one still runs). */
  sweepIntervalMs?: number;
  /** How long stop() waits for runs in flight before it stops anyway (ms, default 5000). */
  stopGraceMs?: number;
  /** Told when DynamoDB Local died and could not be restarted; the server cannot serve data any more. */
  onFatal?: (error: Error) => void;
  /** Build the web console when it is missing or stale (`npm start` does); it is served at /console either way. */
  console?: boolean;
  /** Serve and store the demo agent (local/demo-agent.ts), tenant "local"'s default unless DEFAULT_AGENT_ID is set; `npm start` turns it on. */
  demoAgent?: boolean;
}

export interface LocalServer {
  url: string;
  apiKey: string;
  adminKey: string;
  /** Fires every due schedule now (as the timer would) and waits for those runs. */
  tick(): Promise<ScheduledEvent[]>;
  /** Waits for every triggered run started so far. */
  drain(): Promise<void>;
  /** DynamoDB Local's JVM, for fault tests. */
  dynamo: DynamoDbLocal;
  stop(): Promise<void>;
}

const LOCAL_PRINCIPAL = { role: 'tenant', tenantId: 'local', userId: 'local', teamId: '', keyId: 'local' };

export async function startLocalServer(options: LocalServerOptions = {}): Promise<LocalServer> {
  const dataDir = resolve(options.dataDir ?? process.env.DATA_DIR ?? '.data');
  mkdirSync(dataDir, { recursive: true });
  const keys = localKeys(dataDir, options);
  const localKeyHash = hashKey(keys.apiKey);
  const clock = options.clock ?? systemClock;

  // One server, and so one JVM, per data dir; in-memory servers (tests) share nothing and need no lock.
  const lock = options.inMemory ? undefined : lockDataDir(dataDir);
  // The console at /console: built now when missing or older than its sources, so `npm install && npm start` has it.
  if (options.console) await ensureConsoleBuilt((line) => console.error(line));
  let dynamo: DynamoDbLocal;
  try {
    dynamo = await startDynamoDbLocal(options.inMemory ? {} : { dbPath: join(dataDir, 'dynamodb') });
  } catch (error) {
    lock?.release();
    throw error;
  }
  lock?.recordJvm(dynamo.pid);
  process.env[ENV.tableName] = 'agent-schedules';
  process.env[ENV.dynamoEndpoint] = dynamo.endpoint;
  process.env[ENV.adminKey] = keys.adminKey;
  process.env[ENV.signingSecret] = keys.signingSecret;
  process.env[ENV.cursorKey] = keys.cursorKey;
  process.env[ENV.consoleAssetsDir] = CONSOLE_DIST;
  process.env.AWS_REGION ??= 'local';

  // Imported only now: the wiring reads the environment set above.
  const wiring = await import('#shared/composition/runtime.ts');
  const runner = (await import('../functions/runner/handler.ts')).handler;
  const { InProcessDispatcher } = await import('./in-process-dispatcher.ts');
  const { ensureTable } = await import('#shared/adapters/dynamodb/create-table.ts');
  const { LocalScheduler } = await import('#shared/adapters/local-scheduler/local-scheduler.ts');
  const { loadSchedules } = await import('./load-schedules.ts');
  const { createDynamoDbClient, documentClientFor } = await import('#shared/adapters/dynamodb/client.ts');

  const baseClient = createDynamoDbClient({ endpoint: dynamo.endpoint });
  await ensureTable(baseClient, 'agent-schedules');
  const documentClient = documentClientFor(baseClient);

  const scheduler = new LocalScheduler({
    clock,
    fire: async (event) => {
      await runner(event);
    },
    onError: (error, event) => console.error(`local scheduler: run of ${event.scheduleId} at ${event.scheduledTime} failed:`, error),
  });
  const dispatcher = new InProcessDispatcher((ref) => runner(ref));
  wiring.resetRuntime();
  // Locally agents may live on loopback and be local commands; on AWS both are refused.
  const { FileVault } = await import('#shared/adapters/secrets/file-vault.ts');
  // Tenants' agent secrets (PUT /v1/secrets/{name}) stay in DATA_DIR, readable by this user only.
  const vault = new FileVault(options.inMemory ? undefined : join(dataDir, 'secrets.json'));
  wiring.overrideRuntime({ mirror: scheduler, clock, dispatcher, vault, agentOptions: { allowLoopback: true, allowCommands: true } });
  // Notifications are delivered in process after the request that emitted them; retries fall due on the server's clock.
  (await import('#shared/composition/notifications.ts')).useLocalNotifications({ clock });
  // Batch items start through the same in-process dispatcher (SQS → the runner on AWS); each batch's maxConcurrency is
  // kept by its record's claims, as on AWS.
  (await import('#shared/composition/batch-queue.ts')).useLocalBatchQueue({
    enqueue: async (refs) => {
      for (const ref of refs) await dispatcher.dispatch(ref);
    },
  });
  // Runs the previous process left queued or running can no longer finish: end them before anything fires (a
  // backfill whose run is ended goes on with its next occurrence, through the in-process dispatcher).
  const { endOverdueRuns } = await import('#shared/use-cases/end-overdue-runs.ts');
  const { missedRunDeps, sweepDeps } = await import('#shared/composition/sweeper.ts');
  const sweep = { ...(await sweepDeps()), log: (message: string, details: Record<string, unknown>) => console.error(`local sweeper: ${message}`, details) };
  await endOverdueRuns(sweep, { everyUnfinished: true });
  const schedules = await loadSchedules(documentClient, 'agent-schedules');
  scheduler.load(schedules.mirrored, clock.now());
  // Schedules that catch up (catchUp "latest") run the latest occurrence missed while the server was down, once.
  const { triggerDeps } = await import('#shared/composition/runs.ts');
  const { catchUpMissed } = await import('#shared/use-cases/catch-up.ts');
  const catchUp = await triggerDeps();
  for (const schedule of schedules.stored) {
    await catchUpMissed(catchUp, schedule).catch((error: unknown) => console.error(`local server: catch-up of ${schedule.id} failed:`, error));
  }
  if (options.tickIntervalMs !== 0) scheduler.start(options.tickIntervalMs ?? 1000);
  // Each periodic sweep also records the scheduled times that passed MISSED_RUN_GRACE_SECONDS with no run (a lost
  // fire: the server was down, or the scheduler did not tick), as the sweeper Lambda does on AWS. One at a time.
  const { detectMissedRuns } = await import('#shared/use-cases/detect-missed-runs.ts');
  const missed = {
    ...(await missedRunDeps()),
    log: (message: string, details: Record<string, unknown>) => console.error(`local sweeper: ${message}`, details),
  };
  let sweeping = false;
  const periodicSweep = async () => {
    if (sweeping) return;
    sweeping = true;
    await endOverdueRuns(sweep).catch((error: unknown) => console.error('local sweeper: sweep failed', error));
    await detectMissedRuns(missed).catch((error: unknown) => console.error('local sweeper: missed-run detection failed', error));
    sweeping = false;
  };
  const sweeper = options.sweepIntervalMs === 0 ? undefined : setInterval(() => void periodicSweep(), options.sweepIntervalMs ?? 60_000);
  sweeper?.unref();

  // A JVM that dies is started again (same port, same data); meanwhile data requests answer 503 storage_unavailable.
  let restarts = 0;
  dynamo.onUnexpectedExit((code) => {
    console.error(`local server: DynamoDB Local exited (code ${code}); restarting it.`);
    void (async () => {
      while (restarts < JVM_RESTARTS) {
        restarts += 1;
        await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** (restarts - 1)));
        try {
          await dynamo.restart();
          lock?.recordJvm(dynamo.pid);
          restarts = 0;
          console.error('local server: DynamoDB Local is back.');
          return;
        } catch (error) {
          console.error(
            `local server: restarting DynamoDB Local failed (attempt ${restarts} of ${JVM_RESTARTS}):`,
            error instanceof Error ? error.message : error,
          );
        }
      }
      options.onFatal?.(new Error(`DynamoDB Local died and could not be restarted after ${JVM_RESTARTS} attempts.`));
    })();
  });

  const handlers = new Map<string, Handler>();
  async function handlerFor(name: string): Promise<Handler> {
    let handler = handlers.get(name);
    if (!handler) {
      const module = (await import(`../functions/${name}/handler.ts`)) as { handler: Handler };
      handler = module.handler;
      handlers.set(name, handler);
    }
    return handler;
  }

  async function authorize(header: string | undefined): Promise<Record<string, string> | undefined> {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
    if (!token) return undefined;
    if (sameHash(hashKey(token), localKeyHash)) return LOCAL_PRINCIPAL;
    const authorizer = await handlerFor('authorize');
    const result = (await authorizer({ headers: { authorization: header } }, lambdaContext('authorize', randomUUID()))) as {
      isAuthorized: boolean;
      context?: Record<string, string>;
    };
    return result.isAuthorized ? result.context : undefined;
  }

  async function serve(request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> {
    const method = (request.method ?? 'GET').toUpperCase();
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', 'x-request-id': requestId, ...headers });
      response.end(body);
    };
    let url: URL;
    try {
      url = new URL(request.url ?? '/', 'http://localhost');
    } catch {
      request.resume();
      return send(
        400,
        errorBody('bad_request', `The request target "${String(request.url).slice(0, 100)}" is not a valid path.`, 'Send a path such as /v1/schedules.'),
      );
    }
    if (options.demoAgent && isDemoAgentRequest(request, url.pathname))
      return answerAsDemoAgent(await readBody(request).then((read) => (read === 'too_large' ? '' : read)), response);
    const match = matchRoute(method, url.pathname.replace(/\/+$/, '') || '/');
    // Routes with their own limit (the batch routes) are read up to it; the handler checks every route's exact limit.
    const ownLimit = match?.route.bodyLimitBytes;
    const body = await readBody(request, Math.max(MAX_BODY_BYTES, ownLimit ?? 0));
    if (body === 'too_large')
      return send(
        413,
        ownLimit === undefined
          ? errorBody(
              'payload_too_large',
              `The request body is over ${MAX_BODY_BYTES} bytes; the limit is 256 KiB.`,
              'Shorten the task or metadata: task may be 32 KiB, metadata 8 KiB.',
            )
          : errorBody(
              'payload_too_large',
              `The request body is over ${Math.max(MAX_BODY_BYTES, ownLimit)} bytes; the limit is ${ownLimit} bytes (${ownLimit / (1024 * 1024)} MiB).`,
              'Send fewer items at once: create the batch with "start": false, then append the rest with POST /v1/batches/{id}/items.',
            ),
      );
    if (!match) {
      if (pathExists(url.pathname)) return send(405, errorBody('method_not_allowed', `${method} is not allowed on ${url.pathname}.`, 'See GET /openapi.json.'));
      return send(404, errorBody('not_found', `No route ${method} ${url.pathname}.`, 'See GET /openapi.json for the routes.'));
    }
    let authorizer: Record<string, string> | undefined;
    if (match.route.auth !== 'none') {
      authorizer = await authorize(request.headers.authorization);
      if (!authorizer) return send(401, errorBody('unauthorized', 'Missing or invalid API key.', 'Send "Authorization: Bearer <api key>".'));
    }
    const event = toEvent(request, url, match.route, match.params, body, authorizer, requestId);
    const handler = await handlerFor(match.route.function);
    const result = (await handler(event, lambdaContext(match.route.function, requestId))) as {
      statusCode?: number;
      headers?: Record<string, string>;
      body?: string;
    };
    response.writeHead(result.statusCode ?? 200, { 'x-request-id': requestId, ...(result.headers ?? {}) });
    response.end(result.body ?? '');
  }

  const server: Server = createServer((request, response) => {
    const requestId = randomUUID();
    serve(request, response, requestId).catch((error: unknown) => {
      console.error(`local server: request ${requestId} failed`, error);
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json', 'x-request-id': requestId });
      response.end(errorBody('internal', `The local server failed to handle the request; see its console. Request id: ${requestId}.`));
    });
  });
  // Requests Node cannot parse never reach serve(): answer them in the API's envelope too, as API Gateway would.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const requestId = randomUUID();
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const body = tooLarge
      ? errorBody('headers_too_large', 'The request headers are over 16 KB.', 'Send smaller headers (API Gateway allows 10 KB).')
      : errorBody('bad_request', 'The request could not be parsed as HTTP/1.1.', 'Check the request line and headers.');
    socket.end(rawAnswer(tooLarge ? 431 : 400, tooLarge ? 'Request Header Fields Too Large' : 'Bad Request', body, requestId));
  });
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? Number(process.env.PORT ?? 3000), '127.0.0.1', ready);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Agents that answer 202 call back here (their callbackUrl), unless PUBLIC_BASE_URL names another address (a tunnel).
  // Known only once listening (port 0): set on the settings object every dependency shares, so runs offer it from now on.
  wiring.settings().publicBaseUrl ??= url;
  if (options.demoAgent) {
    await installDemoAgent(url, keys.apiKey);
    wiring.settings().defaultAgentId ??= DEMO_AGENT_ID;
  }

  let stopped = false;
  return {
    url,
    apiKey: keys.apiKey,
    adminKey: keys.adminKey,
    tick: () => scheduler.tick(),
    drain: () => dispatcher.drain(),
    dynamo,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (sweeper) clearInterval(sweeper);
      // Runs still in flight get a few seconds; any left are ended (timed_out) by the next start's sweep.
      const settled = Promise.all([scheduler.stop(), dispatcher.drain()]).then(() => true);
      const grace = new Promise<false>((resolve) => setTimeout(() => resolve(false), options.stopGraceMs ?? 5_000).unref());
      if (!(await Promise.race([settled, grace]))) {
        console.error('local server: stopping with runs still in flight; the next start ends them as timed_out.');
      }
      await new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      await dynamo.stop();
      lock?.release();
    },
  };
}

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(HELP);
    return;
  }
  if (spawnSync('java', ['-version'], { stdio: 'ignore' }).status !== 0) {
    console.error('agent-schedules: DynamoDB Local needs Java 17, and `java` was not found. Install it: sudo apt-get install -y openjdk-17-jre-headless');
    process.exitCode = 1;
    return;
  }
  const server = await startLocalServer({
    demoAgent: true,
    console: true,
    onFatal: (error) => {
      console.error(`agent-schedules: ${error.message} Stopping.`);
      void server.stop().finally(() => process.exit(1));
    },
  });
  console.log(`agent-schedules is running at ${server.url}

  Console:                  ${server.url}/console  (sign in with the API key)
  API key (tenant "local"): ${server.apiKey}
  Admin key:                ${server.adminKey}
  Data:                     ${resolve(process.env.DATA_DIR ?? '.data')}
  Default agent:            ${process.env.DEFAULT_AGENT_ID || 'demo (built in, local only: it answers with a short summary of its task)'}

Try it:
  export KEY=${server.apiKey}
  curl -s -X POST ${server.url}/v1/schedules -H "Authorization: Bearer $KEY" \\
    -d '{"name": "Daily report", "task": "Summarise yesterday", "cronExpression": "0 9 * * 1-5", "timezone": "America/New_York"}'
  curl -s -X POST ${server.url}/v1/schedules/<id from the answer>/trigger -H "Authorization: Bearer $KEY"
  curl -s ${server.url}/v1/schedules/<id>/runs -H "Authorization: Bearer $KEY"        # the run, with the agent's output

Ctrl-C to stop.`);
  const shutdown = () => {
    console.log('\nStopping…');
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error('agent-schedules: the local server could not start:', error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
