import { Turns } from '../../platform/background';
import { channels, type Channel } from '@flywheel/contracts';
import type { AnalyticsSchema, AnalyticsStore } from '../../platform/analytics-store';
import { defaultFunnelMemoryBytes } from '../../platform/config';

/**
 * Dense ids for DuckDB's 64-bit `hash()` values, given as their two 32-bit halves: open addressing,
 * grown at half full. The hashes are well mixed, so the low half is the slot.
 */
export class HashIds {
  size = 0;
  private lo = new Uint32Array(1024);
  private hi = new Uint32Array(1024);
  private slots = new Int32Array(2048).fill(-1);

  /** The id of a hash, or -1 when it has none. */
  find(lo: number, hi: number): number {
    return this.slots[this.slotOf(lo, hi)];
  }

  /** The id of a hash, given a new one if it has none. */
  id(lo: number, hi: number): number {
    const s = this.slotOf(lo, hi);
    if (this.slots[s] >= 0) return this.slots[s];
    const id = this.size++;
    if (id === this.lo.length) {
      this.lo = grow(this.lo, id * 2);
      this.hi = grow(this.hi, id * 2);
    }
    this.lo[id] = lo;
    this.hi[id] = hi;
    this.slots[s] = id;
    if (this.size * 2 > this.slots.length) this.rehash();
    return id;
  }

  /** The slot holding a hash's id, or the empty slot where it would go. */
  private slotOf(lo: number, hi: number): number {
    const mask = this.slots.length - 1;
    for (let s = lo & mask; ; s = (s + 1) & mask) {
      const id = this.slots[s];
      if (id < 0 || (this.lo[id] === lo && this.hi[id] === hi)) return s;
    }
  }

  /** The hash of an id, as DuckDB prints it (UBIGINT). */
  hash(id: number): string {
    return ((BigInt(this.hi[id]) << 32n) | BigInt(this.lo[id])).toString();
  }

  get bytes() { return this.lo.byteLength * 2 + this.slots.byteLength; }

  private rehash() {
    const slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = slots.length - 1;
    for (let id = 0; id < this.size; id++) {
      let s = this.lo[id] & mask;
      while (slots[s] >= 0) s = (s + 1) & mask;
      slots[s] = id;
    }
    this.slots = slots;
  }
}

/**
 * Lets long loops give the event loop a turn every ~20 ms (ingestion and other requests keep being
 * answered while a year of events is walked or compacted): check `due()` every few thousand steps.
 */
export class Pacer {
  private last = performance.now();
  due(): boolean { return performance.now() - this.last > 20; }
  async pause() {
    await new Promise((resolve) => setImmediate(resolve));
    this.last = performance.now();
  }
}

/** A copy of a typed array at a new length. */
export function grow<A extends Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array>(a: A, length: number): A {
  const next = new (a.constructor as new (n: number) => A)(length);
  next.set(a);
  return next;
}

/**
 * The code shared by event names past the first 65,535 of a shop (a client that puts ids in event
 * names): a step naming one of those asks DuckDB which events match it, as a step with conditions does.
 */
export const RARE_NAME = 0xffff;

/** Bit 7 of an event's `flags`: a page view; bits 0-6: its channel (see `channelOf`). */
export const PAGE = 0x80;
const CHANNEL_BITS = 0x7f;
/** An event's channel code: 0 when it has none (counted as direct), else 1 + its index in `channels`. */
export const channelOf = (flags: number): Channel => ((flags & CHANNEL_BITS) === 0 ? 'direct' : channels[(flags & CHANNEL_BITS) - 1]);

const unstaged = () => ({ n: 0, t: new Float64Array(0), who: new Int32Array(0), code: new Uint16Array(0), flags: new Uint8Array(0) });

const FIRST_BLOCK = 4;
const LARGEST_BLOCK = 256;

/**
 * One shop's behaviour events from `coverFrom` on, in memory and grouped by person, so a funnel reads
 * each person's events in one go instead of sorting them all. Ids are dense numbers for DuckDB's hashes
 * of the strings. "Who" did an event is 2·customer for an event with a userId, else 2·device + 1;
 * `linkOf` gives a device's customer (the first it was linked to), so a person is resolved as the view
 * `tracked_events` does: the customer when known, else the device. An event takes 11 bytes: its time,
 * its name's id and its page/channel flags.
 *
 * Events live in two parts. The compacted part holds, per group, the events of one person as resolved
 * when it was compacted, in time order and next to each other (`groupStart`). Events read since then
 * are appended per who to a chain of blocks (4 slots, then twice the last, up to 256); each block
 * knows its earliest and latest time, so a short period skips blocks outside it. When the appended part
 * grows past an eighth of the whole, or a device's customer changes, `compact` rewrites both into one.
 */
