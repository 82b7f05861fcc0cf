import type { z } from 'zod';
import type { CustomerList, Segment, SegmentRule, segmentCreate, segmentUpdate } from '@flywheel/contracts';
import type { Db } from '../../platform/db';
import { FlywheelError } from '../../platform/errors';
import { newId } from '../../platform/ids';
import { localDateOf } from '../../platform/timezone';
import { compileRule, segmentRefs, MAX_SEGMENT_NESTING, type CompiledRule } from './segment-sql';
import type { CustomerService, Viewer } from './service';

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const iso = (v: unknown) => new Date(v as string).toISOString();
const json = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

function toSegment(r: Row): Segment {
  return {
    id: r.id, name: r.name, description: r.description ?? null, rule: json<SegmentRule>(r.rule),
    size: Number(r.size), sizeAt: iso(r.size_at), createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
  };
}

/** The CSV of a segment's members: what a campaign tool or a spreadsheet needs to reach them. */
const CSV_COLUMNS = ['externalId', 'name', 'phone', 'lifecycle', 'rfmClass', 'orders', 'netSales', 'lastOrderAt', 'tags'] as const;

/** A cell, quoted when needed; a text a spreadsheet would run as a formula (=, +, -, @) is kept as text. */
function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Saved segments: a name and a rule (the grammar of PRODUCT.md), with the size measured each time it
 * is looked at and one point of size history a day. Members are never stored: a segment is
 * evaluated when asked, over the analytics store as it is, so it is as current as the data.
 */
export class SegmentService {
  constructor(private readonly db: Db, private readonly customers: CustomerService) {}

  private async row(shopId: string, id: string): Promise<Row> {
    const row = await this.db.selectFrom('segments').selectAll().where('shop_id', '=', shopId).where('id', '=', id).executeTakeFirst();
    if (!row) throw new FlywheelError('not_found', `no segment ${id} in this shop`);
    return row;
  }

  /** The rules of every segment `rule` refers to, directly or through others (loaded level by level). */
  async referenced(shopId: string, rule: SegmentRule): Promise<Map<string, SegmentRule>> {
    const found = new Map<string, SegmentRule>();
    let wanted = [...new Set(segmentRefs(rule))];
    for (let level = 0; wanted.length > 0 && level <= MAX_SEGMENT_NESTING; level++) {
      const rows = await this.db.selectFrom('segments').select(['id', 'rule']).where('shop_id', '=', shopId).where('id', 'in', wanted).execute();
      for (const r of rows) found.set(r.id, json<SegmentRule>(r.rule));
      wanted = [...new Set(rows.flatMap((r) => segmentRefs(json<SegmentRule>(r.rule))))].filter((id) => !found.has(id));
    }
    return found;
  }

  /** Compiles a rule with the segments it refers to; an unknown or circular reference is named by its path. */
  async compile(shopId: string, rule: SegmentRule, path = 'rule', prefix = ''): Promise<CompiledRule> {
    return compileRule(rule, await this.referenced(shopId, rule), path, prefix);
  }

  /** A saved segment's rule, compiled. */
  async compileSaved(shopId: string, id: string, path = 'segment', prefix = ''): Promise<CompiledRule> {
    const row = await this.db.selectFrom('segments').select('rule').where('shop_id', '=', shopId).where('id', '=', id).executeTakeFirst();
    if (!row) throw new FlywheelError('unknown_reference', `${path}: no segment ${id} in this shop`, path);
    return this.compile(shopId, { segment: id }, path, prefix);
  }

  /** `POST /v1/segments/preview`: the size and a sample, before saving. */
  async preview(shopId: string, rule: SegmentRule, sampleSize: number, viewer: Viewer) {
    const compiled = await this.compile(shopId, rule);
    const [size] = await this.customers.sizes(shopId, [compiled]);
    const sample = sampleSize === 0 ? { customers: [] } : await this.customers.list(shopId, { sort: '-netSales', limit: sampleSize }, viewer, { rule: compiled });
    return { size, sample: sample.customers, currency: (await this.customers.shopOf(shopId)).currency };
  }

