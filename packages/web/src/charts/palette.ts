import { channels } from '@flywheel/contracts';

/**
 * One colour per channel, distinct for all twelve (ECharts' default palette has nine, so 私域 and 直接访问
 * shared a blue), and the same in every chart: a channel is recognised by its colour from page to page.
 */
const channelPalette = ['#5470c6', '#91cc75', '#fac858', '#ee6666', '#73c0de', '#3ba272', '#fc8452', '#9a60b4', '#ea7ccc', '#2f4554', '#b8860b', '#8c8c8c'];
const channelIndex = new Map<string, number>(channels.map((c, i) => [c, i]));

export function channelColour(channel: string): string {
  return channelPalette[channelIndex.get(channel) ?? channelPalette.length - 1];
}

/** Every distinct colour the channels are drawn in (for a test that no two share one). */
export const channelColours = (): string[] => channels.map(channelColour);
