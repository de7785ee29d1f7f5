// The local server's built-in demo agent (`npm start` only, never on AWS): an http agent the server itself answers, so
// a newcomer's first trigger succeeds with output before any real agent exists. It is tenant "local"'s default agent
// unless DEFAULT_AGENT_ID names another.
import type { IncomingMessage, ServerResponse } from 'node:http';

export const DEMO_AGENT_ID = 'demo';
/** Where the local server answers as the demo agent (outside the API's routes). */
export const DEMO_AGENT_PATH = '/local/demo-agent';

/** A short, deterministic "summary" of the task: what it was asked, counted and quoted, so a run shows real output. */
export function demoAnswer(task: string): string {
  const words = task.trim().split(/\s+/).filter(Boolean);
  const firstSentence = (task.trim().split(/(?<=[.!?])\s/)[0] ?? '').slice(0, 160);
  return (
    `Demo agent (local only): I was asked "${firstSentence}" (${words.length} word${words.length === 1 ? '' : 's'}). ` +
    'A real agent would do the work here: create one with POST /v1/agents and name it in the schedule as agentId.'
  );
}

/** Answers a demo-agent request: `{output}` for the task in the signed payload the http agent adapter sends. */
export function answerAsDemoAgent(body: string | undefined, response: ServerResponse): void {
  let task = '';
  try {
    const parsed = JSON.parse(body ?? '{}') as { task?: unknown };
    task = typeof parsed.task === 'string' ? parsed.task : '';
  } catch {
    // A body that is not JSON gets the answer for an empty task.
  }
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ output: demoAnswer(task) }));
}

export const isDemoAgentRequest = (request: IncomingMessage, pathname: string): boolean => request.method === 'POST' && pathname === DEMO_AGENT_PATH;

/** Stores the demo agent of tenant "local", or points it at this server again (its port may change between starts). */
export async function installDemoAgent(url: string, apiKey: string): Promise<void> {
  const definition = { name: 'Demo agent (local only)', kind: 'http', url: `${url}${DEMO_AGENT_PATH}` };
  const send = (method: string, path: string, body: unknown) =>
    fetch(`${url}${path}`, { method, headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  let answer = await send('POST', '/v1/agents', { id: DEMO_AGENT_ID, ...definition });
  if (answer.status === 409) answer = await send('PUT', `/v1/agents/${DEMO_AGENT_ID}`, definition);
  if (!answer.ok) throw new Error(`installing the demo agent answered ${answer.status}: ${await answer.text()}`);
}
