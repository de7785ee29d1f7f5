// GET /openapi.json: the OpenAPI 3.1 document generated from the zod schemas and the route table.
import { apiHandler, json } from '#shared/http/api-handler.ts';
import { openApiDocument } from '#shared/http/openapi.ts';

export const handler = apiHandler('none', async () => json(200, openApiDocument()));
