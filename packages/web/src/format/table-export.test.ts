import { describe, expect, it } from 'vitest';
import { toCsv } from './table-export';

describe('toCsv', () => {
  it('starts with a BOM, quotes what needs quoting and leaves nulls empty', () => {
    const csv = toCsv({ name: 'x', headers: ['日期', '支付金额'], rows: [['2026-11-11', 123.45], ['a,"b"', null]] });
    expect(csv).toBe('\uFEFF日期,支付金额\r\n2026-11-11,123.45\r\n"a,""b""",\r\n');
  });
});
