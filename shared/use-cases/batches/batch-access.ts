// Which batches a caller sees: those of their own tenant that they or their team own. Anything else is a 404.
import { BATCH_ID_PATTERN, type Batch } from '../../domain/batch.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { ownerScope } from '../../domain/owner.ts';
import type { TenantPrincipal } from '../../domain/principal.ts';
import type { BatchStore } from '../../ports/batch-store.ts';
import { visibleScopes } from '../schedule-access.ts';

export function batchScope(batch: Pick<Batch, 'userId' | 'teamId'>): string {
  return ownerScope({ ownerType: batch.teamId ? 'team' : 'user', userId: batch.userId, teamId: batch.teamId });
}

export function isVisibleBatch(principal: TenantPrincipal, batch: Batch): boolean {
  return batch.tenantId === principal.tenantId && visibleScopes(principal).includes(batchScope(batch));
}

export async function loadVisibleBatch(deps: { batches: BatchStore }, principal: TenantPrincipal, id: string): Promise<Batch> {
  if (!BATCH_ID_PATTERN.test(id)) throw new NotFoundError('batch', id.slice(0, 80));
  const batch = await deps.batches.get(principal.tenantId, id);
  if (!batch || !isVisibleBatch(principal, batch)) throw new NotFoundError('batch', id);
  return batch;
}
