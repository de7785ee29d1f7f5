// GET /health: liveness for load balancers and the local server's start-up check; no auth, no I/O.
import { apiHandler, json } from '#shared/http/api-handler.ts';

export const handler = apiHandler('none', async () => json(200, { status: 'ok' }));
