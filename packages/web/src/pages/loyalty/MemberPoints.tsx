import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Col, Descriptions, Input, Row, Statistic, Table, Tag, Timeline, Typography } from 'antd';
import type { CustomerPoints, LoyaltyMember, PointsEntry } from '@flywheel/contracts';
import { api } from '../../api/client';
import { useCurrentSession } from '../../api/session';
import { QueryView } from '../../components/QueryView';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';

/**
 * 会员积分明细: a member's tier, growth value and tier history, balances, what expires when, and the
 * points ledger. With `onSearch` (the 会员 page) it asks whom to show; on a customer's profile it shows them.
 */
export function MemberPoints({ customerId, onSearch }: { customerId: string | null; onSearch?: (id: string | null) => void }) {
  const { t } = useI18n();
  const format = useFormat();
  const { shopId } = useCurrentSession();
  const path = (p: string) => `/v1/${p}/${encodeURIComponent(customerId ?? '')}`;
  const member = useQuery({ queryKey: [shopId, 'loyalty', 'member', customerId], enabled: !!customerId, queryFn: () => api<LoyaltyMember>(path('loyalty/members')) });
  const points = useQuery({ queryKey: [shopId, 'loyalty', 'points', customerId], enabled: !!customerId, queryFn: () => api<CustomerPoints>(`${path('customers')}/points`) });
  const tierName = (key: string | null, m: LoyaltyMember) => (key === m.tier ? m.tierName : key ?? '—');

  return (
    <Card size="small" title={t('loyalty.member')} data-testid="loyalty-member">
      {onSearch && (
        <Input.Search allowClear enterButton={t('loyalty.member.search')} placeholder={t('loyalty.member.placeholder')} defaultValue={customerId ?? ''}
          onSearch={(v) => onSearch(v.trim() || null)} style={{ maxWidth: 420, marginBottom: 12 }} data-testid="loyalty-member-search" />
      )}
      {!customerId && <Typography.Paragraph type="secondary">{t('loyalty.member.hint')}</Typography.Paragraph>}
      {customerId && (
        <QueryView query={member}>
          {(m) => (
            <>
              <Descriptions size="small" column={{ xs: 1, md: 3 }} data-testid="loyalty-member-tier">
                <Descriptions.Item label={t('loyalty.tier')}><Tag color="gold">{m.tierName}</Tag> <Typography.Text type="secondary">{t('loyalty.member.since', { since: format.timestamp(m.tierSince) })}</Typography.Text></Descriptions.Item>
                <Descriptions.Item label={t('loyalty.member.growth')}>{format.count(m.growth)}</Descriptions.Item>
                <Descriptions.Item label={t('loyalty.minGrowth')}>{m.nextTier ? t('loyalty.member.next', { tier: m.nextTier.name, missing: format.count(m.nextTier.missing) }) : t('loyalty.member.top')}</Descriptions.Item>
              </Descriptions>
              {m.downgradeReviewAt && <Alert type="warning" showIcon style={{ marginBottom: 12 }} message={t('loyalty.member.downgrade', { at: format.timestamp(m.downgradeReviewAt) })} />}
              {m.changes.length > 0 && (
                <>
                  <Typography.Text strong>{t('loyalty.history')}</Typography.Text>
                  <Timeline style={{ marginTop: 8 }} items={m.changes.slice(0, 8).map((c) => ({
                    children: <span>{format.timestamp(c.at)} · {t(`loyalty.reason.${c.reason}`)} · {t('loyalty.history.item', { from: tierName(c.from, m), to: tierName(c.to, m), growth: format.count(c.growth) })}</span>,
                  }))} />
                </>
              )}
            </>
          )}
        </QueryView>
      )}
      {customerId && (
        <QueryView query={points}>
          {(p) => (
            <>
              <Row gutter={12} style={{ marginBottom: 12 }} data-testid="loyalty-member-balance">
                <Col span={8}><Statistic title={t('loyalty.available')} value={format.count(p.available)} /></Col>
                <Col span={8}><Statistic title={t('loyalty.pending')} value={format.count(p.pending)} /></Col>
                <Col span={8}><Statistic title={t('loyalty.owed')} value={format.count(p.owed)} /></Col>
              </Row>
              {p.expiring.length > 0 && (
                <Typography.Paragraph type="secondary" data-testid="loyalty-member-expiring">
                  {t('loyalty.expiring')}：{p.expiring.slice(0, 3).map((e) => t('loyalty.expiringItem', { amount: format.count(e.amount), at: format.timestamp(e.expiresAt) })).join(t('app.listSeparator'))}
                </Typography.Paragraph>
              )}
              <Typography.Text strong>{t('loyalty.ledger')}</Typography.Text>
              <Table<PointsEntry> size="small" rowKey="id" dataSource={p.ledger} pagination={{ pageSize: 20, hideOnSinglePage: true }} style={{ marginTop: 8 }} data-testid="loyalty-ledger" columns={[
                { title: t('loyalty.ledger.createdAt'), dataIndex: 'createdAt', render: (v: string) => format.timestamp(v) },
                { title: t('loyalty.ledger.kind'), dataIndex: 'kind', render: (k: PointsEntry['kind']) => t(`loyalty.kind.${k}`) },
                { title: t('loyalty.ledger.amount'), dataIndex: 'amount', align: 'right' as const, render: (v: number) => <span style={{ color: format.changeColour('sales', v) }}>{v > 0 ? '+' : ''}{format.count(v)}</span> },
                { title: t('loyalty.ledger.source'), dataIndex: 'source' },
                { title: t('loyalty.ledger.expiresAt'), dataIndex: 'expiresAt', render: (v: string | null) => (v ? format.timestamp(v) : '—') },
              ]} />
            </>
          )}
        </QueryView>
      )}
    </Card>
  );
}
