/** Helpers the import tests share: a file read and shaped as the import service does, and the contract check that follows. */
import { expect } from 'vitest';
import { recordSchemas, type EntityName } from '@flywheel/contracts';
import { readRows } from './files';
import { toRecords } from './records';

export const utf8 = (text: string) => Buffer.from(text, 'utf-8');

export async function importFile(entity: EntityName, file: Buffer, fileName: string, options?: Parameters<typeof toRecords>[2]) {
  return toRecords(entity, await readRows(file, fileName), options);
}

/** What the commerce service will do next: the shaped records must pass the contract. */
export function expectValid(entity: EntityName, records: unknown[]) {
  for (const record of records) {
    const result = recordSchemas[entity].safeParse(record);
    expect(result.error?.issues ?? []).toEqual([]);
  }
}
