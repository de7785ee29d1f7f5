// POST /v1/runs (and /v1/threads): run an agent once now; a `schedule` block also creates that schedule.
// An Idempotency-Key makes retries safe: the same key answers the same run (Idempotent-Replayed: true).
import { scheduleRunDeps } from '#shared/composition/runs.ts';
import { parseRunRequest, presentRun } from '#shared/http/runs.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { presentSchedule } from '#shared/http/schedules.ts';
import { createRun } from '#shared/use-cases/create-run.ts';

export const handler = apiHandler('tenant', async ({ principal, body, headers }) => {
  const deps = await scheduleRunDeps();
  const { run, schedule, replayed } = await createRun(deps, principal, parseRunRequest(body), { idempotencyKey: headers['idempotency-key'] });
  return json(
    202,
    {
      run: presentRun(run),
      thread: { id: run.id, status: run.status },
      ...(schedule ? { schedule: presentSchedule(schedule, deps.clock.now()) } : {}),
      message: 'Run started',
    },
    replayed ? { 'idempotent-replayed': 'true' } : {},
  );
});
