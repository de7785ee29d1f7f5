// Creating or editing a schedule: name, task, "when" in cron or English, timezone — with a live preview of what it
// means (description, EventBridge expression, next 10 runs) and a note wherever a daylight-saving change moves a run.
import { useEffect, useState } from 'preact/hooks';
import type { AgentSchedulesClient, Preview, Schedule } from '../../client/index.ts';
import { ErrorNote, FieldError, Page, When } from './ui.tsx';

type Timing = Preview & { cronExpression: string };

const LOOKS_LIKE_CRON = /^[\d*/,\-?LW#]+(\s+[\d*/,\-?LW#A-Za-z]+){4}$/;

/** Local wall-clock time and UTC offset of an instant in a zone. */
function wallClock(at: string, zone: string): { time: string; offset: string } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', timeZoneName: 'shortOffset' }).formatToParts(new Date(at));
  const part = (type: string) => parts.find((each) => each.type === type)?.value ?? '';
  return { time: `${part('hour')}:${part('minute')}`, offset: part('timeZoneName') };
}

/** Notes for the runs a daylight-saving change moves: the clocks changing between two runs, a run off its usual time. */
export function dstNotes(nextRuns: readonly string[], zone: string): string[] {
  const clocks = nextRuns.map((at) => ({ at, ...wallClock(at, zone) }));
  const counts = new Map<string, number>();
  for (const { time } of clocks) counts.set(time, (counts.get(time) ?? 0) + 1);
  const usual = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
  // The usual gap between runs (whole days, or minutes below a day), to see a run the clocks' jump removed.
  const gaps = clocks.slice(1).map((clock, index) => Date.parse(clock.at) - Date.parse(clocks[index]!.at));
  const usualGap = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)] ?? 0;
  const notes: string[] = [];
  clocks.forEach((clock, index) => {
    const before = clocks[index - 1];
    if (before && before.offset !== clock.offset) {
      notes.push(`Clocks change in ${zone} before the run of ${clock.at.slice(0, 10)}: ${before.offset} → ${clock.offset}.`);
      if (usualGap > 0 && gaps[index - 1]! > usualGap * 1.5) {
        notes.push(`A run between ${before.at.slice(0, 10)} and ${clock.at.slice(0, 10)} falls in the hour the clocks skip: it does not run.`);
      }
    }
    // Only a schedule with one usual time of day (not an interval or several times a day) has runs "off" it.
    if (counts.size <= 2 && usual && clock.time !== usual && (counts.get(clock.time) ?? 0) === 1) {
      notes.push(`The run of ${clock.at.slice(0, 10)} is at ${clock.time} local time, not ${usual}: daylight saving time shifts it.`);
    }
  });
  return notes;
}

function useTiming(client: AgentSchedulesClient, when: string, timezone: string): { timing: Timing | null; error: unknown } {
  const [timing, setTiming] = useState<Timing | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const text = when.trim();
    if (!text) {
      setTiming(null);
      return;
    }
    const timer = setTimeout(async () => {
      try {
        // English is turned into cron by the API's own text-to-cron, then previewed like any cron.
        const cronExpression =
          LOOKS_LIKE_CRON.test(text) || text.startsWith('@') ? text : ((await client.schedules.textToCron(text, timezone)) as { cronExpression?: string }).cronExpression;
        if (!cronExpression) throw new Error(`"${text}" reads as an interval; use a cron expression here.`);
        setTiming({ ...(await client.schedules.preview({ cronExpression, timezone, count: 10 } as never)), cronExpression });
        setError(null);
      } catch (failure) {
        setTiming(null);
        setError(failure);
      }
    }, 300);
    return () => clearTimeout(timer);
  }, [when, timezone]);
  return { timing, error };
}

function PreviewBox({ timing, timezone }: { timing: Timing; timezone: string }) {
  const notes = dstNotes(timing.nextRuns ?? [], timezone);
  return (
    <section class="preview" aria-label="Preview">
      <p>
        <strong>{timing.description}</strong>
      </p>
      <p class="muted">
        cron {timing.cronExpression} · EventBridge: <code>{timing.schedulerExpression}</code>
      </p>
      <ol class="next-runs">
        {(timing.nextRuns ?? []).slice(0, 10).map((run) => (
          <li key={run}>
            <When at={run} zone={timezone} />
          </li>
        ))}
      </ol>
      {notes.map((note) => (
        <p class="hint dst-note" key={note}>
          {note}
        </p>
      ))}
    </section>
  );
}

/** New schedule (no `schedule`), or editing one: only changed fields are sent (PATCH). */
export function ScheduleFormPage({ client, schedule }: { client: AgentSchedulesClient; schedule?: Schedule }) {
  const [name, setName] = useState(schedule?.name ?? '');
  const [task, setTask] = useState(schedule?.task ?? '');
  const [when, setWhen] = useState(schedule?.cronExpression ?? '');
  const [timezone, setTimezone] = useState(schedule?.timezone ?? (Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'));
  const [error, setError] = useState<unknown>(null);
  const { timing, error: timingError } = useTiming(client, when, timezone);

  const save = async (event: Event) => {
    event.preventDefault();
    try {
      const cronExpression = timing?.cronExpression ?? when.trim();
      const fields = { name, task, cronExpression, timezone };
      const saved = schedule
        ? await client.schedules.update(
            schedule.id,
            Object.fromEntries(Object.entries(fields).filter(([key, value]) => (schedule as unknown as Record<string, unknown>)[key] !== value)),
          )
        : await client.schedules.create(fields as never);
      window.location.hash = `#/schedules/${saved.id}`;
    } catch (failure) {
      setError(failure);
    }
  };

  return (
    <Page title={schedule ? `Edit ${schedule.name}` : 'New schedule'}>
      <form onSubmit={save} class="form">
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
        <FieldError error={timingError ?? error} field="cronExpression" />
        <FieldError error={timingError} field="cron" />
        <label>
          Timezone <input value={timezone} onInput={(event) => setTimezone(event.currentTarget.value)} />
        </label>
        <FieldError error={error} field="timezone" />
        {timing ? <PreviewBox timing={timing} timezone={timezone} /> : null}
        <ErrorNote error={error instanceof Error && (error as { field?: string }).field ? null : error} />
        <button type="submit">{schedule ? 'Save changes' : 'Create schedule'}</button>
      </form>
    </Page>
  );
}

export function EditSchedulePage({ client, id }: { client: AgentSchedulesClient; id: string }) {
  const [schedule, setSchedule] = useState<Schedule | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    client.schedules.get(id).then(setSchedule, setError);
  }, [id]);
  if (!schedule) return <Page title="Edit schedule">{error ? <ErrorNote error={error} /> : <p class="muted">Loading…</p>}</Page>;
  return <ScheduleFormPage client={client} schedule={schedule} />;
}