export class ShopSequence {
  /** Events held. */
  n = 0;
  groupStart = new Int32Array(1);
  t = new Float64Array(0);
  code = new Uint16Array(0);
  flags = new Uint8Array(0);
  /** Events in blocks, and the blocks' slots. */
  appended = 0;
  bt = new Float64Array(0);
  bcode = new Uint16Array(0);
  bflags = new Uint8Array(0);
  private slots = 0;
  blockStart = new Int32Array(0);
  blockLength = new Int32Array(0);
  blockNext = new Int32Array(0);
  blockMin = new Float64Array(0);
  blockMax = new Float64Array(0);
  private blockCapacity = new Int32Array(0);
  private blocks = 0;
  /** Per who, the first and the last block of its chain (-1: none). */
  head = new Int32Array(0);
  private tail = new Int32Array(0);
  linkOf = new Int32Array(0);
  private linkTs = new Float64Array(0);
  /** Rows read from DuckDB, not yet filed (see `stage` and `settle`). */
  private staged = unstaged();
  /** A device's customer changed after its events were compacted under another person. */
  relinked = false;
  readonly devices = new HashIds();
  readonly users = new HashIds();
  readonly events = new HashIds();
  /** Rows of `events` / `identities` read so far (DuckDB numbers committed rows densely, in commit order). */
  eventRows = 0;
  identityRows = 0;
  usedAt = 0;

  constructor(readonly coverFrom: number) {}

  /** Who did an event already held, from the hashes of its userId (0 when none) and device; -1 if unknown. */
  findWho(userLo: number, userHi: number, anonLo: number, anonHi: number): number {
    if (userLo !== 0 || userHi !== 0) {
      const u = this.users.find(userLo, userHi);
      return u < 0 ? -1 : 2 * u;
    }
    const d = this.devices.find(anonLo, anonHi);
    return d < 0 ? -1 : 2 * d + 1;
  }

  /** The person who is now: a device linked to a customer is that customer. */
  personOf(who: number): number {
    return who & 1 && this.linkOf[who >> 1] >= 0 ? 2 * this.linkOf[who >> 1] : who;
  }

  /** The DuckDB hash of a person's id (`hash(person_id)` of `tracked_events`): 2·customer or 2·device + 1. */
  personHash(person: number): string {
    return person % 2 === 0 ? this.users.hash(person / 2) : this.devices.hash((person - 1) / 2);
  }

  /** Whether who (a customer, or a device) has events held. */
  holds(who: number): boolean {
    return this.head[who] >= 0 || (who + 1 < this.groupStart.length && this.groupStart[who + 1] > this.groupStart[who]);
  }

  get bytes() {
    return (this.t.length + this.bt.length) * 11 + this.groupStart.byteLength + this.blockStart.length * 32 + this.head.length * 8 + this.linkOf.length * 12
      + this.devices.bytes + this.users.bytes + this.events.bytes;
  }

  link(anonLo: number, anonHi: number, userLo: number, userHi: number, ts: number) {
    const d = this.device(anonLo, anonHi);
    if (this.linkOf[d] < 0 || ts < this.linkTs[d]) {
      if (this.linkOf[d] >= 0) this.relinked = true;
      this.linkOf[d] = this.user(userLo, userHi);
      this.linkTs[d] = ts;
    }
  }

  /**
   * Room for `rows` more staged rows at once (an upper bound is fine: pages never written are never
   * touched, so they take no memory), which spares copying as they arrive.
   */
  reserve(rows: number) {
    const st = this.staged;
    if (st.n + rows <= st.t.length) return;
    const length = st.n + rows;
    [st.t, st.who, st.code, st.flags] = [grow(st.t, length), grow(st.who, length), grow(st.code, length), grow(st.flags, length)];
  }

