/** Amounts and counts as shops write them ("¥1,299.00", "1,234"), to numbers. */

import type { ImportProblemKey } from '@flywheel/contracts';

/** A converted value, or why the text could not be converted (a key of the import catalog). */
export type Converted<T> = { value: T } | { problem: ImportProblemKey };

/** "¥1,299.00" -> "1299.00": currency signs and thousands separators are decoration. */
export function stripAmountDecoration(text: string): string {
  const bare = text.trim().replace(/^[¥￥]\s*/, '').replace(/\s+/g, '');
  return /^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$/.test(bare) ? bare.replace(/,/g, '') : bare;
}

/**
 * 元 to 分 by decimal string arithmetic: "199.9" -> 19990 exactly, where 199.9 * 100 would give
 * 19990.000000000004. A third decimal other than 0 is a fraction of a fen and is refused.
 */
export function yuanToFen(amount: string | number): Converted<number> {
  // A number cell holds the binary float nearest to what Excel shows; 15 significant digits is what
  // Excel displays, so 0.1 + 0.2 computed by a formula reads as 0.3 as the user sees it.
  const text = typeof amount === 'number' ? String(Number(amount.toPrecision(15))) : stripAmountDecoration(amount);
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[2] === '' && !match[3])) {
    return { problem: 'not_amount' };
  }
  const [, sign, whole, fraction = ''] = match;
  if (/[1-9]/.test(fraction.slice(2))) {
    return { problem: 'fen_fraction' };
  }
  const fen = BigInt(whole || '0') * 100n + BigInt(fraction.slice(0, 2).padEnd(2, '0'));
  if (fen > BigInt(Number.MAX_SAFE_INTEGER)) return { problem: 'too_large' };
  return { value: sign === '-' && fen !== 0n ? -Number(fen) : Number(fen) };
}

/** A number when the text reads as one; otherwise the text, for the schema to reject in its words. */
export function toNumber(value: string | number): string | number {
  if (typeof value === 'number') return value;
  const bare = stripAmountDecoration(value);
  return /^[+-]?(\d+\.?\d*|\.\d+)$/.test(bare) ? Number(bare) : value.trim();
}
