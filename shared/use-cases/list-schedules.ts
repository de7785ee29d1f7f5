// List the caller's and their team's schedules, sorted by name, with counters-based stats: a bounded number of reads.
import type { Cursors } from '../domain/cursor.ts';
import { ValidationError } from '../domain/errors.ts';
import type { TenantPrincipal } from '../domain/principal.ts';
import type { Schedule } from '../domain/schedule.ts';
import type { ScheduleFilters, ScheduleStore } from '../ports/schedule-store.ts';
import { visibleScopes } from './schedule-access.ts';

export const MAX_LIST_LIMIT = 100;
export const MAX_LIST_OFFSET = 1000;

/** What a list request asks for, parsed from the query string (shared/http/schedules.ts). */
export interface ScheduleListParams {
  agentId?: string | undefined;
  environmentId?: string | undefined;
  appId?: string | undefined;
  scheduleType?: 'recurring' | 'one-time' | undefined;
  enabled?: boolean | undefined;
  /** Only the caller's own schedules ('user') or their team's ('team'); both when absent. */
  scope?: 'user' | 'team' | undefined;
  limit: number;
  offset?: number | undefined;
  cursor?: string | undefined;
}

export interface ScheduleList {
  items: Schedule[];
  hasMore: boolean;
  nextCursor: string | null;
  /** Matching schedules in all pages; null when a filter has no counter to answer it exactly. */
  totalCount: number | null;
  stats: { total: number; enabled: number; disabled: number };
}

export async function listSchedules(
  deps: { schedules: ScheduleStore; cursors: Cursors },
  principal: TenantPrincipal,
  query: ScheduleListParams,
): Promise<ScheduleList> {
  if (query.cursor !== undefined && query.offset !== undefined) {
    throw new ValidationError('Use either cursor or offset, not both.', { field: 'offset' });
  }
  const filters: ScheduleFilters = {
    agentId: query.agentId,
    environmentId: query.environmentId,
    appId: query.appId,
    scheduleType: query.scheduleType,
    enabled: query.enabled,
  };
  const scopes = visibleScopes(principal).filter((scope) => query.scope === undefined || scope.startsWith(`${query.scope}#`));
  const binding = JSON.stringify([principal.tenantId, principal.userId, principal.teamId ?? null, filters, query.scope ?? null]);
  let after = query.cursor === undefined ? undefined : deps.cursors.decode(query.cursor, binding);
  // scope=team for a caller in no team: nothing to list.
  if (scopes.length === 0) return { items: [], hasMore: false, nextCursor: null, totalCount: 0, stats: { total: 0, enabled: 0, disabled: 0 } };

  // An offset is walked in pages of keys; MAX_LIST_OFFSET and the page bound keep that a fixed cost too.
  let exhausted = false;
  let toSkip = query.offset ?? 0;
  for (let round = 0; toSkip > 0 && !exhausted && round < 20; round += 1) {
    const skipped = await deps.schedules.list({ tenantId: principal.tenantId, ownerScopes: scopes, filters, limit: Math.min(toSkip, MAX_LIST_LIMIT), after });
    toSkip -= skipped.items.length;
    if (skipped.nextAfter === undefined) exhausted = true;
    else after = skipped.nextAfter;
  }

  const [page, counts] = await Promise.all([
    exhausted
      ? { items: [], nextAfter: undefined }
      : deps.schedules.list({ tenantId: principal.tenantId, ownerScopes: scopes, filters, limit: query.limit, after }),
    deps.schedules.counts(principal.tenantId, scopes),
  ]);
  const stats = { total: counts.total, enabled: counts.enabled, disabled: counts.total - counts.enabled };
  const onlyEnabledFilter =
    filters.agentId === undefined && filters.environmentId === undefined && filters.appId === undefined && filters.scheduleType === undefined;
  const totalCount = !onlyEnabledFilter ? null : filters.enabled === undefined ? stats.total : filters.enabled ? stats.enabled : stats.disabled;
  return {
    items: page.items,
    hasMore: page.nextAfter !== undefined,
    nextCursor: page.nextAfter === undefined ? null : deps.cursors.encode(page.nextAfter, binding),
    totalCount,
    stats,
  };
}