  /** Takes rows read from DuckDB (hashes as 32-bit halves); `settle` then files them. */
  stage(rows: number, t: Float64Array, anon: Uint32Array, user: Uint32Array, event: Uint32Array, flags: Uint8Array) {
    const st = this.staged;
    if (st.n + rows > st.t.length) this.reserve(Math.max(4096, st.t.length, rows));
    for (let r = 0, i = st.n; r < rows; r++, i++) {
      const [ulo, uhi] = [user[2 * r], user[2 * r + 1]];
      st.who[i] = ulo === 0 && uhi === 0 ? 2 * this.device(anon[2 * r], anon[2 * r + 1]) + 1 : 2 * this.user(ulo, uhi);
      st.t[i] = t[r];
      st.code[i] = Math.min(this.events.id(event[2 * r], event[2 * r + 1]), RARE_NAME);
      st.flags[i] = flags[r];
    }
    st.n += rows;
    this.n += rows;
  }

  /**
   * Files the staged rows: compacts when the appended part would pass `compactAfter` events and an
   * eighth of the whole, or a device changed customer; else appends them to their blocks.
   */
  async settle(compactAfter: number) {
    const st = this.staged;
    if (this.relinked || this.appended + st.n > Math.max(compactAfter, this.n / 8)) {
      await this.compact();
      return;
    }
    for (let i = 0; i < st.n; i++) {
      const who = st.who[i];
      const s = this.slotFor(who);
      const ts = st.t[i];
      this.bt[s] = ts;
      this.bcode[s] = st.code[i];
      this.bflags[s] = st.flags[i];
      const b = this.tail[who];
      if (ts < this.blockMin[b]) this.blockMin[b] = ts;
      if (ts > this.blockMax[b]) this.blockMax[b] = ts;
    }
    this.appended += st.n;
    this.staged = unstaged();
  }

  /**
   * One group per person as resolved now, each in time order (equal times in stored order: compacted,
   * then blocks, then staged rows); the blocks and the staged rows are emptied. Pauses now and then;
   * nothing else may read or change the sequence meanwhile (see `EventSequences.use`).
   */
  async compact() {
    const pacer = new Pacer();
    const space = this.head.length;
    const groups = this.groupStart.length - 1;
    const st = this.staged;
    const start = new Int32Array(space + 1);
    for (let who = 0; who < space; who++) {
      if ((who & 0xffff) === 0 && pacer.due()) await pacer.pause();
      let size = who < groups ? this.groupStart[who + 1] - this.groupStart[who] : 0;
      for (let b = this.head[who]; b >= 0; b = this.blockNext[b]) size += this.blockLength[b];
      start[this.personOf(who) + 1] += size;
    }
    for (let i = 0; i < st.n; i++) {
      if ((i & 0xfffff) === 0 && pacer.due()) await pacer.pause();
      start[this.personOf(st.who[i]) + 1]++;
    }
    for (let g = 0; g < space; g++) start[g + 1] += start[g];
    const [t, code, flags] = [new Float64Array(this.n), new Uint16Array(this.n), new Uint8Array(this.n)];
    const next = start.slice(0, space);
    for (let who = 0; who < space; who++) {
      if ((who & 0xffff) === 0 && pacer.due()) await pacer.pause();
      const g = this.personOf(who);
      if (who < groups) {
        const [a, b] = [this.groupStart[who], this.groupStart[who + 1]];
        t.set(this.t.subarray(a, b), next[g]);
        code.set(this.code.subarray(a, b), next[g]);
        flags.set(this.flags.subarray(a, b), next[g]);
        next[g] += b - a;
      }
      for (let b = this.head[who]; b >= 0; b = this.blockNext[b]) {
        const [a, length] = [this.blockStart[b], this.blockLength[b]];
        t.set(this.bt.subarray(a, a + length), next[g]);
        code.set(this.bcode.subarray(a, a + length), next[g]);
        flags.set(this.bflags.subarray(a, a + length), next[g]);
        next[g] += length;
      }
    }
    for (let i = 0; i < st.n; i++) {
      if ((i & 0xfffff) === 0 && pacer.due()) await pacer.pause();
      const x = next[this.personOf(st.who[i])]++;
      t[x] = st.t[i];
      code[x] = st.code[i];
      flags[x] = st.flags[i];
    }
    for (let g = 0; g < space; g++) {
      if ((g & 0xffff) === 0 && pacer.due()) await pacer.pause();
      sortByTime(t, code, flags, start[g], start[g + 1]);
    }
    Object.assign(this, { groupStart: start, t, code, flags, appended: 0, relinked: false, slots: 0, blocks: 0, staged: unstaged() });
    [this.bt, this.bcode, this.bflags] = [new Float64Array(0), new Uint16Array(0), new Uint8Array(0)];
    this.head.fill(-1);
    this.tail.fill(-1);
  }

