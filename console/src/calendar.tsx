// The next 7 days of fires across every schedule, by day and hour (in the viewer's local time): 09:00 spikes and gaps.
import { useEffect, useState } from 'preact/hooks';
import type { AgentSchedulesClient, Schedule } from '../../client/index.ts';
import { ErrorNote, Page } from './ui.tsx';

const DAYS = 7;
/** At most this many schedules are previewed (one request each); the page says when there were more. */
const MAX_SCHEDULES = 100;

interface Fire {
  at: Date;
  schedule: Schedule;
}

/** Each schedule's fires in the next 7 days, from the API's own preview of its expression. */
async function firesOf(client: AgentSchedulesClient, schedules: Schedule[], now: Date): Promise<Fire[]> {
  const until = now.getTime() + DAYS * 86_400_000;
  const lists = await Promise.all(
    schedules.map(async (schedule) => {
      if (!schedule.enabled || !schedule.nextRunAt) return [];
      if (!schedule.cronExpression) return [{ at: new Date(schedule.nextRunAt), schedule }];
      const preview = await client.schedules.preview({ cronExpression: schedule.cronExpression, timezone: schedule.timezone, count: 50 } as never);
      return (preview.nextRuns ?? []).map((at) => ({ at: new Date(at), schedule }));
    }),
  );
  return lists.flat().filter((fire) => fire.at.getTime() >= now.getTime() && fire.at.getTime() < until);
}

export function CalendarPage({ client }: { client: AgentSchedulesClient }) {
  const [fires, setFires] = useState<Fire[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [now] = useState(() => new Date());

  useEffect(() => {
    (async () => {
      const schedules: Schedule[] = [];
      for await (const schedule of client.schedules.list()) {
        if (schedules.length === MAX_SCHEDULES) {
          setMore(true);
          break;
        }
        schedules.push(schedule);
      }
      setFires(await firesOf(client, schedules, now));
    })().catch(setError);
  }, []);

  const days = Array.from({ length: DAYS }, (_, index) => {
    const day = new Date(now);
    day.setHours(0, 0, 0, 0);
    day.setDate(day.getDate() + index);
    return day;
  });
  const cell = (day: Date, hour: number) =>
    (fires ?? []).filter((fire) => fire.at.toDateString() === day.toDateString() && fire.at.getHours() === hour);
  const hours = Array.from({ length: 24 }, (_, hour) => hour).filter((hour) => days.some((day) => cell(day, hour).length > 0));

  return (
    <Page title="Calendar: the next 7 days">
      <ErrorNote error={error} />
      {fires === null && !error ? <p class="muted">Loading…</p> : null}
      {more ? <p class="hint">Showing the first {MAX_SCHEDULES} schedules.</p> : null}
      {fires && fires.length === 0 ? <p class="muted">Nothing fires in the next 7 days.</p> : null}
      {fires && fires.length > 0 ? (
        <div class="table-wrap">
          <table class="calendar">
            <thead>
              <tr>
                <th>Hour</th>
                {days.map((day) => (
                  <th key={day.toISOString()}>{day.toLocaleDateString(undefined, { weekday: 'short', month: 'short', day: 'numeric' })}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {hours.map((hour) => (
                <tr key={hour}>
                  <th>{`${String(hour).padStart(2, '0')}:00`}</th>
                  {days.map((day) => {
                    const here = cell(day, hour);
                    return (
                      <td key={day.toISOString()} class={here.length > 1 ? 'busy' : ''}>
                        {here.map((fire) => (
                          <a key={`${fire.schedule.id}${fire.at.toISOString()}`} href={`#/schedules/${fire.schedule.id}`} title={fire.at.toISOString()}>
                            {fire.at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })} {fire.schedule.name}
                          </a>
                        ))}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Page>
  );
}
