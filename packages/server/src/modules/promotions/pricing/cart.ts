import { allocate } from './money';
import type { Allocation, CatalogItem, ReservedPrice } from './types';

export interface WorkLine {
  sku: string;
  quantity: number;
  unitPrice: number;
  category: string | null;
  catalog: CatalogItem;
  /** A reserved price of these units (a 秒杀's), for the item stage. */
  reserved?: ReservedPrice;
  /** The line's units are `first .. first + quantity - 1` of the cart's units. */
  first: number;
}

/** Per-unit discounts of one source: units (global indices, ascending) and their amounts. */
export interface UnitAmounts {
  units: number[];
  amounts: number[];
}

/**
 * The cart as the stages work on it: every unit's amount left (after the stages so far) and what
 * each source took from it. Units are numbered across the cart, line after line, so that an
 * ascending unit number is "the earlier line, then the earlier unit" of the tie rule.
 */
export class WorkCart {
  readonly lines: WorkLine[];
  /** The amount left of each unit. */
  readonly left: number[];
  readonly lineOf: number[];
  readonly allocations: Allocation[][];
  readonly points: number[];

  constructor(lines: { catalog: CatalogItem; quantity: number; reserved?: ReservedPrice }[]) {
    this.lines = [];
    this.left = [];
    this.lineOf = [];
    for (const { catalog, quantity, reserved } of lines) {
      const index = this.lines.length;
      this.lines.push({ sku: catalog.sku, quantity, unitPrice: catalog.price, category: catalog.category, catalog, reserved, first: this.left.length });
      for (let u = 0; u < quantity; u++) { this.left.push(catalog.price); this.lineOf.push(index); }
    }
    this.allocations = this.left.map(() => []);
    this.points = this.left.map(() => 0);
  }

  /** The units of these lines (ascending line indices), in cart order. */
  unitsOfLines(lines: readonly number[]): number[] {
    const units: number[] = [];
    for (const l of lines) {
      const line = this.lines[l];
      for (let u = 0; u < line.quantity; u++) units.push(line.first + u);
    }
    return units;
  }

  amountOf(units: readonly number[]): number {
    let sum = 0;
    for (const u of units) sum += this.left[u];
    return sum;
  }

  /** `total` spread over `units` by their amounts left, largest remainder (total <= their amount). */
  spread(total: number, units: readonly number[]): UnitAmounts {
    let ascending = true;
    for (let k = 1; k < units.length && ascending; k++) ascending = units[k - 1] < units[k];
    const sorted = ascending ? units.slice() : [...units].sort((a, b) => a - b);
    const weights = new Array<number>(sorted.length);
    for (let k = 0; k < sorted.length; k++) weights[k] = this.left[sorted[k]];
    return { units: sorted, amounts: allocate(total, weights) };
  }

  /** Takes a source's discounts from the units, each capped at what is left of it; returns what was taken. */
  take(source: string, discounts: UnitAmounts): number {
    let taken = 0;
    for (let k = 0; k < discounts.units.length; k++) {
      const u = discounts.units[k];
      const amount = Math.min(discounts.amounts[k], this.left[u]);
      if (amount <= 0) continue;
      this.left[u] -= amount;
      taken += amount;
      const list = this.allocations[u];
      const last = list[list.length - 1];
      if (last && last.source === source) last.amount += amount;
      else list.push({ source, amount });
    }
    return taken;
  }

  total(): number {
    let sum = 0;
    for (const v of this.left) sum += v;
    return sum;
  }
}
