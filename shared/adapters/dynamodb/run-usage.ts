// A tenant's monthly run usage, for budgets: the reservation a run's start makes (in a transaction or alone), and its
// return when the run turns out to be a duplicate.
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { QuotaReservation } from '../../ports/run-store.ts';
import { isConditionFailure } from './client.ts';
import { ENTITY, type TransactItem } from './items/attributes.ts';
import { usageAttributes, usageKey } from './items/run.ts';

/** One more run this month, on condition that the month's runs are under the limit. */
export function usageReservation(tableName: string, tenantId: string, quota: QuotaReservation): TransactItem {
  const name = usageAttributes();
  return {
    Update: {
      TableName: tableName,
      Key: usageKey(tenantId, quota.month),
      UpdateExpression: `SET ${name('entity')} = :entity ADD ${name('runs')} :one`,
      // A limit of 0 refuses even the month's first run (no usage item yet).
      ConditionExpression: `(attribute_not_exists(${name('runs')}) AND :zero < :limit) OR ${name('runs')} < :limit`,
      ExpressionAttributeNames: name.names,
      ExpressionAttributeValues: { ':entity': ENTITY.usage, ':one': 1, ':zero': 0, ':limit': quota.limit },
    },
  };
}

/** The reservation alone (1 UpdateItem): false when the month's runs have reached the limit. */
export async function reserveUsage(client: DynamoDBDocumentClient, tableName: string, tenantId: string, quota: QuotaReservation): Promise<boolean> {
  try {
    await client.send(new UpdateCommand(usageReservation(tableName, tenantId, quota).Update!));
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Adds to (or, negative, gives back) a month's runs. */
export async function addUsage(client: DynamoDBDocumentClient, tableName: string, tenantId: string, month: string, runs: number): Promise<void> {
  const name = usageAttributes();
  await client.send(
    new UpdateCommand({
      TableName: tableName,
      Key: usageKey(tenantId, month),
      UpdateExpression: `ADD ${name('runs')} :runs`,
      ExpressionAttributeNames: name.names,
      ExpressionAttributeValues: { ':runs': runs },
    }),
  );
}
