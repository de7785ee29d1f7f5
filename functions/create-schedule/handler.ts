// POST /v1/schedules (and /agent/schedules): create a schedule; Idempotency-Key makes retries safe.
import { scheduleDeps } from '#shared/composition/schedules.ts';
import { parseScheduleInput } from '#shared/http/schedules.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { scheduleBody } from '#shared/http/schedules.ts';
import { createSchedule } from '#shared/use-cases/create-schedule.ts';

export const handler = apiHandler('tenant', async ({ principal, body, headers, routeDialect }) => {
  const { input, dialect } = parseScheduleInput(body);
  const deps = await scheduleDeps();
  const { schedule, replayed } = await createSchedule(deps, principal, input, { idempotencyKey: headers['idempotency-key'] });
  const answerIn = routeDialect === 'agent' ? 'agent' : dialect;
  // Toolhouse's clients check for 200 on create; everyone else gets 201 Created.
  return json(answerIn === 'toolhouse' ? 200 : 201, scheduleBody(schedule, deps.clock.now(), answerIn), replayed ? { 'idempotent-replayed': 'true' } : {});
});
