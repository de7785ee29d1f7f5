// GET /v1/schedules/text-to-cron?cron=TEXT: plain English to cron, with description and next runs.
import { previewDeps } from '#shared/composition/runtime.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { parseTextToCronQuery, presentTextToCron } from '#shared/http/preview.ts';
import { textToCronPreview } from '#shared/use-cases/preview-schedule.ts';

export const handler = apiHandler('tenant', async ({ query }) =>
  json(200, presentTextToCron(textToCronPreview(await previewDeps(), parseTextToCronQuery(query)))),
);