  private device(lo: number, hi: number): number {
    const d = this.devices.id(lo, hi);
    if (d >= this.linkOf.length) {
      const before = this.linkOf.length;
      this.linkOf = grow(this.linkOf, Math.max(1024, before * 2));
      this.linkOf.fill(-1, before);
      this.linkTs = grow(this.linkTs, this.linkOf.length);
    }
    this.whoSpace(2 * d + 2);
    return d;
  }

  private user(lo: number, hi: number): number {
    const u = this.users.id(lo, hi);
    this.whoSpace(2 * u + 2);
    return u;
  }

  private whoSpace(size: number) {
    if (size <= this.head.length) return;
    const before = this.head.length;
    const length = Math.max(2048, before * 2, size);
    this.head = grow(this.head, length);
    this.tail = grow(this.tail, length);
    this.head.fill(-1, before);
    this.tail.fill(-1, before);
  }

  /** The slot for who's next event: the end of its last block, or a new block. */
  private slotFor(who: number): number {
    let b = this.tail[who];
    if (b < 0 || this.blockLength[b] === this.blockCapacity[b]) {
      const capacity = b < 0 ? FIRST_BLOCK : Math.min(LARGEST_BLOCK, this.blockCapacity[b] * 2);
      const next = this.newBlock(capacity);
      if (b < 0) this.head[who] = next;
      else this.blockNext[b] = next;
      this.tail[who] = next;
      b = next;
    }
    return this.blockStart[b] + this.blockLength[b]++;
  }

  private newBlock(capacity: number): number {
    if (this.blocks === this.blockStart.length) {
      const length = Math.max(1024, this.blocks * 2);
      this.blockStart = grow(this.blockStart, length);
      this.blockLength = grow(this.blockLength, length);
      this.blockCapacity = grow(this.blockCapacity, length);
      this.blockNext = grow(this.blockNext, length);
      this.blockMin = grow(this.blockMin, length);
      this.blockMax = grow(this.blockMax, length);
    }
    if (this.slots + capacity > this.bt.length) {
      const length = Math.max(4096, this.bt.length * 2, this.slots + capacity);
      this.bt = grow(this.bt, length);
      this.bcode = grow(this.bcode, length);
      this.bflags = grow(this.bflags, length);
    }
    const b = this.blocks++;
    this.blockStart[b] = this.slots;
    this.blockCapacity[b] = capacity;
    this.blockLength[b] = 0;
    this.blockNext[b] = -1;
    this.blockMin[b] = Infinity;
    this.blockMax[b] = -Infinity;
    this.slots += capacity;
    return b;
  }
}

const EMPTY_SEQUENCE_BYTES = new ShopSequence(0).bytes;

/** Which shops' funnel events were kept in memory, from when, and when last used: loaded again after a restart (`EventSequences.warm`). */
export const funnelsAnalyticsSchema: AnalyticsSchema = {
  name: 'funnels',
  statements: [`create table if not exists funnel_shops (shop_id varchar, cover_from timestamptz, used_at timestamptz)`],
};

/** Orders events [a, b) by time, keeping the stored order of equal times; a no-op when already ordered. */
export function sortByTime(t: Float64Array, code: Uint16Array, flags: Uint8Array, a: number, b: number) {
  let sorted = true;
  for (let x = a + 1; x < b && sorted; x++) sorted = t[x] >= t[x - 1];
  if (sorted) return;
  const order = Array.from({ length: b - a }, (_, i) => a + i).sort((u, v) => t[u] - t[v] || u - v);
  const [ts, cs, fs] = [order.map((i) => t[i]), order.map((i) => code[i]), order.map((i) => flags[i])];
  t.set(ts, a);
  code.set(cs, a);
  flags.set(fs, a);
}

