// The signed-in session: the API key lives in sessionStorage (this tab only, gone when it closes), is sent only as
// the Bearer header by the SDK client, and never appears in a URL or a log.
import { AgentSchedulesError, createClient, type AgentSchedulesClient } from '../../client/index.ts';

const KEY = 'agent-schedules.apiKey';

export const storedKey = (): string | null => sessionStorage.getItem(KEY);

export const clientFor = (apiKey: string): AgentSchedulesClient => createClient({ baseUrl: window.location.origin, apiKey });

/** Checks the key with one cheap call; keeps it only when the API accepts it. */
export async function signIn(apiKey: string): Promise<AgentSchedulesClient> {
  const client = clientFor(apiKey.trim());
  try {
    await client.schedules.page({ limit: 1 });
  } catch (error) {
    if (error instanceof AgentSchedulesError && (error.status === 401 || error.status === 403)) {
      throw new AgentSchedulesError({
        status: error.status,
        code: error.code,
        message:
          error.status === 401
            ? 'That API key was not accepted: check it was copied whole (it starts with as_), and that it was not revoked.'
            : 'That key cannot use schedules: the admin key only manages API keys. Sign in with a tenant API key.',
        requestId: error.requestId,
      });
    }
    throw error;
  }
  sessionStorage.setItem(KEY, apiKey.trim());
  return client;
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
}
