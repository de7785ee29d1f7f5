// POST /v1/schedules/preview: the EventBridge expression, description and next runs of a cron or one-time instant.
import { clock, settings } from '#shared/adapters/wiring/runtime.ts';
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { previewSchedule } from '#shared/use-cases/preview-schedule.ts';

export const handler = apiHandler('tenant', async ({ body }) => json(200, previewSchedule({ clock: clock(), settings: settings() }, body)));
