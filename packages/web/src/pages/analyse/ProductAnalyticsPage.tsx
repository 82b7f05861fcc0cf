import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Card, Col, Row, Segmented, Table, Typography } from 'antd';
import type { ProductAnalyticsResult, ProductLevel, ProductRow } from '@flywheel/contracts';
import { api, queryString } from '../../api/client';
import { useCurrentSession } from '../../api/session';
import { EChart } from '../../charts/EChart';
import { axisFormatter } from '../../charts/options';
import { ExportButtons } from '../../components/ExportButtons';
import { PageHeader } from '../../components/PageHeader';
import { PeriodPicker } from '../../components/PeriodPicker';
import { QueryView } from '../../components/QueryView';
import { addDays } from '../../format/dates';
import { toMajor } from '../../format/numbers';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';
import { usePeriod } from '../../shell/PeriodContext';
import { html } from '../../charts/html';

type Level = ProductLevel;

/** A product by its title (the id beside it where they differ), a category or SKU by its name. */
const nameOf = (row: ProductRow) => row.title ?? row.key;

/** Which products moved sales most against the previous period: gains right, losses left, coloured as the shop colours changes. */
function TopMovers({ movers }: { movers: ProductRow[] }) {
  const format = useFormat();
  const option = useMemo(() => ({
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: (p: { dataIndex: number }[]) => {
      const row = movers[p[0].dataIndex];
      return html`${nameOf(row)}${row.title && row.title !== row.key ? ` (${row.key})` : ''}<br/>${format.money(row.previousSales)} → <b>${format.money(row.sales)}</b>`;
    } },
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', axisLabel: { formatter: axisFormatter('sales', format) } },
    yAxis: { type: 'category', inverse: true, data: movers.map(nameOf), axisLabel: { width: 220, overflow: 'truncate', interval: 0 } },
    series: [{ type: 'bar', data: movers.map((m) => ({ value: toMajor(m.salesChange, format.currency), itemStyle: { color: format.changeColour('sales', m.salesChange) } })) }],
  }), [movers, format]);
  return <EChart name="top-movers" option={option} height={Math.max(200, movers.length * 30 + 30)} />;
}

export function ProductAnalyticsPage() {
  const { t, label } = useI18n();
  const format = useFormat();
  const { shopId } = useCurrentSession();
  const { period } = usePeriod();
  const [level, setLevel] = useState<Level>('spu');
  const path = `/v1/products/analytics${queryString({ from: period.from, to: period.to, level, limit: 200 })}`;
  const query = useQuery({ queryKey: [shopId, 'products', path], queryFn: () => api<ProductAnalyticsResult>(path) });

  const columns = [
    {
      title: t('products.key'), dataIndex: 'key', fixed: 'left' as const,
      render: (_: string, r: ProductRow) => (r.title && r.title !== r.key
        ? <span data-testid="product-name">{r.title} <Typography.Text type="secondary" style={{ fontSize: 12 }}>{r.key}</Typography.Text></span>
        : <span data-testid="product-name">{r.key}</span>),
    },
    { title: t('products.views'), dataIndex: 'views', align: 'right' as const, render: (v: number) => format.count(v) },
    { title: t('products.visitors'), dataIndex: 'visitors', align: 'right' as const, render: (v: number) => format.count(v) },
    { title: t('products.addToCart'), dataIndex: 'addToCart', align: 'right' as const, render: (v: number) => format.count(v) },
    { title: label('metric', 'buyers'), dataIndex: 'buyers', align: 'right' as const, render: (v: number) => format.count(v) },
    { title: t('products.units'), dataIndex: 'units', align: 'right' as const, render: (v: number) => format.count(v) },
    { title: label('metric', 'sales'), dataIndex: 'sales', align: 'right' as const, render: (v: number) => format.money(v), sorter: (a: ProductRow, b: ProductRow) => a.sales - b.sales },
    { title: t('products.change'), dataIndex: 'salesChange', align: 'right' as const, render: (v: number) => <span style={{ color: format.changeColour('sales', v) }} data-testid="product-change">{v > 0 ? '+' : ''}{format.money(v)}</span>, sorter: (a: ProductRow, b: ProductRow) => a.salesChange - b.salesChange },
    { title: t('products.conversion'), dataIndex: 'conversionRate', align: 'right' as const, render: (v: number | null) => format.ratio(v) },
    { title: label('metric', 'refund_rate'), dataIndex: 'refundRate', align: 'right' as const, render: (v: number | null) => format.ratio(v) },
    { title: label('metric', 'gross_margin'), dataIndex: 'grossMargin', align: 'right' as const, render: (v: number | null) => format.ratio(v) },
  ];

  return (
    <div data-testid="products-page">
      <PageHeader
        title={t('products.title')}
        extra={<>
          <Segmented<Level> value={level} onChange={setLevel} options={(['spu', 'sku', 'category'] as const).map((l) => ({ value: l, label: t(`products.level.${l}`) }))} />
          <PeriodPicker withCompare={false} />
        </>}
      />
      <QueryView query={query} isEmpty={(d) => d.items.length === 0 && d.topMovers.length === 0}>
        {(data) => (
          <Row gutter={[12, 12]}>
            <Col span={24}>
              <Card size="small" title={`${t('products.movers')} · ${t('period.vs', { from: data.previous.from, to: addDays(data.previous.to, -1) })}`}><TopMovers movers={data.topMovers} /></Card>
            </Col>
            <Col span={24}>
              <Card size="small" title={t('products.all')} extra={<ExportButtons table={() => ({
                name: `flywheel-products-${level}-${period.from}-${period.to}`,
                headers: [t('products.id'), ...columns.map((c) => c.title)],
                rows: data.items.map((r) => [r.key, nameOf(r), r.views, r.visitors, r.addToCart, r.buyers, r.units, toMajor(r.sales, format.currency), toMajor(r.salesChange, format.currency), r.conversionRate, r.refundRate, r.grossMargin]),
              })} />}>
                <Table size="small" rowKey="key" dataSource={data.items} columns={columns} scroll={{ x: true }} pagination={{ pageSize: 20, hideOnSinglePage: true }} data-testid="products-table" />
              </Card>
            </Col>
          </Row>
        )}
      </QueryView>
    </div>
  );
}
