// Run history: a schedule's runs newest first (cursor paged, filtered by status), one run, and one-off runs by id.
import type { Cursors } from '../domain/cursor.ts';
import { NotFoundError } from '../domain/errors.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import { RUN_ID_PATTERN, type Run, type RunStatus } from '../domain/run.ts';
import type { RunStore } from '../ports/run-store.ts';
import type { ScheduleStore } from '../ports/schedule-store.ts';
import { loadVisibleSchedule } from './schedule-access.ts';

/** What a run-history request asks for, parsed from the query string (shared/http/runs.ts). */
export interface RunListParams {
  limit: number;
  cursor?: string | undefined;
  status?: RunStatus | undefined;
}

export async function listRuns(
  deps: { schedules: ScheduleStore; runs: RunStore; cursors: Cursors },
  principal: TenantPrincipal,
  scheduleId: string,
  query: RunListParams,
) {
  await loadVisibleSchedule(deps, principal, scheduleId);
  const binding = JSON.stringify(['runs', principal.tenantId, scheduleId, query.status ?? null]);
  const after = query.cursor === undefined ? undefined : deps.cursors.decode(query.cursor, binding);
  const page = await deps.runs.list(principal.tenantId, scheduleId, { limit: query.limit, after, status: query.status });
  return {
    items: page.items,
    hasMore: page.nextAfter !== undefined,
    nextCursor: page.nextAfter === undefined ? null : deps.cursors.encode(page.nextAfter, binding),
  };
}

export async function getScheduleRun(
  deps: { schedules: ScheduleStore; runs: RunStore },
  principal: TenantPrincipal,
  scheduleId: string,
  runId: string,
): Promise<Run> {
  await loadVisibleSchedule(deps, principal, scheduleId);
  const run = RUN_ID_PATTERN.test(runId) ? await deps.runs.get(principal.tenantId, scheduleId, runId) : undefined;
  if (!run) throw new NotFoundError('run', runId);
  return run;
}

/** A one-off run (POST /v1/runs) belongs to the user who started it. */
export async function getApiRun(deps: { runs: RunStore }, principal: TenantPrincipal, runId: string): Promise<Run> {
  const run = RUN_ID_PATTERN.test(runId) ? await deps.runs.get(principal.tenantId, null, runId) : undefined;
  if (!run || run.userId !== principal.userId) throw new NotFoundError('run', runId);
  return run;
}
