// Run history: a schedule's runs newest first (cursor paged, filtered by status), one run, and one-off runs by id.
import { z } from 'zod';
import { maxChars } from '../domain/length-checks.ts';
import type { Cursors } from '../domain/cursor.ts';
import { NotFoundError } from '../domain/errors.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import { RUN_ID_PATTERN, type Run } from '../domain/run.ts';
import { toValidationError } from '../domain/schedule.ts';
import type { RunStore } from '../ports/run-store.ts';
import type { ScheduleStore } from '../ports/schedule-store.ts';
import { loadVisibleSchedule } from './schedule-access.ts';

export const ListRunsQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().check(maxChars(512)).optional(),
    status: z.enum(['queued', 'running', 'succeeded', 'failed', 'timed_out', 'skipped']).optional(),
  })
  .strict();

export async function listRuns(deps: { schedules: ScheduleStore; runs: RunStore; cursors: Cursors }, principal: TenantPrincipal, scheduleId: string, rawQuery: Record<string, string | undefined>) {
  const parsed = ListRunsQuery.safeParse(rawQuery);
  if (!parsed.success) throw toValidationError(parsed.error);
  await loadVisibleSchedule(deps, principal, scheduleId);
  const binding = JSON.stringify(['runs', principal.tenantId, scheduleId, parsed.data.status ?? null]);
  const after = parsed.data.cursor === undefined ? undefined : deps.cursors.decode(parsed.data.cursor, binding);
  const page = await deps.runs.list(principal.tenantId, scheduleId, { limit: parsed.data.limit, after, status: parsed.data.status });
  return { items: page.items, hasMore: page.nextAfter !== undefined, nextCursor: page.nextAfter === undefined ? null : deps.cursors.encode(page.nextAfter, binding) };
}

export async function getScheduleRun(deps: { schedules: ScheduleStore; runs: RunStore }, principal: TenantPrincipal, scheduleId: string, runId: string): Promise<Run> {
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
