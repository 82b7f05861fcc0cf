/**
 * A customer's points as lots (no I/O). Every earning is a lot: pending until it becomes available,
 * then spendable until it expires. What takes points away (a redemption, an expiry, a clawback) is an
 * entry of the ledger split into allocations on lots; a clawback the balance cannot cover is owed,
 * and the next earning settles it first. So, at every moment,
 *
 *     sum of the ledger's entries = available + pending − owed,   available ≥ 0, pending ≥ 0, owed ≥ 0.
 *
 * The service reads a wallet under the member's row lock, applies these functions and writes back
 * what they return (entries, allocations, lots): the functions decide, the service records.
 */

export type LotStatus = 'pending' | 'available';

export interface Lot {
  id: string;
  amount: number;
  remaining: number;
  status: LotStatus;
  /** Epoch ms; null while pending (the expiry is counted from availability). */
  expiresAt: number | null;
}

export interface Wallet {
  /** In the order they were earned (ties of expiry go to the older lot). */
  lots: readonly Lot[];
  owed: number;
}

/** A part of an entry taken from a lot (`take`), or a part of a new lot that paid what was owed (`settle`). */
export interface Allocation { lotId: string; amount: number; kind: 'take' | 'settle' }

export interface Step { wallet: Wallet; allocations: Allocation[] }

export interface Insufficient { refusal: 'insufficient_points'; available: number }

export const EMPTY_WALLET: Wallet = { lots: [], owed: 0 };

export interface Balance { available: number; pending: number; owed: number }

export function balanceOf(wallet: Wallet): Balance {
  let available = 0;
  let pending = 0;
  for (const lot of wallet.lots) {
    if (lot.status === 'available') available += lot.remaining;
    else pending += lot.remaining;
  }
  return { available, pending, owed: wallet.owed };
}

/** The lots a spend may take at `now`, the soonest to expire first. */
export function spendable(wallet: Wallet, now: number): Lot[] {
  return wallet.lots
    .map((lot, index) => ({ lot, index }))
    .filter(({ lot }) => lot.status === 'available' && lot.remaining > 0 && (lot.expiresAt === null || lot.expiresAt > now))
    .sort((a, b) => (a.lot.expiresAt ?? Infinity) - (b.lot.expiresAt ?? Infinity) || a.index - b.index)
    .map(({ lot }) => lot);
}

function withTaken(wallet: Wallet, taken: Map<string, number>, owed = wallet.owed): Wallet {
  return { owed, lots: wallet.lots.map((lot) => (taken.has(lot.id) ? { ...lot, remaining: lot.remaining - taken.get(lot.id)! } : lot)) };
}

/** Takes `amount` from lots in order; returns what was taken and what is left to take. */
function takeFrom(lots: readonly Lot[], amount: number): { taken: Map<string, number>; left: number } {
  const taken = new Map<string, number>();
  let left = amount;
  for (const lot of lots) {
    if (left === 0) break;
    const part = Math.min(lot.remaining - (taken.get(lot.id) ?? 0), left);
    if (part <= 0) continue;
    taken.set(lot.id, (taken.get(lot.id) ?? 0) + part);
    left -= part;
  }
  return { taken, left };
}

const allocationsOf = (taken: Map<string, number>): Allocation[] => [...taken].map(([lotId, amount]) => ({ lotId, amount, kind: 'take' }));

/** A new lot (an earning of any kind): what is owed is paid from it first. */
export function credit(wallet: Wallet, lot: Omit<Lot, 'remaining'>): Step {
  if (lot.amount <= 0) throw new Error('a lot holds a positive amount');
  const settle = Math.min(wallet.owed, lot.amount);
  return {
    wallet: { owed: wallet.owed - settle, lots: [...wallet.lots, { ...lot, remaining: lot.amount - settle }] },
    allocations: settle > 0 ? [{ lotId: lot.id, amount: settle, kind: 'settle' }] : [],
  };
}

/** A redemption or a spend by hand: from the lots that expire first; refused (nothing taken) beyond the available balance. */
export function spend(wallet: Wallet, amount: number, now: number): Step | Insufficient {
  if (amount <= 0) throw new Error('a spend takes a positive amount');
  const lots = spendable(wallet, now);
  const available = lots.reduce((sum, lot) => sum + lot.remaining, 0);
  if (available < amount) return { refusal: 'insufficient_points', available };
  const { taken } = takeFrom(lots, amount);
  return { wallet: withTaken(wallet, taken), allocations: allocationsOf(taken) };
}

/**
 * A refund's points: from the order's own lot first (cancelling it while pending), then from the
 * available balance, the soonest-expiring lot first; what the balance cannot cover is owed.
 */
export function clawback(wallet: Wallet, amount: number, now: number, ownLotId?: string): Step & { owedAdded: number } {
  if (amount <= 0) throw new Error('a clawback takes a positive amount');
  const own = wallet.lots.filter((lot) => lot.id === ownLotId);
  const order = [...own, ...spendable(wallet, now).filter((lot) => lot.id !== ownLotId)];
  const { taken, left } = takeFrom(order, amount);
  return { wallet: withTaken(wallet, taken, wallet.owed + left), allocations: allocationsOf(taken), owedAdded: left };
}

/** A pending lot becomes available, with its expiry. */
export function release(wallet: Wallet, lotId: string, expiresAt: number): Wallet {
  return { ...wallet, lots: wallet.lots.map((lot) => (lot.id === lotId && lot.status === 'pending' ? { ...lot, status: 'available', expiresAt } : lot)) };
}

/** What is left of an available lot at its expiry; nothing before it. */
export function expire(wallet: Wallet, lotId: string, now: number): Step & { amount: number } {
  const lot = wallet.lots.find((l) => l.id === lotId);
  if (!lot || lot.status !== 'available' || lot.remaining <= 0 || lot.expiresAt === null || lot.expiresAt > now) return { wallet, allocations: [], amount: 0 };
  const taken = new Map([[lot.id, lot.remaining]]);
  return { wallet: withTaken(wallet, taken), allocations: allocationsOf(taken), amount: lot.remaining };
}
