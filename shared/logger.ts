// The one structured logger (Powertools: JSON lines with the request context); no secrets are ever passed to it.
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'agent-schedules' });
