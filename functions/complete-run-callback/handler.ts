// POST /v1/callbacks/{handle}: a long-running agent (it answered 202) finishes its run; the per-run token is the auth.
import { callbackDeps } from '#shared/composition/callbacks.ts';
import { bearerToken, parseCallbackBody } from '#shared/http/callbacks.ts';
import { presentRun } from '#shared/http/runs.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { completeByCallback } from '#shared/use-cases/run-callback.ts';

export const handler = apiHandler('none', async ({ params, headers, body }) => {
  const token = bearerToken(headers);
  const run = await completeByCallback(await callbackDeps(), params.handle!, token, parseCallbackBody(body));
  return json(200, { run: presentRun(run) });
});
