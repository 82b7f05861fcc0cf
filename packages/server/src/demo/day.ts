/** One simulated day: its calendar, channel and category mix, and what its sessions produce. */
import type { OrderRecord } from '@flywheel/contracts';
import type { DayProfile } from './calendar';
import { demoCategories, fromDayNumber } from './calendar';
import { categoryShare } from './catalog';
import type { DemoCheckout } from './pricing';
import { SEGMENTS, segmentAffinity } from './people';
import { WeightedTable } from './random';
import { DayStream } from './session';
import type { TrafficPlan } from './traffic';
import { channelIndex, channelProfiles } from './traffic';

/** What is the same for every session of one day: channel mix, category mix, the streams being filled. */
export class DayContext {
  readonly index: number;
  readonly absolute: number;
  readonly date: string;
  readonly compactDate: string;
  readonly profile: DayProfile;
  readonly stream = new DayStream();
  readonly orders: OrderRecord[] = [];
  /** The day's orders priced with a promotion or coupon, for the loader to check out through the promotions module. */
  readonly checkouts: DemoCheckout[] = [];
  /** Sessions per channel and utm_campaign (none, always_on, the day's campaign), for spend. */
  private readonly sessionsByCampaign = new Int32Array(channelProfiles.length * 3);
  readonly affiliateSales = new Map<string, number>();
  referralNewBuyers = 0;
  sessionsToday = 0;
  /** Share of sessions per channel today, and the day's expected session -> purchase conversion. */
  readonly visitShare: Float64Array;
  readonly expectedConversion: number;
  /** KOL's share of sessions on an ordinary day (to price a post by the traffic it brings). */
  readonly ordinaryKolShare: number;
  readonly visitChannels: WeightedTable;
  readonly newBuyerChannels: WeightedTable;
  readonly loyalChannels: WeightedTable;
  readonly browseCategories: WeightedTable;
  readonly segmentCategories: WeightedTable[];

  constructor(plan: TrafficPlan, d: number, absoluteDay: number, profile: DayProfile) {
    this.index = d;
    this.absolute = absoluteDay;
    this.date = fromDayNumber(absoluteDay);
    this.compactDate = this.date.replaceAll('-', '');
    this.profile = profile;
    const visits = channelProfiles.map((p, c) => p.visits * plan.boost(d, c));
    const total = visits.reduce((a, b) => a + b, 0);
    this.visitShare = Float64Array.from(visits, (v) => v / total);
    const lift = this.profile.conversionLift;
    this.expectedConversion = channelProfiles.reduce((sum, p, c) => sum + this.visitShare[c] * Math.min(0.9, p.conversion * lift), 0);
    this.ordinaryKolShare = channelProfiles[channelIndex.get('kol') ?? 0].visits / total;
    this.visitChannels = new WeightedTable(visits);
    this.newBuyerChannels = new WeightedTable(channelProfiles.map((p, c) => visits[c] * p.conversion));
    this.loyalChannels = new WeightedTable(channelProfiles.map((p, c) => p.loyal * plan.boost(d, c)));
    const boost = this.profile.categoryBoost;
    this.browseCategories = new WeightedTable(demoCategories.map((c) => categoryShare(c) * boost[c]));
    this.segmentCategories = Array.from({ length: SEGMENTS }, (_, segment) => new WeightedTable(demoCategories.map((c) => categoryShare(c) * boost[c] * segmentAffinity(segment, c))));
  }

  countSession(channel: number, campaign: string): void {
    const slot = campaign === '' ? 0 : campaign === 'always_on' ? 1 : 2;
    this.sessionsByCampaign[channel * 3 + slot]++;
    this.sessionsToday++;
  }

  sessionCounts(): { channelId: number; campaign: string; sessions: number }[] {
    const out: { channelId: number; campaign: string; sessions: number }[] = [];
    channelProfiles.forEach((_, channelId) => {
      ['', 'always_on', this.profile.campaign ?? ''].forEach((campaign, slot) => {
        const sessions = this.sessionsByCampaign[channelId * 3 + slot];
        if (sessions > 0) out.push({ channelId, campaign, sessions });
      });
    });
    return out;
  }

  recordSale(channel: number, order: OrderRecord, isNew: boolean): void {
    const name = channelProfiles[channel].channel;
    if (name === 'affiliate') {
      const campaign = order.campaign ?? 'always_on';
      this.affiliateSales.set(campaign, (this.affiliateSales.get(campaign) ?? 0) + (order.paidAmount ?? 0));
    }
    if (name === 'referral' && isNew) this.referralNewBuyers++;
  }
}
