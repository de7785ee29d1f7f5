// GET /health: liveness and whether storage answers, for load balancers and the local server's start-up check; no auth.
import { healthDeps } from '#shared/composition/storage.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';

export const handler = apiHandler('none', async () =>
  (await (await healthDeps()).storageAnswers())
    ? json(200, { status: 'ok', storage: 'ok' })
    : json(503, {
        status: 'degraded',
        storage: 'unavailable',
        error: { code: 'storage_unavailable', message: 'The API is up but its data store does not answer; data requests fail until it is back.' },
      }),
);
