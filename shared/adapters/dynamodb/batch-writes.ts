// The writes a batch store's transactions are made of (batch-store.ts): a slot released on the batch record, an item
// leaving pending (a start's usage reservation is run-usage.ts's).
import type { BatchCounts, BatchItem, BatchItemStatus } from '../../domain/batch.ts';
import type { Run } from '../../domain/run.ts';
import type { BatchRef } from '../../ports/batch-store.ts';
import type { TransactItem } from './items/attributes.ts';
import { batchAttributes, batchItemAttributes, batchItemKey, batchKey } from './items/batch.ts';

/** The slot's token leaves the record, if it is still there (startItem, skipItem); skipItem moves counts with it. */
export function releaseSlot(tableName: string, ref: BatchRef, token: string, skipped: boolean): TransactItem {
  const name = batchAttributes();
  const path = (field: keyof BatchCounts) => `${name('counts')}.${name(field)}`;
  const set = skipped ? `SET ${path('running')} = ${path('running')} - :one, ${path('skipped')} = ${path('skipped')} + :one ` : '';
  return {
    Update: {
      TableName: tableName,
      Key: batchKey(ref.tenantId, ref.batchId),
      UpdateExpression: `${set}REMOVE ${name('starting')}.#token, ${name('startingSince')}.#token`,
      ConditionExpression: `attribute_exists(${name('starting')}.#token)`,
      ExpressionAttributeNames: { ...name.names, '#token': token },
      ...(skipped ? { ExpressionAttributeValues: { ':one': 1 } } : {}),
    },
  };
}

/** The item leaves pending (startItem and skipItem). */
export function moveItem(tableName: string, item: BatchItem, status: BatchItemStatus, run?: Run): TransactItem {
  const name = batchItemAttributes();
  const set = [`${name('status')} = :status`];
  const values: Record<string, unknown> = { ':status': status, ':pending': 'pending' };
  if (run) {
    set.push(`${name('attempt')} = :attempt`, `${name('runId')} = :runId`);
    values[':attempt'] = item.attempt;
    values[':runId'] = run.id;
  }
  return {
    Update: {
      TableName: tableName,
      Key: batchItemKey(item.tenantId, item.batchId, item.index),
      UpdateExpression: `SET ${set.join(', ')}`,
      ConditionExpression: `${name('status')} = :pending`,
      ExpressionAttributeNames: name.names,
      ExpressionAttributeValues: values,
    },
  };
}
