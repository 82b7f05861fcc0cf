/**
 * Marketing spend (投放花费) of a day, from the traffic it bought: paid clicks at the day's CPC
 * (higher in big sales), KOL fees on post days, CPS commission on affiliate sales, 老带新 rewards,
 * and what 私域, 内容种草, email and SMS cost per visit. So CAC and ROAS follow the traffic.
 */
import type { Channel, SpendRecord } from '@flywheel/contracts';
import type { DayContext } from './day';
import type { Rng } from './random';
import type { TrafficPlan } from './traffic';
import { affiliateCommission, channelIndex, channelProfiles, clickThroughRate, costPerClick, costPerSession, kocCostPerVisit, kolCostPerVisit, referralReward } from './traffic';

/** Marketing spend of the day: paid clicks at the day's CPC, KOL fees on post days, CPS commission, 私域/触达 costs. */
export function marketingSpend(day: DayContext, plan: TrafficPlan, rng: Rng): SpendRecord[] {
  const out: SpendRecord[] = [];
  const profile = day.profile;
  const jitter = () => rng.uniform(0.9, 1.1);
  for (const { channelId, campaign, sessions } of day.sessionCounts()) {
    const channel = channelProfiles[channelId].channel;
    const cpc = costPerClick[channel];
    const ctr = clickThroughRate[channel];
    if (cpc) {
      const clicks = Math.round(sessions * rng.uniform(1.05, 1.2));
      out.push({ date: day.date, channel, campaign, amount: Math.round(clicks * cpc * profile.adCostIndex * jitter()), impressions: Math.round(clicks / ((ctr ?? 0.02) * jitter())), clicks });
    } else if (costPerSession[channel]) {
      const record: SpendRecord = { date: day.date, channel, campaign, amount: Math.round(sessions * (costPerSession[channel] ?? 0) * jitter()) };
      if (ctr) {
        record.clicks = sessions;
        record.impressions = Math.round(sessions / ctr);
      }
      out.push(record);
    } else if (channel === 'kol') {
      // Seeding with small creators (KOC) every day; the big posts are paid below.
      out.push({ date: day.date, channel, campaign, amount: Math.round(sessions * kocCostPerVisit * jitter()), clicks: sessions, impressions: Math.round(sessions / (ctr ?? 0.02)) });
    }
  }
  for (const post of plan.posts) {
    if (post.day !== day.index) continue;
    const ordinaryKolVisits = day.sessionsToday * day.ordinaryKolShare;
    const visits = ordinaryKolVisits * post.size * 1.65;
    // The fee is paid on the post day for the visits it brings over the next days; its clicks show up as sessions.
    out.push({ date: day.date, channel: 'kol', campaign: profile.campaign ?? 'always_on', amount: Math.round(visits * kolCostPerVisit * jitter()), impressions: Math.round(visits / 0.02) });
  }
  for (const [campaign, sales] of day.affiliateSales) out.push({ date: day.date, channel: 'affiliate', campaign, amount: Math.round(sales * affiliateCommission) });
  if (day.referralNewBuyers > 0) out.push({ date: day.date, channel: 'referral', campaign: '老带新', amount: day.referralNewBuyers * referralReward });
  // One record per (channel, campaign): merge the KOL post fee into the day's KOL record.
  const merged = new Map<string, SpendRecord>();
  for (const record of out) {
    if (record.amount <= 0) continue;
    const key = `${record.channel}\u0000${record.campaign}`;
    const existing = merged.get(key);
    if (!existing) merged.set(key, record);
    else {
      existing.amount += record.amount;
      if (record.clicks !== undefined) existing.clicks = (existing.clicks ?? 0) + record.clicks;
      if (record.impressions !== undefined) existing.impressions = (existing.impressions ?? 0) + record.impressions;
    }
  }
  return [...merged.values()].sort((a, b) => (channelIndex.get(a.channel as Channel) ?? 0) - (channelIndex.get(b.channel as Channel) ?? 0) || (a.campaign < b.campaign ? -1 : a.campaign > b.campaign ? 1 : 0));
}
