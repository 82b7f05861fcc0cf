/**
 * The wallet's rules under any sequence of earnings, releases, spends, refunds and expiries
 * (fast-check): the balance never goes negative, the entries sum to available + pending − owed,
 * a lot's allocations and remaining make its amount, spending takes the soonest-expiring lot first,
 * a refund after a partial spend takes what is left and owes the rest, and owed points are taken
 * from the next earnings.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balanceOf, clawback, credit, EMPTY_WALLET, expire, release, spend, spendable, type Lot, type Wallet } from './wallet';

type Op =
  | { op: 'earn'; amount: number; pending: boolean; expiresIn: number }
  | { op: 'release'; lot: number; expiresIn: number }
  | { op: 'spend'; amount: number }
  | { op: 'clawback'; amount: number; own: number | null }
  | { op: 'expire'; lot: number }
  | { op: 'tick'; ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('earn' as const), amount: fc.integer({ min: 1, max: 500 }), pending: fc.boolean(), expiresIn: fc.integer({ min: 1, max: 100 }) }),
  fc.record({ op: fc.constant('release' as const), lot: fc.nat(20), expiresIn: fc.integer({ min: 1, max: 100 }) }),
  fc.record({ op: fc.constant('spend' as const), amount: fc.integer({ min: 1, max: 600 }) }),
  fc.record({ op: fc.constant('clawback' as const), amount: fc.integer({ min: 1, max: 600 }), own: fc.option(fc.nat(20), { nil: null }) }),
  fc.record({ op: fc.constant('expire' as const), lot: fc.nat(20) }),
  fc.record({ op: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 30 }) }),
);

interface Run { wallet: Wallet; entries: number; taken: Map<string, number>; now: number; fifoBroken: string | null; ids: number }

function apply(run: Run, o: Op): Run {
  const lots = run.wallet.lots;
  const lotAt = (i: number): Lot | undefined => lots[i % Math.max(1, lots.length)];
  const record = (allocs: { lotId: string; amount: number }[]) => {
    for (const a of allocs) run.taken.set(a.lotId, (run.taken.get(a.lotId) ?? 0) + a.amount);
  };
  switch (o.op) {
    case 'earn': {
      const id = `lot${run.ids++}`;
      const step = credit(run.wallet, { id, amount: o.amount, status: o.pending ? 'pending' : 'available', expiresAt: o.pending ? null : run.now + o.expiresIn });
      record(step.allocations);
      return { ...run, wallet: step.wallet, entries: run.entries + o.amount };
    }
    case 'release': {
      const lot = lotAt(o.lot);
      return lot ? { ...run, wallet: release(run.wallet, lot.id, run.now + o.expiresIn) } : run;
    }
    case 'spend': {
      const before = spendable(run.wallet, run.now);
      const step = spend(run.wallet, o.amount, run.now);
      if ('refusal' in step) {
        expect(step.available).toBe(before.reduce((s, l) => s + l.remaining, 0));
        expect(step.available).toBeLessThan(o.amount);
        return run;
      }
      record(step.allocations);
      // Soonest expiry first: a lot left untouched or partly taken never expires before one taken from.
      const takenIds = new Set(step.allocations.map((a) => a.lotId));
      const latest = Math.max(...before.filter((l) => takenIds.has(l.id)).map((l) => l.expiresAt ?? Infinity));
      const after = new Map(step.wallet.lots.map((l) => [l.id, l]));
      const skipped = before.find((l) => (l.expiresAt ?? Infinity) < latest && after.get(l.id)!.remaining > 0);
      return { ...run, wallet: step.wallet, entries: run.entries - o.amount, fifoBroken: run.fifoBroken ?? (skipped ? skipped.id : null) };
    }
    case 'clawback': {
      const own = o.own === null ? undefined : lotAt(o.own)?.id;
      const step = clawback(run.wallet, o.amount, run.now, own);
      record(step.allocations);
      const takenSum = step.allocations.reduce((s, a) => s + a.amount, 0);
      expect(takenSum + step.owedAdded).toBe(o.amount);
      return { ...run, wallet: step.wallet, entries: run.entries - o.amount };
    }
    case 'expire': {
      const lot = lotAt(o.lot);
      if (!lot) return run;
      const step = expire(run.wallet, lot.id, run.now);
      record(step.allocations);
      return { ...run, wallet: step.wallet, entries: run.entries - step.amount };
    }
    case 'tick':
      return { ...run, now: run.now + o.ms };
  }
}

function check(run: Run) {
  const b = balanceOf(run.wallet);
  expect(b.available).toBeGreaterThanOrEqual(0);
  expect(b.pending).toBeGreaterThanOrEqual(0);
  expect(b.owed).toBeGreaterThanOrEqual(0);
  expect(run.entries).toBe(b.available + b.pending - b.owed);
  for (const lot of run.wallet.lots) {
    expect(lot.remaining).toBeGreaterThanOrEqual(0);
    expect(lot.remaining + (run.taken.get(lot.id) ?? 0)).toBe(lot.amount);
  }
  expect(run.fifoBroken).toBeNull();
}

describe('the wallet under any sequence of operations', () => {
  it('never goes negative, sums to its entries, and spends the soonest-expiring lot first', () => {
    fc.assert(fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
      let run: Run = { wallet: EMPTY_WALLET, entries: 0, taken: new Map(), now: 0, fifoBroken: null, ids: 0 };
      for (const o of ops) {
        run = apply(run, o);
        check(run);
      }
    }), { numRuns: 500 });
  });

  it('a refund after a partial spend takes what is left and owes the rest', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 10_000 }), fc.nat(10_000), fc.integer({ min: 1, max: 20_000 }), (earned, spendWanted, refunded) => {
      const s = Math.min(spendWanted, earned);
      let w = credit(EMPTY_WALLET, { id: 'order', amount: earned, status: 'available', expiresAt: 1000 }).wallet;
      if (s > 0) {
        const step = spend(w, s, 0);
        if ('refusal' in step) throw new Error('a spend within the balance was refused');
        w = step.wallet;
      }
      const back = clawback(w, refunded, 0, 'order');
      expect(balanceOf(back.wallet)).toEqual({ available: Math.max(0, earned - s - refunded), pending: 0, owed: Math.max(0, refunded - (earned - s)) });
      expect(back.owedAdded).toBe(Math.max(0, refunded - (earned - s)));
    }));
  });

  it('takes what is owed from the next earnings, pending or not', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 5000 }), fc.array(fc.record({ amount: fc.integer({ min: 1, max: 3000 }), pending: fc.boolean() }), { minLength: 1, maxLength: 6 }), (owed, earnings) => {
      let w: Wallet = { lots: [], owed };
      let left = owed;
      earnings.forEach((e, i) => {
        const step = credit(w, { id: `l${i}`, amount: e.amount, status: e.pending ? 'pending' : 'available', expiresAt: e.pending ? null : 100 });
        const paid = Math.min(left, e.amount);
        expect(step.allocations).toEqual(paid > 0 ? [{ lotId: `l${i}`, amount: paid, kind: 'settle' }] : []);
        expect(step.wallet.lots.at(-1)!.remaining).toBe(e.amount - paid);
        left -= paid;
        expect(step.wallet.owed).toBe(left);
        w = step.wallet;
      });
    }));
  });
});

describe('the wallet by hand', () => {
  it('cancels from the order\'s own pending lot before touching the balance', () => {
    let w = credit(EMPTY_WALLET, { id: 'old', amount: 100, status: 'available', expiresAt: 50 }).wallet;
    w = credit(w, { id: 'order', amount: 300, status: 'pending', expiresAt: null }).wallet;
    const step = clawback(w, 120, 0, 'order');
    expect(balanceOf(step.wallet)).toEqual({ available: 100, pending: 180, owed: 0 });
    // More than the order's lot holds: the rest from the balance, then owed.
    const more = clawback(step.wallet, 300, 0, 'order');
    expect(more.allocations).toEqual([{ lotId: 'order', amount: 180, kind: 'take' }, { lotId: 'old', amount: 100, kind: 'take' }]);
    expect(balanceOf(more.wallet)).toEqual({ available: 0, pending: 0, owed: 20 });
  });

  it('spends from the lot expiring first, whatever order they were earned in', () => {
    let w = credit(EMPTY_WALLET, { id: 'late', amount: 100, status: 'available', expiresAt: 300 }).wallet;
    w = credit(w, { id: 'soon', amount: 50, status: 'available', expiresAt: 100 }).wallet;
    w = credit(w, { id: 'pending', amount: 500, status: 'pending', expiresAt: null }).wallet;
    const step = spend(w, 80, 0);
    if ('refusal' in step) throw new Error('refused');
    expect(step.allocations).toEqual([{ lotId: 'soon', amount: 50, kind: 'take' }, { lotId: 'late', amount: 30, kind: 'take' }]);
    expect(spend(step.wallet, 71, 0)).toEqual({ refusal: 'insufficient_points', available: 70 });
    // A lot past its time is not spent, even before its expiry has run.
    expect(spend(w, 120, 150)).toEqual({ refusal: 'insufficient_points', available: 100 });
  });

  it('expires only what is left, only at its time', () => {
    let w = credit(EMPTY_WALLET, { id: 'a', amount: 100, status: 'available', expiresAt: 100 }).wallet;
    const step = spend(w, 40, 0);
    if ('refusal' in step) throw new Error('refused');
    w = step.wallet;
    expect(expire(w, 'a', 99).amount).toBe(0);
    const expired = expire(w, 'a', 100);
    expect([expired.amount, balanceOf(expired.wallet).available]).toEqual([60, 0]);
    expect(expire(expired.wallet, 'a', 200).amount).toBe(0);
  });
});