  async create(shopId: string, input: z.infer<typeof segmentCreate>, actor: string): Promise<Segment> {
    const rule = input.rule as SegmentRule;
    const [size] = await this.customers.sizes(shopId, [await this.compile(shopId, rule)]);
    const id = newId('seg');
    const now = new Date();
    await this.db.transaction().execute(async (trx) => {
      await trx.insertInto('segments').values({ shop_id: shopId, id, name: input.name, description: input.description ?? null, rule: JSON.stringify(rule), size, size_at: now, created_by: actor }).execute();
      await this.recordSize(trx, shopId, id, size, now);
    });
    return toSegment(await this.row(shopId, id));
  }

  async list(shopId: string): Promise<Segment[]> {
    const rows = await this.db.selectFrom('segments').selectAll().where('shop_id', '=', shopId).orderBy('created_at').orderBy('id').execute();
    return this.measured(shopId, rows.map(toSegment));
  }

  /** The segments with their sizes measured now (one statement for all), and today's point of history. */
  private async measured(shopId: string, segments: Segment[]): Promise<Segment[]> {
    if (segments.length === 0) return [];
    const compiled = await Promise.all(segments.map((s, i) => this.compile(shopId, s.rule, 'rule', `s${i}`)));
    const sizes = await this.customers.sizes(shopId, compiled);
    const now = new Date();
    await this.db.transaction().execute(async (trx) => {
      for (const [i, s] of segments.entries()) {
        await trx.updateTable('segments').set({ size: sizes[i], size_at: now }).where('shop_id', '=', shopId).where('id', '=', s.id).execute();
        await this.recordSize(trx, shopId, s.id, sizes[i], now);
      }
    });
    return segments.map((s, i) => ({ ...s, size: sizes[i], sizeAt: now.toISOString() }));
  }

  private async recordSize(trx: Db, shopId: string, segmentId: string, size: number, at: Date) {
    const date = localDateOf(at, (await this.customers.shopOf(shopId)).timezone);
    await trx.insertInto('segment_sizes').values({ shop_id: shopId, segment_id: segmentId, date, size, measured_at: at })
      .onConflict((oc) => oc.columns(['shop_id', 'segment_id', 'date']).doUpdateSet({ size, measured_at: at }))
      .execute();
  }

  /** A segment with its size now, its size history and a sample of members. */
  async get(shopId: string, id: string, viewer: Viewer) {
    const [segment] = await this.measured(shopId, [toSegment(await this.row(shopId, id))]);
    const history = await this.db.selectFrom('segment_sizes').select(['date', 'size']).where('shop_id', '=', shopId).where('segment_id', '=', id).orderBy('date').execute();
    const sample = await this.members(shopId, id, { limit: 10 }, viewer);
    return { ...segment, sizeHistory: history.map((h) => ({ date: h.date, size: Number(h.size) })), sample: sample.customers };
  }

