// GET /console and GET /console/assets/{file}: the web console, served by the API itself.
import { consoleFiles } from '#shared/composition/console.ts';
import { apiHandler } from '#shared/http/api-handler.ts';
import { consoleAnswer } from '#shared/http/console.ts';

const files = consoleFiles();

export const handler = apiHandler('none', async ({ params }) => consoleAnswer(files, params.file));
