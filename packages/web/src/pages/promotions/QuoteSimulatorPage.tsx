import { useMemo, useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Descriptions, Flex, Form, Input, InputNumber, List, Row, Table, Tag, Typography } from 'antd';
import type { PricedLine, QuoteResult } from '@flywheel/contracts';
import { api } from '../../api/client';
import { PageHeader } from '../../components/PageHeader';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';
import { MoneyInput, usePromotions } from './shared';

/** "SKU quantity" a line (a tab, spaces, × or x between), as pasted from a spreadsheet. */
export function parseCart(text: string): { items: { sku: string; quantity: number }[]; bad: { line: number; text: string }[] } {
  const items: { sku: string; quantity: number }[] = [];
  const bad: { line: number; text: string }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    const m = /^(\S+)(?:\s*[\s×xX*,，]\s*(\d+))?$/.exec(line);
    if (!m) { bad.push({ line: i + 1, text: line }); return; }
    items.push({ sku: m[1], quantity: m[2] ? Number(m[2]) : 1 });
  });
  return { items, bad };
}

/** 试算: paste a cart, see it priced as a storefront would (the same path as checkout), each line's allocation by source, what applied, what did not and why, and what is close. */
export function QuoteSimulatorPage() {
  const { t, lang } = useI18n();
  const format = useFormat();
  const promotions = usePromotions();
  const [cart, setCart] = useState('');
  const [customerId, setCustomerId] = useState('');
  const [codes, setCodes] = useState('');
  const [points, setPoints] = useState<number | null>(0);
  const [shipping, setShipping] = useState<number | null>(0);
  const parsed = useMemo(() => parseCart(cart), [cart]);
  const names = useMemo(() => new Map((promotions.data?.promotions ?? []).map((p) => [p.id, p.name])), [promotions.data]);
  const sourceName = (source: string) => (source === 'points' ? t('promotions.source.points') : names.get(source) ?? source);
  const quote = useMutation({
    mutationFn: () => api<QuoteResult>(`/v1/pricing/quote?lang=${lang}`, {
      method: 'POST',
      body: {
        items: parsed.items, ...(customerId.trim() ? { customerId: customerId.trim() } : {}),
        couponCodes: codes.split(/[,，\s]+/).map((c) => c.trim()).filter(Boolean), points: points ?? 0, shippingFee: shipping ?? 0,
      },
    }),
  });
  const q = quote.data;
  const off = (v: number) => format.money(v > 0 ? -v : 0);

  return (
    <div data-testid="simulator-page">
      <PageHeader title={t('promotions.sim.title')} />
      <Row gutter={[12, 12]}>
        <Col xs={24} xl={8}>
          <Card size="small">
            <Form layout="vertical">
              <Form.Item label={t('promotions.sim.cart')}>
                <Input.TextArea data-testid="sim-cart" rows={8} value={cart} onChange={(e) => setCart(e.target.value)} placeholder={'DRESS-S 1\nTEE 2'} />
              </Form.Item>
              {parsed.bad.map((b) => <Alert key={b.line} type="warning" showIcon style={{ marginBottom: 8 }} message={t('promotions.sim.badLine', { line: b.line, text: b.text })} />)}
              <Form.Item label={t('promotions.sim.customer')}><Input data-testid="sim-customer" value={customerId} onChange={(e) => setCustomerId(e.target.value)} /></Form.Item>
              <Form.Item label={t('promotions.sim.coupons')}><Input data-testid="sim-coupons" value={codes} onChange={(e) => setCodes(e.target.value)} /></Form.Item>
              <Flex gap={16}>
                <Form.Item label={t('promotions.sim.points')}><InputNumber min={0} precision={0} value={points} onChange={(v) => setPoints(v === null ? null : Number(v))} /></Form.Item>
                <Form.Item label={t('promotions.sim.shipping')}><MoneyInput id="sim-shipping" value={shipping} onChange={setShipping} /></Form.Item>
              </Flex>
              <Button type="primary" block disabled={parsed.items.length === 0} loading={quote.isPending} onClick={() => quote.mutate()} data-testid="sim-run">{t('promotions.sim.run')}</Button>
            </Form>
            {quote.error && <Alert type="error" showIcon style={{ marginTop: 12 }} message={quote.error.message} data-testid="sim-error" />}
          </Card>
        </Col>
        <Col xs={24} xl={16}>
          {q && (
            <>
              <Card size="small" style={{ marginBottom: 12 }}>
                <Descriptions size="small" column={4} data-testid="sim-totals" items={[
                  { key: 's', label: t('promotions.sim.subtotal'), children: format.money(q.subtotal) },
                  { key: 'i', label: t('promotions.sim.itemDiscount'), children: off(q.itemDiscount) },
                  { key: 'o', label: t('promotions.sim.orderDiscount'), children: off(q.orderDiscount) },
                  { key: 'c', label: t('promotions.sim.couponDiscount'), children: off(q.couponDiscount) },
                  { key: 'p', label: t('promotions.sim.pointsDeduction'), children: off(q.pointsDeduction) },
                  { key: 'f', label: t('promotions.sim.shippingFee'), children: format.money(q.shippingFee) },
                  { key: 't', label: t('promotions.sim.total'), children: <Typography.Text strong data-testid="sim-total">{format.money(q.total)}</Typography.Text> },
                ]} />
              </Card>
              <Card size="small" style={{ marginBottom: 12 }}>
                <Table size="small" rowKey={(l) => `${l.sku}-${l.gift}`} pagination={false} dataSource={q.lines} data-testid="sim-lines"
                  expandable={{ expandedRowRender: (l: PricedLine) => (
                    <Table size="small" rowKey={(_, i) => String(i)} pagination={false} dataSource={l.units.map((u, i) => ({ ...u, n: i + 1 }))} columns={[
                      { title: '#', dataIndex: 'n', render: (n: number) => t('promotions.sim.unit', { n }) },
                      { title: t('promotions.sim.col.discount'), dataIndex: 'discount', align: 'right' as const, render: (v: number) => format.money(v) },
                      { title: t('promotions.sim.col.allocations'), key: 'a', render: (_: unknown, u: PricedLine['units'][number]) => u.allocations.map((a) => `${sourceName(a.source)} ${format.money(a.amount)}`).join(t('app.listSeparator')) },
                    ]} />
                  ), rowExpandable: (l: PricedLine) => l.units.length > 0 && !l.gift }}
                  columns={[
                    { title: t('promotions.sim.col.sku'), dataIndex: 'sku', render: (sku: string, l: PricedLine) => <>{sku} {l.gift && <Tag color="magenta">{t('promotions.sim.gift')}</Tag>}</> },
                    { title: t('promotions.sim.col.quantity'), dataIndex: 'quantity', align: 'right' as const },
                    { title: t('promotions.sim.col.unitPrice'), dataIndex: 'unitPrice', align: 'right' as const, render: (v: number) => format.money(v) },
                    { title: t('promotions.sim.col.discount'), dataIndex: 'discount', align: 'right' as const, render: (v: number) => format.money(v) },
                    { title: t('promotions.sim.col.total'), dataIndex: 'total', align: 'right' as const, render: (v: number) => format.money(v) },
                    { title: t('promotions.sim.col.allocations'), key: 'allocations', render: (_: unknown, l: PricedLine) => (
                      <Flex gap={4} wrap data-testid="sim-allocation">{l.allocations.filter((a) => a.amount > 0).map((a) => <Tag key={a.source}>{sourceName(a.source)} {format.money(a.amount)}</Tag>)}</Flex>
                    ) },
                  ]} />
              </Card>
              <Row gutter={[12, 12]}>
                <Col xs={24} md={8}>
                  <Card size="small" title={t('promotions.sim.applied')}>
                    <List size="small" data-testid="sim-applied" dataSource={q.applied} renderItem={(a) => <List.Item>{a.name} <Typography.Text strong>{format.money(a.amount)}</Typography.Text></List.Item>} />
                  </Card>
                </Col>
                <Col xs={24} md={8}>
                  <Card size="small" title={t('promotions.sim.notApplied')}>
                    <List size="small" data-testid="sim-not-applied" dataSource={q.notApplied} renderItem={(n) => <List.Item><TextIn item={n} /></List.Item>} />
                  </Card>
                </Col>
                <Col xs={24} md={8}>
                  <Card size="small" title={t('promotions.sim.hints')}>
                    <List size="small" data-testid="sim-hints" dataSource={q.hints} renderItem={(h) => <List.Item><TextIn item={h} /></List.Item>} />
                  </Card>
                </Col>
              </Row>
            </>
          )}
        </Col>
      </Row>
    </div>
  );
}

/** A server text in the console's language (the server's message when the console has no key for it). */
function TextIn({ item }: { item: { text: QuoteResult['hints'][number]['text']; message: string } }) {
  const { text } = useI18n();
  return <>{text(item.text, item.message)}</>;
}
