// Small pieces every page uses: the API's errors shown where they happen, times in two zones, status badges.
import type { ComponentChildren } from 'preact';
import { AgentSchedulesError } from '../../client/index.ts';

/** An error as the API said it: message, then its hint; the request id to quote for a 5xx. */
export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const api = error instanceof AgentSchedulesError ? error : undefined;
  return (
    <div class="error" role="alert">
      <p>{api ? api.message : String((error as Error).message ?? error)}</p>
      {api?.hint ? <p class="hint">{api.hint}</p> : null}
      {api && api.status >= 500 && api.requestId ? <p class="hint">Request id: {api.requestId}</p> : null}
    </div>
  );
}

/** The error for one form field (a 400 that names it), shown under that field. */
export function FieldError({ error, field }: { error: unknown; field: string }) {
  if (!(error instanceof AgentSchedulesError) || error.field !== field) return null;
  return (
    <div class="field-error" role="alert" data-field={field}>
      <p>{error.message}</p>
      {error.hint ? <p class="hint">{error.hint}</p> : null}
    </div>
  );
}

/** An instant in the viewer's local time, with the UTC (or the schedule's zone) value in its title. */
export function When({ at, zone }: { at: string | null | undefined; zone?: string }) {
  if (!at) return <span class="muted">–</span>;
  const date = new Date(at);
  const local = date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  const own = zone ? date.toLocaleString(undefined, { timeZone: zone, dateStyle: 'medium', timeStyle: 'short' }) : undefined;
  return (
    <time dateTime={at} title={at}>
      {local}
      {own && zone && own !== local ? <span class="muted"> ({own} {zone})</span> : null}
    </time>
  );
}

export function Status({ value }: { value: string | null | undefined }) {
  if (!value) return <span class="muted">–</span>;
  return <span class={`badge badge-${value}`}>{value.replace('_', ' ')}</span>;
}

export function Page({ title, actions, children }: { title: ComponentChildren; actions?: ComponentChildren; children: ComponentChildren }) {
  return (
    <main>
      <header class="page-header">
        <h1>{title}</h1>
        <div class="actions">{actions}</div>
      </header>
      {children}
    </main>
  );
}

/** A run's output: pretty-printed when it is JSON, the text otherwise — always as text, never as HTML. */
export function Output({ text }: { text: string | null | undefined }) {
  if (text === null || text === undefined || text === '') return <p class="muted">No output.</p>;
  let shown = text;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object') shown = JSON.stringify(parsed, null, 2);
  } catch {
    // Plain text: shown as it is.
  }
  return <pre class="output">{shown}</pre>;
}