const channelList = `[${channels.map((c) => `'${c}'`).join(', ')}]`;
/** A column of `AnalyticsStore.scanColumns` seen as 32-bit halves of hashes, or as doubles. */
export const u32 = (b: Uint8Array) => new Uint32Array(b.buffer, b.byteOffset, b.byteLength / 4);
export const f64 = (b: Uint8Array) => new Float64Array(b.buffer, b.byteOffset, b.byteLength / 8);

/**
 * The behaviour events funnels walk, kept in memory per shop and caught up with DuckDB on every use, so
 * a funnel over a year of 10M events reads ~110 MB grouped by person in this process instead of
 * sorting them in DuckDB. A shop is loaded on its first funnel from the period's start, reloaded when
 * a funnel starts earlier, and the shops used least recently are dropped beyond `budgetBytes`
 * (FLYWHEEL_FUNNEL_MEMORY). Events are append-only, so new rows are those past the row count read last time.
 *
 * Which shops were loaded, from when, and when last used is kept in DuckDB (`funnel_shops`), so a
 * server that starts again loads them in the background (`warm`, on the server's timer) before anyone
 * asks: the first funnel after a restart finds its shop in memory. The same timer keeps the loaded
 * shops caught up, so a funnel reads at most the last few seconds of events.
 */
export class EventSequences {
  private readonly shops = new Map<string, ShopSequence>();
  private readonly turns = new Turns();
  /** Per shop, what was last written to `funnel_shops` and when (once an hour is enough to rank shops by use). */
  private readonly remembered = new Map<string, { coverFrom: number; at: number }>();

  /** `compactAfter`: events appended to a sequence before it is compacted, at least (and an eighth of it). */
  constructor(readonly store: AnalyticsStore, private readonly budgetBytes = defaultFunnelMemoryBytes(), private readonly compactAfter = 100_000) {}

  /**
   * Runs `work` on the shop's events from `fromMs` on (at least), up to date with what DuckDB has
   * committed. One use of a shop at a time: the next waits, then reads only what is newer. So the
   * sequence does not change under `work`, which may pause (shops do not wait for each other).
   */
  use<T>(shopId: string, fromMs: number, work: (seq: ShopSequence) => Promise<T>): Promise<T> {
    return this.turns.run(shopId, async () => {
      const seq = await this.caughtUp(shopId, fromMs, Date.now());
      await this.remember(shopId, seq);
      return work(seq);
    });
  }

  /** Whether the shop's events from `fromMs` on are in memory (loaded by a funnel or by `warm`). */
  holds(shopId: string, fromMs: number): boolean {
    const seq = this.shops.get(shopId);
    return seq !== undefined && seq.coverFrom <= fromMs;
  }

  /**
   * The background's work: loads the shops `funnel_shops` names (most recently used first, from the
   * time their funnels started) that are not in memory, as long as their events fit in the budget,
   * and catches up those that are. Resolves with the number of shops loaded.
   */
  async warm(): Promise<number> {
    const known = await this.store.all<{ shop_id: string; cover_from: number; used_at: number }>(
      `select shop_id, epoch_ms(cover_from) as cover_from, epoch_ms(used_at) as used_at from funnel_shops order by used_at desc`);
    let loaded = 0;
    for (const shop of known) {
      const [coverFrom, usedAt] = [Number(shop.cover_from), Number(shop.used_at)];
      if (this.holds(shop.shop_id, coverFrom)) {
        await this.turns.run(shop.shop_id, () => this.caughtUp(shop.shop_id, coverFrom, null));
        continue;
      }
      const events = await this.store.one<{ n: number }>(`select count(*) as n from events where shop_id = ? and ts >= to_timestamp(?::double / 1000)`, [shop.shop_id, coverFrom]);
      // About 12 bytes an event (see ShopSequence) and the ids of its people, beyond what an empty one holds.
      if (EMPTY_SEQUENCE_BYTES + Number(events!.n) * 14 > this.budgetBytes - this.bytes) continue;
      // Shops come most recently used first, and keep that time: one that does not fit after all is the one dropped.
      await this.turns.run(shop.shop_id, () => this.caughtUp(shop.shop_id, coverFrom, usedAt));
      if (!this.shops.has(shop.shop_id)) continue;
      loaded++;
      // As `funnel_shops` has it already: the first funnel need not write it again.
      this.remembered.set(shop.shop_id, { coverFrom, at: usedAt });
    }
    return loaded;
  }

