// Agents: the list, a new http agent, editing one, and a test button that runs one once with a task typed here (POST /v1/runs).
import { useEffect, useState } from 'preact/hooks';
import { isFinalRun, type Agent, type AgentSchedulesClient, type Run } from '../../client/index.ts';
import { ErrorNote, FieldError, Output, Page, Status } from './ui.tsx';


function TestRun({ client, agentId }: { client: AgentSchedulesClient; agentId: string }) {
  const [task, setTask] = useState('Say hello');
  const [run, setRun] = useState<Run | null>(null);
  const [error, setError] = useState<unknown>(null);
  const test = async (event: Event) => {
    event.preventDefault();
    try {
      setError(null);
      let current = (await client.runs.create({ agentId, task })).run as Run;
      setRun(current);
      while (!isFinalRun(current.status)) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        current = await client.runs.get(current.id);
        setRun(current);
      }
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <form class="form inline" onSubmit={test} aria-label={`Test ${agentId}`}>
      <label>
        Task for a test run <input value={task} onInput={(event) => setTask(event.currentTarget.value)} />
      </label>
      <button type="submit">Test</button>
      <ErrorNote error={error} />
      {run ? (
        <div>
          <Status value={run.status} /> {run.error ? `${run.error.kind}: ${run.error.message}` : null}
          {isFinalRun(run.status) && run.output ? <Output text={run.output} /> : null}
        </div>
      ) : null}
    </form>
  );
}

/** Renames an agent or points an http agent elsewhere (PATCH: only what changed). */
function EditAgent({ client, agent, onSaved }: { client: AgentSchedulesClient; agent: Agent; onSaved: () => void }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(agent.name);
  const [url, setUrl] = useState((agent as { url?: string }).url ?? '');
  const [error, setError] = useState<unknown>(null);
  if (!open)
    return (
      <button type="button" onClick={() => setOpen(true)}>
        Edit
      </button>
    );
  const save = async (event: Event) => {
    event.preventDefault();
    try {
      const http = (agent as { kind: string }).kind === 'http';
      await client.agents.update(agent.id, { name, ...(http ? { url } : {}) } as never);
      setOpen(false);
      setError(null);
      onSaved();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <form class="form" onSubmit={save} aria-label={`Edit ${agent.id}`}>
      <label>
        Name <input required value={name} onInput={(event) => setName(event.currentTarget.value)} />
      </label>
      {(agent as { kind: string }).kind === 'http' ? (
        <label>
          URL <input required value={url} onInput={(event) => setUrl(event.currentTarget.value)} />
        </label>
      ) : null}
      <FieldError error={error} field="url" />
      <ErrorNote error={error} />
      <button type="submit">Save agent</button>
    </form>
  );
}

export function AgentsPage({ client }: { client: AgentSchedulesClient }) {
  const [agents, setAgents] = useState<Agent[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [form, setForm] = useState({ id: '', name: '', url: '' });
  const [createError, setCreateError] = useState<unknown>(null);
  const load = () => client.agents.list().then(setAgents, setError);
  useEffect(() => void load(), []);

  const create = async (event: Event) => {
    event.preventDefault();
    try {
      await client.agents.create({ id: form.id, name: form.name, kind: 'http', url: form.url } as never);
      setForm({ id: '', name: '', url: '' });
      setCreateError(null);
      await load();
    } catch (failure) {
      setCreateError(failure);
    }
  };

  return (
    <Page title="Agents">
      <ErrorNote error={error} />
      {(agents ?? []).map((agent) => (
        <section key={agent.id} class="card" aria-label={`Agent ${agent.id}`}>
          <h2>
            {agent.name} <code class="muted">{agent.id}</code> <span class="muted">({(agent as { kind: string }).kind})</span>
          </h2>
          <EditAgent client={client} agent={agent} onSaved={() => void load()} />
          <TestRun client={client} agentId={agent.id} />
        </section>
      ))}
      {agents && agents.length === 0 ? <p class="muted">No agents yet.</p> : null}
      <h2>New http agent</h2>
      <form class="form" onSubmit={create}>
        <label>
          Id <input required value={form.id} onInput={(event) => setForm({ ...form, id: event.currentTarget.value })} />
        </label>
        <FieldError error={createError} field="id" />
        <label>
          Name <input required value={form.name} onInput={(event) => setForm({ ...form, name: event.currentTarget.value })} />
        </label>
        <label>
          URL <input required type="url" value={form.url} onInput={(event) => setForm({ ...form, url: event.currentTarget.value })} />
        </label>
        <FieldError error={createError} field="url" />
        <ErrorNote error={createError} />
        <button type="submit">Create agent</button>
      </form>
    </Page>
  );
}