  async update(shopId: string, id: string, patch: z.infer<typeof segmentUpdate>): Promise<Segment> {
    await this.row(shopId, id);
    const set: Record<string, unknown> = { updated_at: new Date() };
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.description !== undefined) set.description = patch.description;
    if (patch.rule !== undefined) {
      const rule = patch.rule as SegmentRule;
      // Compiled as this segment's rule, with the new rule in its place: a reference leading back to it is named.
      compileRule(rule, new Map([...await this.referenced(shopId, rule), [id, rule]]), 'rule', '', [id]);
      set.rule = JSON.stringify(rule);
    }
    await this.db.updateTable('segments').set(set).where('shop_id', '=', shopId).where('id', '=', id).execute();
    const [segment] = await this.measured(shopId, [toSegment(await this.row(shopId, id))]);
    return segment;
  }

  /** Deletes a segment no other segment refers to. */
  async delete(shopId: string, id: string) {
    await this.row(shopId, id);
    const others = await this.db.selectFrom('segments').select(['id', 'name', 'rule']).where('shop_id', '=', shopId).where('id', '<>', id).execute();
    const users = others.filter((o) => segmentRefs(json<SegmentRule>(o.rule)).includes(id));
    if (users.length > 0) throw new FlywheelError('conflict', `segment ${id} is used by ${users.map((u) => `${u.name} (${u.id})`).join(', ')}: change those first`);
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('segment_sizes').where('shop_id', '=', shopId).where('segment_id', '=', id).execute();
      await trx.deleteFrom('segments').where('shop_id', '=', shopId).where('id', '=', id).execute();
    });
    return { deleted: 1 };
  }

  /** Members, by external id, cursor-paged. */
  async members(shopId: string, id: string, page: { limit: number; cursor?: string }, viewer: Viewer): Promise<CustomerList> {
    await this.row(shopId, id);
    const rule = await this.compileSaved(shopId, id, 'id');
    return this.customers.list(shopId, { sort: 'externalId', limit: page.limit, cursor: page.cursor }, viewer, { rule });
  }

  /** Every member as CSV (UTF-8 with a byte order mark, so spreadsheets read Chinese names). */
  async exportCsv(shopId: string, id: string, viewer: Viewer): Promise<string> {
    const lines = [CSV_COLUMNS.join(',')];
    let cursor: string | undefined;
    do {
      const page = await this.members(shopId, id, { limit: 1000, cursor }, viewer);
      for (const c of page.customers) {
        lines.push([c.externalId, c.name, c.phone, c.lifecycle, c.rfm?.class ?? null, c.orders, c.netSales, c.lastOrderAt, c.tags.join('|')].map(csvCell).join(','));
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return `\uFEFF${lines.join('\r\n')}\r\n`;
  }

  /** The saved segments, compiled with distinct prefixes, to test people against all at once (the profile). */
  async allCompiled(shopId: string): Promise<{ id: string; name: string; rule: CompiledRule }[]> {
    const rows = await this.db.selectFrom('segments').select(['id', 'name', 'rule']).where('shop_id', '=', shopId).orderBy('created_at').orderBy('id').execute();
    return Promise.all(rows.map(async (r, i) => ({ id: r.id as string, name: r.name as string, rule: await this.compile(shopId, json<SegmentRule>(r.rule), 'rule', `s${i}`) })));
  }

  /**
   * `filter.segment` of the metrics: a statement selecting the customer_id of the segment's members
   * now, for the metric layer to embed, with its parameters (named apart from the metric layer's).
   */
  async membersSql(shopId: string, segmentId: string) {
    const rule = await this.compileSaved(shopId, segmentId, 'filter.segment', 'fseg');
    return this.customers.statement(await this.customers.shopOf(shopId), {
      rfm: 'none', rules: [rule], lean: true, select: (joins) => `select f.customer_id from facts f ${joins} where ${rule.where}`,
    });
  }

  // --- For the levers (promotions' audiences, journeys' triggers and conditions, experiments' audiences).

  /** Whether a customer is in a segment now. */
  async isMember(shopId: string, segmentId: string, customerId: string): Promise<boolean> {
    const [members] = await this.customers.matching(shopId, [await this.compileSaved(shopId, segmentId)], [customerId]);
    return members.has(customerId);
  }

  /** Which of these customers are in a segment now. */
  async membersAmong(shopId: string, segmentId: string, customerIds: readonly string[]): Promise<Set<string>> {
    const [members] = await this.customers.matching(shopId, [await this.compileSaved(shopId, segmentId)], customerIds);
    return members;
  }

  /** Whether a customer meets a rule (a journey's condition step): the rule is checked as the API checks it. */
  async matches(shopId: string, rule: SegmentRule, customerId: string): Promise<boolean> {
    const [members] = await this.customers.matching(shopId, [await this.compile(shopId, rule)], [customerId]);
    return members.has(customerId);
  }

  /** The ids of a segment's members, a page at a time (a broadcast walks them all). */
  async memberIds(shopId: string, segmentId: string, page: { limit?: number; cursor?: string } = {}): Promise<{ customerIds: string[]; nextCursor: string | null }> {
    const list = await this.members(shopId, segmentId, { limit: page.limit ?? 1000, cursor: page.cursor }, { reveal: false });
    return { customerIds: list.customers.map((c) => c.externalId), nextCursor: list.nextCursor };
  }

  /** Measures every segment of the shops (a listening server does this in the background, so each day has a point of history). */
  async measureAll(shopIds: readonly string[]) {
    for (const shopId of shopIds) {
      const rows = await this.db.selectFrom('segments').selectAll().where('shop_id', '=', shopId).execute();
      if (rows.length > 0) await this.measured(shopId, rows.map(toSegment));
    }
  }
}
