// The schedules table (filters, search, paging) and the new-schedule form with its live preview.
import { useEffect, useState } from 'preact/hooks';
import type { AgentSchedulesClient, Preview, Schedule } from '../../client/index.ts';
import { ErrorNote, FieldError, Page, Status, When } from './ui.tsx';

export function SchedulesPage({ client }: { client: AgentSchedulesClient }) {
  const [rows, setRows] = useState<Schedule[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [search, setSearch] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);

  const load = async (after: string | null) => {
    setLoading(true);
    try {
      const query = { limit: 50, ...(after ? { cursor: after } : {}), ...(status ? { enabled: status === 'active' ? 'true' : 'false' } : {}) };
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
  useEffect(() => void load(null), [status]);

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
      </div>
      <ErrorNote error={error} />
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Cadence</th>
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

export function NewSchedulePage({ client }: { client: AgentSchedulesClient }) {
  const [name, setName] = useState('');
  const [task, setTask] = useState('');
  const [when, setWhen] = useState('');
  const [timezone, setTimezone] = useState(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  const [preview, setPreview] = useState<(Preview & { cronExpression?: string }) | null>(null);
  const [previewError, setPreviewError] = useState<unknown>(null);
  const [error, setError] = useState<unknown>(null);

  // Live preview: a cron expression as it is, anything else read as English ("weekdays at 9:30").
  useEffect(() => {
    const text = when.trim();
    if (!text) return setPreview(null);
    const timer = setTimeout(async () => {
      try {
        const looksLikeCron = /^[\d*/,\-?LW#]+(\s+[\d*/,\-?LW#A-Za-z]+){4}$/.test(text) || text.startsWith('@');
        // English is first turned into cron by the API's own text-to-cron; the preview then gives the EventBridge
        // expression, the description and the next 10 runs.
        const cronExpression = looksLikeCron ? text : ((await client.schedules.textToCron(text, timezone)) as { cronExpression?: string }).cronExpression;
        if (!cronExpression) throw new Error(`"${text}" reads as an interval; use a cron expression here.`);
        const answer = { ...(await client.schedules.preview({ cronExpression, timezone, count: 10 } as never)), cronExpression };
        setPreview(answer as Preview & { cronExpression?: string });
        setPreviewError(null);
      } catch (failure) {
        setPreview(null);
        setPreviewError(failure);
      }
    }, 300);
    return () => clearTimeout(timer);
  }, [when, timezone]);

  const create = async (event: Event) => {
    event.preventDefault();
    try {
      const cronExpression = preview?.cronExpression ?? when.trim();
      const schedule = await client.schedules.create({ name, task, cronExpression, timezone } as never);
      window.location.hash = `#/schedules/${schedule.id}`;
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <Page title="New schedule">
      <form onSubmit={create} class="form">
        <label>
          Name <input required value={name} onInput={(event) => setName(event.currentTarget.value)} />
        </label>
        <FieldError error={error} field="name" />
        <label>
          Task <textarea required value={task} onInput={(event) => setTask(event.currentTarget.value)} />
        </label>
        <FieldError error={error} field="task" />
        <label>
          When (cron, or words like “weekdays at 9:30”) <input name="when" required value={when} onInput={(event) => setWhen(event.currentTarget.value)} />
        </label>
        <FieldError error={previewError ?? error} field="cronExpression" />
        <FieldError error={previewError} field="cron" />
        <label>
          Timezone <input value={timezone} onInput={(event) => setTimezone(event.currentTarget.value)} />
        </label>
        <FieldError error={error} field="timezone" />
        {preview ? (
          <section class="preview" aria-label="Preview">
            <p>
              <strong>{preview.description}</strong>
            </p>
            <p class="muted">
              {preview.cronExpression ? `cron ${preview.cronExpression} · ` : ''}EventBridge: <code>{preview.schedulerExpression}</code>
            </p>
            <ol class="next-runs">
              {(preview.nextRuns ?? []).slice(0, 10).map((run) => (
                <li key={run}>
                  <When at={run} zone={timezone} />
                </li>
              ))}
            </ol>
          </section>
        ) : null}
        <ErrorNote error={error instanceof Error && (error as { field?: string }).field ? null : error} />
        <button type="submit">Create schedule</button>
      </form>
    </Page>
  );
}
