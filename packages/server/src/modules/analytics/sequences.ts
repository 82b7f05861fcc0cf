import os from 'node:os';
import { channels, type Channel } from '@flywheel/contracts';
import type { AnalyticsStore } from '../../platform/analytics-store';

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
    const mask = this.slots.length - 1;
    for (let s = lo & mask; ; s = (s + 1) & mask) {
      const id = this.slots[s];
      if (id < 0 || (this.lo[id] === lo && this.hi[id] === hi)) return id;
    }
  }

  /** The id of a hash, given a new one if it has none. */
  id(lo: number, hi: number): number {
    const mask = this.slots.length - 1;
    let s = lo & mask;
    for (; ; s = (s + 1) & mask) {
      const id = this.slots[s];
      if (id < 0) break;
      if (this.lo[id] === lo && this.hi[id] === hi) return id;
    }
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

function grow<A extends Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array>(a: A, length: number): A {
  const next = new (a.constructor as new (n: number) => A)(length);
  next.set(a);
  return next;
}

/** Bit 7 of an event's `flags`: a page view; bits 0-6: its channel (see `channelOf`). */
export const PAGE = 0x80;
const CHANNEL_BITS = 0x7f;
/** An event's channel code: 0 when it has none (counted as direct), else 1 + its index in `channels`. */
export const channelOf = (flags: number): Channel => ((flags & CHANNEL_BITS) === 0 ? 'direct' : channels[(flags & CHANNEL_BITS) - 1]);

const FIRST_BLOCK = 4;
const LARGEST_BLOCK = 256;

/**
 * One shop's behaviour events from `coverFrom` on, in memory and grouped by who did them, so a funnel
 * reads each person's events in one go instead of sorting them all. "Who" is 2·customer for an event
 * with a userId, else 2·device + 1; ids are dense numbers for DuckDB's hashes of the strings.
 * `linkOf` gives a device's customer (the first it was linked to), so a person is resolved as the
 * view `tracked_events` does: the customer when known, else the device.
 *
 * Each who's events sit in a chain of blocks (4 slots, then twice the last, up to 256) in the order
 * DuckDB stored them; a slot holds the time, the event name's id and page/channel flags (11 bytes).
 * Each block knows its earliest and latest time, so a short period skips the blocks outside it.
 */
export class ShopSequence {
  /** Events held. */
  n = 0;
  t = new Float64Array(0);
  code = new Uint16Array(0);
  flags = new Uint8Array(0);
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
  readonly devices = new HashIds();
  readonly users = new HashIds();
  readonly events = new HashIds();
  /** Rows of `events` / `identities` read so far (DuckDB numbers committed rows densely, in commit order). */
  eventRows = 0;
  identityRows = 0;
  usedAt = 0;

  constructor(readonly coverFrom: number) {}

  /** The DuckDB hash of a person's id (`hash(person_id)` of `tracked_events`): 2·customer or 2·device + 1. */
  personHash(person: number): string {
    return person % 2 === 0 ? this.users.hash(person / 2) : this.devices.hash((person - 1) / 2);
  }

  get bytes() {
    return this.t.length * 11 + this.blockStart.length * 32 + this.head.length * 8 + this.linkOf.length * 12 + this.devices.bytes + this.users.bytes + this.events.bytes;
  }

  link(anonLo: number, anonHi: number, userLo: number, userHi: number, ts: number) {
    const d = this.device(anonLo, anonHi);
    if (this.linkOf[d] < 0 || ts < this.linkTs[d]) {
      this.linkOf[d] = this.user(userLo, userHi);
      this.linkTs[d] = ts;
    }
  }

  append(rows: number, t: Float64Array, anon: Uint32Array, user: Uint32Array, event: Uint32Array, flags: Uint8Array) {
    for (let r = 0; r < rows; r++) {
      const [ulo, uhi] = [user[2 * r], user[2 * r + 1]];
      const who = ulo === 0 && uhi === 0 ? 2 * this.device(anon[2 * r], anon[2 * r + 1]) + 1 : 2 * this.user(ulo, uhi);
      const s = this.slotFor(who);
      const ts = t[r];
      this.t[s] = ts;
      this.code[s] = this.events.id(event[2 * r], event[2 * r + 1]);
      this.flags[s] = flags[r];
      const b = this.tail[who];
      if (ts < this.blockMin[b]) this.blockMin[b] = ts;
      if (ts > this.blockMax[b]) this.blockMax[b] = ts;
    }
    this.n += rows;
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
    if (this.slots + capacity > this.t.length) {
      const length = Math.max(4096, this.t.length * 2, this.slots + capacity);
      this.t = grow(this.t, length);
      this.code = grow(this.code, length);
      this.flags = grow(this.flags, length);
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

const channelList = `[${channels.map((c) => `'${c}'`).join(', ')}]`;
const u32 = (b: Uint8Array) => new Uint32Array(b.buffer, b.byteOffset, b.byteLength / 4);

/**
 * The behaviour events funnels walk, kept in memory per shop and caught up with DuckDB on every use:
 * a funnel over a year of 10M events then reads ~190 MB of columns in this process instead of sorting
 * them in DuckDB. A shop is loaded on its first funnel from the period's start, reloaded when a funnel
 * starts earlier, and the shops used least recently are dropped beyond `budgetBytes` (10% of RAM).
 * Events are append-only, so new rows are those past the row count read last time.
 */
export class EventSequences {
  private readonly shops = new Map<string, ShopSequence>();
  private readonly turns = new Map<string, Promise<unknown>>();

  constructor(readonly store: AnalyticsStore, private readonly budgetBytes = os.totalmem() * 0.1) {}

  /** The shop's events from `fromMs` on (at least), up to date with what DuckDB has committed. */
  sync(shopId: string, fromMs: number): Promise<ShopSequence> {
    // One catch-up per shop at a time; a second waits for the first and then reads only what is newer.
    const turn = (this.turns.get(shopId) ?? Promise.resolve()).catch(() => undefined).then(() => this.catchUp(shopId, fromMs));
    this.turns.set(shopId, turn);
    return turn;
  }

  private async catchUp(shopId: string, fromMs: number): Promise<ShopSequence> {
    let seq = this.shops.get(shopId);
    if (!seq || fromMs < seq.coverFrom) {
      seq = new ShopSequence(fromMs);
      this.shops.set(shopId, seq);
    }
    seq.usedAt = Date.now();
    const counts = await this.store.one<{ events: number; identities: number }>(`select (select count(*) from events) as events, (select count(*) from identities) as identities`);
    const params = { shop: shopId, cover: new Date(seq.coverFrom).toISOString() };
    if (counts!.identities > seq.identityRows) {
      const s = seq;
      await this.store.scanColumns(`select hash(anonymous_id), hash(user_id), epoch_ms(ts)::double from identities
        where shop_id = $shop and rowid >= ${seq.identityRows} and rowid < ${counts!.identities}`, params, [8, 8, 8], ([anon, user, ts], rows) => {
        const [a, u, t] = [u32(anon), u32(user), new Float64Array(ts.buffer, ts.byteOffset, rows)];
        for (let r = 0; r < rows; r++) s.link(a[2 * r], a[2 * r + 1], u[2 * r], u[2 * r + 1], t[r]);
      });
      seq.identityRows = counts!.identities;
    }
    if (counts!.events > seq.eventRows) {
      const s = seq;
      await this.store.scanColumns(`select epoch_ms(ts)::double, hash(anonymous_id), case when user_id is null then 0::ubigint else hash(user_id) end, hash(event),
          (case when type = 'page' then ${PAGE} else 0 end + coalesce(list_position(${channelList}, channel), 0))::utinyint
        from events where shop_id = $shop and rowid >= ${seq.eventRows} and rowid < ${counts!.events} and ts >= $cover::timestamptz`,
      params, [8, 8, 8, 8, 1], ([t, anon, user, event, flags], rows) => {
        s.append(rows, new Float64Array(t.buffer, t.byteOffset, rows), u32(anon), u32(user), u32(event), flags);
      });
      seq.eventRows = counts!.events;
    }
    this.evict();
    return seq;
  }

  /**
   * Drops the shops used least recently while over budget. The shop just used is the newest, so it goes
   * only when it alone exceeds the budget (its caller still holds it; the next funnel reloads it).
   */
  private evict() {
    let total = [...this.shops.values()].reduce((sum, s) => sum + s.bytes, 0);
    for (const [shopId, seq] of [...this.shops.entries()].sort((a, b) => a[1].usedAt - b[1].usedAt)) {
      if (total <= this.budgetBytes) break;
      this.shops.delete(shopId);
      total -= seq.bytes;
    }
  }
}
