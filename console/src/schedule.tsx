// One schedule: what it is and when it runs next, trigger / pause / resume / delete, its run history; and one run's
// page with the output and the error.
import { useEffect, useState } from 'preact/hooks';
import { isFinalRun, take, type AgentSchedulesClient, type Run, type Schedule } from '../../client/index.ts';
import { ErrorNote, Output, Page, Status, When } from './ui.tsx';


export function SchedulePage({ client, id }: { client: AgentSchedulesClient; id: string }) {
  const [schedule, setSchedule] = useState<Schedule | null>(null);
  const [runs, setRuns] = useState<Run[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const refresh = async () => {
    try {
      setSchedule(await client.schedules.get(id));
      const page = await take(client.schedules.runs(id, { limit: 20 }), 20);
      setRuns(page);
      setError(null);
      return page;
    } catch (failure) {
      setError(failure);
      return [];
    }
  };
  useEffect(() => void refresh(), [id]);
  // While a run is unfinished, look again every second.
  useEffect(() => {
    if (runs.every((run) => isFinalRun(run.status))) return;
    const timer = setTimeout(() => void refresh(), 1000);
    return () => clearTimeout(timer);
  }, [runs]);

  const act = async (action: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await action();
      await refresh();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const remove = () =>
    act(async () => {
      if (!window.confirm(`Delete schedule "${schedule?.name}"? Its EventBridge schedule goes too.`)) return;
      await client.schedules.delete(id);
      window.location.hash = '#/schedules';
    });

  if (!schedule) return <Page title="Schedule">{error ? <ErrorNote error={error} /> : <p class="muted">Loading…</p>}</Page>;
  return (
    <Page
      title={schedule.name}
      actions={
        <>
          <button type="button" disabled={busy} onClick={() => act(() => client.schedules.trigger(id))}>
            Trigger now
          </button>
          {schedule.enabled ? (
            <button type="button" disabled={busy} onClick={() => act(() => client.schedules.pause(id))}>
              Pause
            </button>
          ) : (
            <button type="button" disabled={busy} onClick={() => act(() => client.schedules.resume(id))}>
              Resume
            </button>
          )}
          <a class="button" href={`#/schedules/${id}/edit`}>
            Edit
          </a>
          <button type="button" class="danger" disabled={busy} onClick={() => void remove()}>
            Delete
          </button>
        </>
      }
    >
      <ErrorNote error={error} />
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <Status value={schedule.status} />
        </dd>
        <dt>Cadence</dt>
        <dd>
          {schedule.cronDescription} <code>{schedule.schedulerExpression}</code>
        </dd>
        <dt>Next run</dt>
        <dd>
          <When at={schedule.nextRunAt} zone={schedule.timezone} />
        </dd>
        <dt>Agent</dt>
        <dd>{schedule.agentId ?? 'the default agent'}</dd>
        <dt>Task</dt>
        <dd class="task">{schedule.task}</dd>
        <dt>Runs</dt>
        <dd>
          {schedule.runCount} ({schedule.successCount} succeeded, {schedule.failureCount} failed)
        </dd>
        {schedule.lastError ? (
          <>
            <dt>Last error</dt>
            <dd class="error-text">
              {schedule.lastError.kind}: {schedule.lastError.message}
            </dd>
          </>
        ) : null}
      </dl>
      <h2>Runs</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Run</th>
              <th>Status</th>
              <th>Trigger</th>
              <th>Scheduled</th>
              <th>Started</th>
              <th>Duration</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr key={run.id}>
                <td>
                  <a href={`#/schedules/${id}/runs/${run.id}`}>{run.id}</a>
                </td>
                <td>
                  <Status value={run.status} />
                </td>
                <td>{run.trigger}</td>
                <td>
                  <When at={run.scheduledTime} zone={schedule.timezone} />
                </td>
                <td>
                  <When at={run.startedAt} />
                </td>
                <td>{run.durationMs === null ? '–' : `${(run.durationMs / 1000).toFixed(1)} s`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {runs.length === 0 ? <p class="muted">No runs yet.</p> : null}
    </Page>
  );
}

export function RunPage({ client, scheduleId, runId }: { client: AgentSchedulesClient; scheduleId: string; runId: string }) {
  const [run, setRun] = useState<Run | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    client.schedules.run(scheduleId, runId).then(setRun, setError);
  }, [scheduleId, runId]);
  if (!run) return <Page title="Run">{error ? <ErrorNote error={error} /> : <p class="muted">Loading…</p>}</Page>;
  return (
    <Page title={`Run ${run.id}`} actions={<a href={`#/schedules/${scheduleId}`}>Back to the schedule</a>}>
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <Status value={run.status} /> {run.reason ? <span class="muted">({run.reason})</span> : null}
        </dd>
        <dt>Trigger</dt>
        <dd>{run.trigger}</dd>
        <dt>Started</dt>
        <dd>
          <When at={run.startedAt} />
        </dd>
        <dt>Finished</dt>
        <dd>
          <When at={run.finishedAt} />
        </dd>
      </dl>
      {run.error ? (
        <section class="error" aria-label="Error">
          <h2>Error: {run.error.kind}</h2>
          <p>{run.error.message}</p>
        </section>
      ) : null}
      <h2>Output</h2>
      <Output text={run.output} />
    </Page>
  );
}
