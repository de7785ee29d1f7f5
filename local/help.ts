// `npm start -- --help`: the local server's options and behaviour.
/** How often a JVM that died is started again before the server gives up. */
export const JVM_RESTARTS = 3;

export const HELP = `agent-schedules local server

Usage: npm start

Environment:
  PORT                       port to listen on, on 127.0.0.1 (default 3000)
  DATA_DIR                   where DynamoDB Local keeps its data and the generated keys (default .data/)
  AGENT_SCHEDULES_API_KEY    a fixed API key for tenant "local" (generated and kept in DATA_DIR when unset)
  AGENT_SCHEDULES_ADMIN_KEY  the admin key for /v1/admin/api-keys (same)

  AGENT_SECRET_ENV_NAMES     environment variables agents may name as secretRef "env:NAME" (comma-separated; never
                             AWS_* or the server's own). Prefer PUT /v1/secrets/{name} and "secret:NAME".
  MISSED_RUN_GRACE_SECONDS   how long after a schedule's fire time (plus its flexible window) a time with no run is
                             recorded as missed: a skipped run, reason "missed" (default 600)
  PUBLIC_BASE_URL            the URL agents call back at after answering 202 (default this server's own URL)
  MODEL_PRICES               USD per million tokens by model id, JSON {"model": {"inputPerMillion": n,
                             "outputPerMillion": n}}, laid over the dated defaults: batches' actualUsd

Needs Java 17 for DynamoDB Local: one JVM per DATA_DIR (a second server on the same DATA_DIR is refused), which
stops when the server stops or dies, even on kill -9. A JVM that dies is restarted (data requests answer 503
storage_unavailable meanwhile); after ${JVM_RESTARTS} failed restarts the server exits with status 1. GET /health says
whether storage answers. At start-up, runs the previous server left unfinished are ended (timed_out, or failed if
they never started), and every minute runs past their deadline are; fire times left with no run for
MISSED_RUN_GRACE_SECONDS are then recorded as missed.

Ctrl-C stops it (runs still in flight after 5 s are ended as timed_out at the next start); a restart on the same
DATA_DIR loses nothing.`;
