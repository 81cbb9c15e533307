/**
 * Register Marshal's search attributes on a cluster Marshal did not start (the embedded dev server gets
 * them as start-up flags). Idempotent: attributes that already exist are left alone.
 */
import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { searchAttributes } from '../workflows/incident-contract';

export async function registerSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const keyword = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;
  const wanted = Object.fromEntries(Object.values(searchAttributes).map((key) => [key.name, keyword]));
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: wanted });
  } catch (error) {
    // ALREADY_EXISTS (6): registered by an earlier start.
    if ((error as { code?: number }).code !== 6) throw error;
  }
}
