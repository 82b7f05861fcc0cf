import type { z } from 'zod';
import type { tagsRequest } from '@flywheel/contracts';
import type { Db } from '../../platform/db';
import { FlywheelError } from '../../platform/errors';
import { enqueue } from '../../platform/outbox';
import type { TagsChanged } from './projection';
import type { SegmentService } from './segments';
import type { CustomerService } from './service';

/** The most customers one call tags (a larger segment is tagged in parts, or better, used as a segment). */
export const MAX_TAGGED = 100_000;
const CHUNK = 500;

/**
 * Tags by hand, per customer or for a whole segment. A customer's tags are those of the shop's own
 * records (the `tags` field, imported) plus those added here, minus those removed here; a removal
 * hides an imported tag too, until the tag is added here again. Each change reaches the analytics
 * store through the outbox (`customer.tags_changed`), where segments and the list read it; the call
 * answers once it has.
 */
export class TagService {
  constructor(
    private readonly db: Db,
    private readonly customers: CustomerService,
    private readonly segments: SegmentService,
    /** Projects the change before answering, so the list and segments read it back at once. */
    private readonly drainOutbox: () => Promise<unknown>,
  ) {}

  async apply(shopId: string, request: z.infer<typeof tagsRequest>, actor: string) {
    const ids = request.segment ? await this.segmentMembers(shopId, request.segment) : [...new Set(request.customerIds!)];
    if (request.customerIds) await this.checkKnown(shopId, request.customerIds);
    const changes = [...request.add.map((tag) => ({ tag, state: 'added' })), ...request.remove.map((tag) => ({ tag, state: 'removed' }))];
    const now = new Date();
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < ids.length; i += CHUNK) {
        const chunk = ids.slice(i, i + CHUNK);
        await trx.insertInto('customer_tags')
          .values(chunk.flatMap((customerId) => changes.map((c) => ({ shop_id: shopId, customer_id: customerId, tag: c.tag, state: c.state, updated_at: now, updated_by: actor }))))
          .onConflict((oc) => oc.columns(['shop_id', 'customer_id', 'tag']).doUpdateSet((eb) => ({ state: eb.ref('excluded.state'), updated_at: now, updated_by: actor })))
          .execute();
        const rows = await trx.selectFrom('customer_tags').select(['customer_id', 'tag', 'state']).where('shop_id', '=', shopId).where('customer_id', 'in', chunk).orderBy('tag').execute();
        const state = new Map<string, TagsChanged>(chunk.map((id) => [id, { customerId: id, added: [], removed: [] }]));
        for (const r of rows) state.get(r.customer_id)![r.state === 'added' ? 'added' : 'removed'].push(r.tag);
        await enqueue(trx, shopId, [...state.values()].map((payload) => ({ topic: 'customer.tags_changed', key: payload.customerId, payload })));
      }
    });
    await this.drainOutbox();
    return { customers: ids.length, added: request.add, removed: request.remove };
  }

  private async segmentMembers(shopId: string, segmentId: string): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.segments.memberIds(shopId, segmentId, { limit: 1000, cursor });
      ids.push(...page.customerIds);
      if (ids.length > MAX_TAGGED) throw new FlywheelError('invalid_field', `segment: has more than ${MAX_TAGGED.toLocaleString('en')} members; tag at most that many at once`, 'segment');
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return ids;
  }

  /** Tags go to people the shop knows (a customer record, or orders): an unknown id is named. */
  private async checkKnown(shopId: string, customerIds: readonly string[]) {
    const shop = await this.customers.shopOf(shopId);
    const known = new Set((await this.customers.facts<{ customer_id: string }>(shop, { rfm: 'none', only: customerIds, lean: true, select: () => 'select customer_id from facts f' })).map((r) => r.customer_id));
    const unknown = customerIds.findIndex((id) => !known.has(id));
    if (unknown >= 0) throw new FlywheelError('unknown_reference', `customerIds[${unknown}]: no customer ${customerIds[unknown]} in this shop`, `customerIds[${unknown}]`);
  }

  /** Every tag in use, with how many customers carry it. */
  async counts(shopId: string) {
    const shop = await this.customers.shopOf(shopId);
    const rows = await this.customers.facts<{ tag: string; n: number }>(shop, { rfm: 'none', select: () => `select tag, count(*) as n from (select unnest(f.tags) as tag from facts f) group by tag order by n desc, tag` });
    return { tags: rows.map((r) => ({ tag: r.tag, customers: Number(r.n) })) };
  }
}
