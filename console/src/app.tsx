// The console's shell: sign-in, the header, and hash routes (#/schedules, #/schedules/:id, #/schedules/:id/runs/:runId,
// #/schedules/:id/edit, #/new, #/calendar, #/batches, #/batches/:id, #/agents), so the API key never travels in a URL and every page reloads to itself.
import { useEffect, useState } from 'preact/hooks';
import type { AgentSchedulesClient } from '../../client/index.ts';
import { AgentsPage } from './agents.tsx';
import { BatchesPage, BatchPage } from './batches.tsx';
import { CalendarPage } from './calendar.tsx';
import { SchedulePage, RunPage } from './schedule.tsx';
import { EditSchedulePage, ScheduleFormPage } from './schedule-form.tsx';
import { SchedulesPage } from './schedules.tsx';
import { clientFor, signIn, signOut, storedKey } from './session.ts';
import { ErrorNote } from './ui.tsx';

function useHash(): string {
  const [hash, setHash] = useState(window.location.hash || '#/schedules');
  useEffect(() => {
    const changed = () => setHash(window.location.hash || '#/schedules');
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return hash;
}

function SignIn({ onSignedIn }: { onSignedIn: (client: AgentSchedulesClient) => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      onSignedIn(await signIn(key));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in">
      <h1>agent-schedules</h1>
      <form onSubmit={submit} class="form">
        <label>
          API key
          <input type="password" name="apiKey" autoComplete="off" required value={key} onInput={(event) => setKey(event.currentTarget.value)} />
        </label>
        <p class="hint">Kept in this tab only (sessionStorage) and sent as the Authorization header; `npm start` prints one.</p>
        <ErrorNote error={error} />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}

export function App() {
  const [client, setClient] = useState<AgentSchedulesClient | null>(() => {
    const key = storedKey();
    return key ? clientFor(key) : null;
  });
  const hash = useHash();
  if (!client) return <SignIn onSignedIn={setClient} />;

  const run = /^#\/schedules\/([^/]+)\/runs\/([^/]+)$/.exec(hash);
  const schedule = /^#\/schedules\/([^/]+)$/.exec(hash);
  const batch = /^#\/batches\/([^/]+)$/.exec(hash);
  const edit = /^#\/schedules\/([^/]+)\/edit$/.exec(hash);
  let page;
  if (run) page = <RunPage client={client} scheduleId={decodeURIComponent(run[1]!)} runId={decodeURIComponent(run[2]!)} />;
  else if (schedule) page = <SchedulePage client={client} id={decodeURIComponent(schedule[1]!)} />;
  else if (edit) page = <EditSchedulePage client={client} id={decodeURIComponent(edit[1]!)} />;
  else if (batch) page = <BatchPage client={client} id={decodeURIComponent(batch[1]!)} />;
  else if (hash === '#/new') page = <ScheduleFormPage client={client} />;
  else if (hash === '#/calendar') page = <CalendarPage client={client} />;
  else if (hash === '#/batches') page = <BatchesPage client={client} />;
  else if (hash === '#/agents') page = <AgentsPage client={client} />;
  else page = <SchedulesPage client={client} />;

  return (
    <>
      <nav class="top">
        <a href="#/schedules" class="brand">
          agent-schedules
        </a>
        <a href="#/schedules">Schedules</a>
        <a href="#/new">New schedule</a>
        <a href="#/calendar">Calendar</a>
        <a href="#/batches">Batches</a>
        <a href="#/agents">Agents</a>
        <button
          type="button"
          class="link"
          onClick={() => {
            signOut();
            setClient(null);
          }}
        >
          Sign out
        </button>
      </nav>
      {page}
    </>
  );
}
