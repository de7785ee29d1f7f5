// POST /v1/schedules/preview: the EventBridge expression, description and next runs of a cron or one-time instant.
import { previewDeps } from '#shared/composition/runtime.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { parsePreviewBody, presentPreview } from '#shared/http/preview.ts';
import { previewSchedule } from '#shared/use-cases/preview-schedule.ts';

export const handler = apiHandler('tenant', async ({ body }) => json(200, presentPreview(previewSchedule(await previewDeps(), parsePreviewBody(body)))));