  /** What the shops in memory take. */
  get bytes(): number {
    return [...this.shops.values()].reduce((sum, s) => sum + s.bytes, 0);
  }

  /** Writes down (now and then) that the shop's events from `coverFrom` are kept, for `warm` after a restart. */
  private async remember(shopId: string, seq: ShopSequence) {
    const last = this.remembered.get(shopId);
    const now = Date.now();
    if (last && last.coverFrom === seq.coverFrom && now - last.at < 3600_000) return;
    this.remembered.set(shopId, { coverFrom: seq.coverFrom, at: now });
    // Only a hint for the next start: a failed write costs that start a cold shop, never this funnel.
    await this.store.write(async (conn) => {
      await conn.run(`delete from funnel_shops where shop_id = ?`, [shopId]);
      await conn.run(`insert into funnel_shops values (?, to_timestamp(?::double / 1000), to_timestamp(?::double / 1000))`, [shopId, seq.coverFrom, now]);
    }).catch(() => this.remembered.delete(shopId));
  }

  /**
   * The shop's sequence caught up with DuckDB. `usedAt`: when it counts as used (null: a catch-up in
   * the background, which leaves it as it was). A catch-up that fails half way leaves rows read twice
   * next time: the shop is then loaded afresh.
   */
  private async caughtUp(shopId: string, fromMs: number, usedAt: number | null): Promise<ShopSequence> {
    try {
      return await this.catchUp(shopId, fromMs, usedAt);
    } catch (error) {
      this.shops.delete(shopId);
      throw error;
    }
  }

  private async catchUp(shopId: string, fromMs: number, usedAt: number | null): Promise<ShopSequence> {
    let seq = this.shops.get(shopId);
    if (!seq || fromMs < seq.coverFrom) {
      seq = new ShopSequence(fromMs);
      this.shops.set(shopId, seq);
    }
    if (usedAt !== null) seq.usedAt = usedAt;
    const counts = await this.store.one<{ events: number; identities: number }>(`select (select count(*) from events) as events, (select count(*) from identities) as identities`);
    const params = { shop: shopId, cover: new Date(seq.coverFrom).toISOString() };
    if (counts!.identities > seq.identityRows) {
      const s = seq;
      await this.store.scanColumns(`select hash(anonymous_id), hash(user_id), epoch_ms(ts)::double from identities
        where shop_id = $shop and rowid >= ${seq.identityRows} and rowid < ${counts!.identities}`, params, [8, 8, 8], ([anon, user, ts], rows) => {
        const [a, u, t] = [u32(anon), u32(user), f64(ts)];
        for (let r = 0; r < rows; r++) s.link(a[2 * r], a[2 * r + 1], u[2 * r], u[2 * r + 1], t[r]);
      });
      seq.identityRows = counts!.identities;
    }
    if (counts!.events > seq.eventRows) {
      const s = seq;
      s.reserve(counts!.events - seq.eventRows); // all shops' new rows: at most that many are this shop's
      await this.store.scanColumns(`select epoch_ms(ts)::double, hash(anonymous_id), case when user_id is null then 0::ubigint else hash(user_id) end, hash(event),
          (case when type = 'page' then ${PAGE} else 0 end + coalesce(list_position(${channelList}, channel), 0))::utinyint
        from events where shop_id = $shop and rowid >= ${seq.eventRows} and rowid < ${counts!.events} and ts >= $cover::timestamptz`,
      params, [8, 8, 8, 8, 1], ([t, anon, user, event, flags], rows) => {
        s.stage(rows, f64(t), u32(anon), u32(user), u32(event), flags);
      });
      seq.eventRows = counts!.events;
    }
    await seq.settle(this.compactAfter);
    this.evict();
    return seq;
  }

  /**
   * Drops the shops used least recently while over budget. The shop just used is the newest, so it goes
   * only when it alone exceeds the budget (its caller still holds it; the next funnel reloads it).
   */
  private evict() {
    let total = this.bytes;
    for (const [shopId, seq] of [...this.shops.entries()].sort((a, b) => a[1].usedAt - b[1].usedAt)) {
      if (total <= this.budgetBytes) break;
      this.shops.delete(shopId);
      total -= seq.bytes;
    }
  }
}
