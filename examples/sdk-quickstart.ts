// The SDK quick start (README › SDK), run by test/e2e/sdk.test.ts against the local server: create a schedule, list
// schedules, trigger it, wait for the run and read the agent's output, and see what a refused request carries.
// AGENT_SCHEDULES_URL=http://localhost:3000 AGENT_SCHEDULES_API_KEY=… npx tsx examples/sdk-quickstart.ts
import { createClient, isApiError, type Run } from '../client/index.ts';

const client = createClient({ baseUrl: process.env.AGENT_SCHEDULES_URL!, apiKey: process.env.AGENT_SCHEDULES_API_KEY! });

// The same Idempotency-Key on a retry answers with the schedule the first call created.
const schedule = await client.schedules.create(
  { name: 'Daily sales summary', task: "Summarise yesterday's sales", cronExpression: '0 9 * * 1-5', timezone: 'America/New_York' },
  { idempotencyKey: 'daily-sales-summary' },
);
console.log(JSON.stringify({ created: schedule.id, cadence: schedule.cronDescription, nextRunAt: schedule.nextRunAt }));

// Lists are async iterables: every page, fetched as you go.
for await (const each of client.schedules.list()) console.log(JSON.stringify({ listed: each.name }));

// Run it now, then wait for the run to end.
const { run: started } = await client.schedules.trigger(schedule.id);
let run: Run = started;
while (run.status === 'queued' || run.status === 'running') {
  await new Promise((resolve) => setTimeout(resolve, 250));
  run = await client.schedules.run(schedule.id, started.id);
}
console.log(JSON.stringify({ run: run.id, status: run.status, output: run.output }));

// A refused request throws AgentSchedulesError with the API's code, the field at fault, a hint and the request id.
try {
  await client.schedules.create({ name: 'Bad', task: 'never', cronExpression: '0 9 1 * 1' });
} catch (error) {
  if (!isApiError(error, 'invalid_request')) throw error;
  console.log(JSON.stringify({ refused: error.status, field: error.field, hint: error.hint, requestId: error.requestId }));
}

await client.schedules.delete(schedule.id);
console.log(JSON.stringify({ deleted: schedule.id }));
