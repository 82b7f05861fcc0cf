import { describe, expect, it } from 'vitest';
import { analyticsSchemas } from './app';

/** What one module reads of another's DuckDB tables is declared by the owner, with its guarantees. */
describe('shared analytics tables', () => {
  it('are each created by the schema that declares them, and declared once', () => {
    const seen = new Map<string, string>();
    for (const schema of analyticsSchemas) {
      for (const name of Object.keys(schema.shared ?? {})) {
        expect(seen.get(name), `${name} is declared by ${seen.get(name)} and ${schema.name}`).toBeUndefined();
        seen.set(name, schema.name);
        expect(schema.statements.some((s) => new RegExp(`^create (table if not exists|or replace view) ${name}\\b`).test(s.trim())), `${schema.name} declares ${name} but does not create it`).toBe(true);
      }
    }
    expect([...seen.keys()]).toEqual(expect.arrayContaining(['events', 'tracked_events', 'orders', 'order_items', 'customers', 'refunds']));
  });
});
