// Batches: the list with progress bars, counts and cost; a batch's page with live progress, its items, cancel and retry.
import { useEffect, useState } from 'preact/hooks';
import { take, type AgentSchedulesClient, type Batch, type BatchItem } from '../../client/index.ts';
import { ErrorNote, Page, Status, When } from './ui.tsx';

const RUNNING = new Set(['queued', 'running']);

function Progress({ batch }: { batch: Batch }) {
  return (
    <span class="progress">
      <progress max={100} value={batch.progressPct} aria-label={`${batch.name} progress`} /> {batch.progressPct}%
    </span>
  );
}

const counts = (batch: Batch) => `${batch.counts.succeeded} ok · ${batch.counts.failed} failed · ${batch.counts.total} items`;

export function BatchesPage({ client }: { client: AgentSchedulesClient }) {
  const [batches, setBatches] = useState<Batch[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    (async () => {
      setBatches(await take(client.batches.list({ limit: 50 }), 50));
    })().catch(setError);
  }, []);
  return (
    <Page title="Batches">
      <ErrorNote error={error} />
      {batches && batches.length === 0 ? <p class="muted">No batches yet (POST /v1/batches, or agent-schedules batches create).</p> : null}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Status</th>
              <th>Progress</th>
              <th>Items</th>
              <th>Cost (USD)</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {(batches ?? []).map((batch) => (
              <tr key={batch.id}>
                <td>
                  <a href={`#/batches/${batch.id}`}>{batch.name}</a>
                </td>
                <td>
                  <Status value={batch.status} />
                </td>
                <td>
                  <Progress batch={batch} />
                </td>
                <td>{counts(batch)}</td>
                <td>{batch.cost.actualUsd ?? batch.cost.estimatedUsd ?? '–'}</td>
                <td>
                  <When at={batch.createdAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Page>
  );
}

export function BatchPage({ client, id }: { client: AgentSchedulesClient; id: string }) {
  const [batch, setBatch] = useState<Batch | null>(null);
  const [items, setItems] = useState<BatchItem[]>([]);
  const [error, setError] = useState<unknown>(null);
  const refresh = async () => {
    try {
      const current = await client.batches.get(id);
      const found = await take(client.batches.items(id, { limit: 100 }), 100);
      setBatch(current);
      setItems(found);
      setError(null);
    } catch (failure) {
      setError(failure);
    }
  };
  useEffect(() => void refresh(), [id]);
  // Live progress: look again every second while it runs.
  useEffect(() => {
    if (!batch || !RUNNING.has(batch.status)) return;
    const timer = setTimeout(() => void refresh(), 1000);
    return () => clearTimeout(timer);
  }, [batch]);
  const act = (action: () => Promise<unknown>) => action().then(refresh, setError);

  if (!batch) return <Page title="Batch">{error ? <ErrorNote error={error} /> : <p class="muted">Loading…</p>}</Page>;
  return (
    <Page
      title={batch.name}
      actions={
        <>
          <button type="button" disabled={!RUNNING.has(batch.status)} onClick={() => act(() => client.batches.cancel(id))}>
            Cancel
          </button>
          <button type="button" disabled={batch.counts.failed === 0} onClick={() => act(() => client.batches.retry(id))}>
            Retry failed
          </button>
        </>
      }
    >
      <ErrorNote error={error} />
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <Status value={batch.status} />
        </dd>
        <dt>Progress</dt>
        <dd>
          <Progress batch={batch} />
        </dd>
        <dt>Items</dt>
        <dd>{counts(batch)}</dd>
        <dt>Finishes</dt>
        <dd>
          <When at={batch.finishedAt ?? batch.etaAt} />
        </dd>
        <dt>Task</dt>
        <dd class="task">{batch.task}</dd>
      </dl>
      <h2>Items</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th>#</th>
              <th>Status</th>
              <th>Input</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.index}>
                <td>{item.index}</td>
                <td>
                  <Status value={item.status} />
                </td>
                <td>{typeof item.input === 'string' ? item.input : JSON.stringify(item.input)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Page>
  );
}
