/**
 * The sales driver tree: sales = UV x conversion rate x 客单价, and buyers = new + returning.
 * Given a sales target and assumptions for the rates, it says what the target needs: "to reach 5亿 at
 * 3% conversion and 500元 per buyer we need 100万 buyers and 3,333万 UV". Needs are rounded up: a
 * fraction of a visitor still has to come.
 */
export interface Implied {
  uv: number | null;
  buyers: number | null;
  newBuyers: number | null;
  returningBuyers: number | null;
}

export function impliedDrivers(sales: number, a: { conversionRate: number | null; perCustomerSpend: number | null; returningBuyerRate: number | null }): Implied {
  const p = a.perCustomerSpend !== null && a.perCustomerSpend > 0 ? a.perCustomerSpend : null;
  const cr = a.conversionRate !== null && a.conversionRate > 0 ? a.conversionRate : null;
  // A tiny epsilon keeps 100.0000000001 (float noise of an exact division) from rounding up to 101.
  const up = (v: number) => Math.ceil(v - 1e-9);
  const buyers = p === null ? null : up(Math.max(0, sales) / p);
  const uv = p === null || cr === null ? null : up(Math.max(0, sales) / (p * cr));
  const r = a.returningBuyerRate;
  const returningBuyers = buyers === null || r === null ? null : Math.round(buyers * r);
  return { uv, buyers, returningBuyers, newBuyers: buyers === null || returningBuyers === null ? null : buyers - returningBuyers };
}
