/**
 * The warehouse ('main'): what is available, reserved for paid orders not yet shipped, and on
 * order from suppliers. Planned SKUs reorder ahead of the calendar; a few sloppy ones run out.
 * onHand in the records is the physical stock: available + reserved.
 */
import type { InventoryRecord } from '@flywheel/contracts';
import type { CatalogIndex, SkuInfo } from './catalog';
import { categoryShare } from './catalog';
import type { Rng } from './random';

/** Average units sold per customer per ordinary day: sizes the opening stock before any sale is seen. */
export const UNITS_PER_CUSTOMER_DAY = 0.0032;

export class Warehouse {
  private readonly available: Int32Array;
  private readonly reserved: Int32Array;
  private readonly onOrder: Int32Array;
  private readonly soldToday: Int32Array;
  /** Units a day on an ordinary day (demand with the calendar taken out), learnt as sales come in. */
  private readonly demandBase: Float64Array;
  private readonly stockChanged: Uint8Array;
  /** Supplier deliveries due per day. */
  private readonly arrivals: { sku: number; quantity: number }[][];

  /**
   * `intensityBetween(from, to)` is the calendar's expected demand over days [from, to) in
   * ordinary days, so reorders anticipate 618 and 双11.
   */
  constructor(
    private readonly catalog: CatalogIndex,
    opening: InventoryRecord[],
    unitsPerDay: number,
    private readonly days: number,
    private readonly rng: Rng,
    private readonly intensityBetween: (from: number, to: number) => number,
  ) {
    const count = catalog.skus.length;
    this.available = new Int32Array(count);
    this.reserved = new Int32Array(count);
    this.onOrder = new Int32Array(count);
    this.soldToday = new Int32Array(count);
    this.demandBase = new Float64Array(count);
    this.stockChanged = new Uint8Array(count);
    this.arrivals = Array.from({ length: days }, () => []);
    for (const level of opening) {
      const sku = catalog.bySku.get(level.sku);
      if (sku) this.available[sku.index] += Math.max(0, level.onHand - (level.reserved ?? 0));
    }
    for (const sku of catalog.skus) this.demandBase[sku.index] = unitsPerDay * categoryShare(sku.category) * sku.popularity;
  }

  has(sku: SkuInfo, quantity: number): boolean {
    return this.available[sku.index] >= quantity;
  }

  /** A paid order takes the units: reserved until shipped tomorrow. */
  sell(sku: SkuInfo, quantity: number): void {
    this.available[sku.index] -= quantity;
    this.reserved[sku.index] += quantity;
    this.soldToday[sku.index] += quantity;
    this.stockChanged[sku.index] = 1;
  }

  /** Morning: replenishment arrives; yesterday's paid orders leave the warehouse. */
  morning(d: number): void {
    for (let s = 0; s < this.reserved.length; s++) {
      if (this.reserved[s] > 0) {
        this.reserved[s] = 0;
        this.stockChanged[s] = 1;
      }
      this.soldToday[s] = 0;
    }
    for (const arrival of this.arrivals[d]) {
      this.available[arrival.sku] += arrival.quantity;
      this.onOrder[arrival.sku] -= arrival.quantity;
      this.stockChanged[arrival.sku] = 1;
    }
    this.arrivals[d] = [];
  }

  /**
   * Evening: learn the demand, reorder what will run short, report the levels that changed.
   * Planned SKUs reorder ahead of the calendar (stock up before 双11); sloppy ones reorder late
   * and little, which is where the shop's stock-outs come from.
   */
  evening(d: number, intensity: number, updatedAt: string): InventoryRecord[] {
    const out: InventoryRecord[] = [];
    for (const sku of this.catalog.skus) {
      const s = sku.index;
      if (this.available[s] > 0 || this.soldToday[s] > 0) this.demandBase[s] = 0.93 * this.demandBase[s] + 0.07 * (this.soldToday[s] / intensity);
      const sloppy = sku.sloppyReplenishment;
      const lead = sloppy ? 12 : 5;
      const safety = sloppy ? 0 : 10;
      // Every planned SKU keeps a few units even when it hardly sells (最低安全库存).
      const need = sloppy ? this.demandBase[s] * lead : Math.max(8, this.demandBase[s] * this.intensityBetween(d + 1, d + 1 + lead + safety));
      if (this.available[s] + this.onOrder[s] < need && this.onOrder[s] === 0) {
        const cover = sloppy ? this.demandBase[s] * 14 : this.demandBase[s] * this.intensityBetween(d + 1 + lead, d + 1 + lead + 30);
        const quantity = Math.max(5, Math.ceil(need + cover - this.available[s]));
        const arrival = d + lead + (sloppy ? this.rng.between(0, 8) : this.rng.between(-2, 2));
        this.onOrder[s] += quantity;
        if (arrival < this.days) this.arrivals[arrival].push({ sku: s, quantity });
      }
      if (this.stockChanged[s]) {
        out.push({ sku: sku.sku, warehouse: 'main', onHand: this.available[s] + this.reserved[s], reserved: this.reserved[s], updatedAt });
        this.stockChanged[s] = 0;
      }
    }
    return out;
  }
}
