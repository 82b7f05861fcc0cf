import { Flex, Tooltip, Typography } from 'antd';
import type { FlashSale } from '@flywheel/contracts';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';

/**
 * Stock is neither good nor bad, so the bar is drawn in the console's blue rather than in red or green
 * (red is "up" in China): sold in full blue, reserved (held for payment) in light blue, remaining as
 * the grey track.
 */
export const stockColours = { sold: '#1677ff', reserved: '#91caff', remaining: '#f0f0f0' } as const;

/**
 * A flash sale's stock at a glance: sold / reserved / remaining out of its stock. The parts need not
 * fill the bar: units given back by an expired hold are on their way to `remaining` for a moment.
 */
export function StockBar({ sale }: { sale: Pick<FlashSale, 'stock' | 'sold' | 'reserved' | 'remaining'> }) {
  const { t } = useI18n();
  const format = useFormat();
  const share = (units: number) => `${sale.stock > 0 ? Math.max(0, Math.min(1, units / sale.stock)) * 100 : 0}%`;
  const parts = [
    { key: 'sold', units: sale.sold, colour: stockColours.sold },
    { key: 'reserved', units: sale.reserved, colour: stockColours.reserved },
  ] as const;
  const summary = t('flashSales.stock.summary', { sold: format.count(sale.sold), reserved: format.count(sale.reserved), remaining: format.count(sale.remaining), stock: format.count(sale.stock) });
  return (
    <div data-testid="stock-bar" data-sold={sale.sold} data-reserved={sale.reserved} data-remaining={sale.remaining} style={{ minWidth: 220 }}>
      <Tooltip title={summary}>
        <Flex role="img" aria-label={summary} style={{ height: 10, background: stockColours.remaining, borderRadius: 5, overflow: 'hidden', margin: '4px 0' }}>
          {parts.map((p) => <div key={p.key} data-part={p.key} style={{ width: share(p.units), background: p.colour, transition: 'width 0.4s' }} />)}
        </Flex>
      </Tooltip>
      <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="stock-summary">{summary}</Typography.Text>
    </div>
  );
}
