// The schedules table: cadence in words, next run in two zones, status, last run; search, status, owner and agent filters, paging.
import { useEffect, useState } from 'preact/hooks';
import type { AgentSchedulesClient, Schedule } from '../../client/index.ts';
import { ErrorNote, Page, Status, When } from './ui.tsx';

export function SchedulesPage({ client }: { client: AgentSchedulesClient }) {
  const [rows, setRows] = useState<Schedule[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [agent, setAgent] = useState('');
  const [scope, setScope] = useState('');
  const [agents, setAgents] = useState<string[]>([]);
  const [search, setSearch] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);

  const load = async (after: string | null) => {
    setLoading(true);
    try {
      const query = {
        limit: 50,
        ...(after ? { cursor: after } : {}),
        ...(status ? { enabled: status === 'active' ? 'true' : 'false' } : {}),
        ...(agent ? { agentId: agent } : {}),
        ...(scope ? { scope } : {}),
      };
      const page = await client.schedules.page(query as never);
      setRows((before) => [...(after ? before : []), ...(page.data as Schedule[])]);
      setCursor(page.next_cursor ?? null);
      setError(null);
    } catch (failure) {
      setError(failure);
    } finally {
      setLoading(false);
    }
  };
  useEffect(() => void load(null), [status, agent, scope]);
  useEffect(() => {
    client.agents.list().then((list) => setAgents(list.map((each) => each.id)), setError);
  }, []);

  const shown = rows.filter((row) => row.name.toLowerCase().includes(search.trim().toLowerCase()));
  return (
    <Page title="Schedules" actions={<a class="button" href="#/new">New schedule</a>}>
      <div class="filters">
        <label>
          Search by name <input type="search" value={search} onInput={(event) => setSearch(event.currentTarget.value)} />
        </label>
        <label>
          Status{' '}
          <select value={status} onChange={(event) => setStatus(event.currentTarget.value)}>
            <option value="">all</option>
            <option value="active">active</option>
            <option value="paused">paused</option>
          </select>
        </label>
        <label>
          Owner{' '}
          <select value={scope} onChange={(event) => setScope(event.currentTarget.value)}>
            <option value="">mine and my team’s</option>
            <option value="user">mine</option>
            <option value="team">my team’s</option>
          </select>
        </label>
        <label>
          Agent{' '}
          <select value={agent} onChange={(event) => setAgent(event.currentTarget.value)}>
            <option value="">all</option>
            {agents.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorNote error={error} />
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Cadence</th>
              <th>Timezone</th>
              <th>Next run</th>
              <th>Status</th>
              <th>Last run</th>
              <th>OK / failed</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((schedule) => (
              <tr key={schedule.id}>
                <td>
                  <a href={`#/schedules/${schedule.id}`}>{schedule.name}</a>
                </td>
                <td>{schedule.cronDescription}</td>
                <td>{schedule.timezone}</td>
                <td>
                  <When at={schedule.nextRunAt} zone={schedule.timezone} />
                </td>
                <td>
                  <Status value={schedule.status} />
                </td>
                <td>
                  <Status value={schedule.lastRunStatus} />
                </td>
                <td>
                  {schedule.successCount} / {schedule.failureCount}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {!loading && shown.length === 0 ? <p class="muted">No schedules yet: create one.</p> : null}
      {cursor ? (
        <button type="button" onClick={() => void load(cursor)} disabled={loading}>
          Load more
        </button>
      ) : null}
    </Page>
  );
}
