// POST /v1/schedules/{id}/trigger: run now, through the same runner as scheduled runs; 202 with the queued run.
// An Idempotency-Key makes retries safe: the same key answers the same run (Idempotent-Replayed: true).
import { triggerDeps } from '#shared/composition/runs.ts';
import { presentRun } from '#shared/http/runs.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { triggerSchedule } from '#shared/use-cases/trigger-schedule.ts';

export const handler = apiHandler('tenant', async ({ principal, params, headers }) => {
  const { run, replayed } = await triggerSchedule(await triggerDeps(), principal, params.id!, { idempotencyKey: headers['idempotency-key'] });
  // `thread` is how seed 001's clients read the started execution.
  return json(
    202,
    { run: presentRun(run), thread: { id: run.id, status: run.status }, message: 'Schedule triggered - execution started' },
    replayed ? { 'idempotent-replayed': 'true' } : {},
  );
});
