import { useQuery } from '@tanstack/react-query';
import { Card, Table, Tag } from 'antd';
import type { CustomerCoupon } from '@flywheel/contracts';
import { api } from '../../api/client';
import { useCurrentSession } from '../../api/session';
import { QueryView } from '../../components/QueryView';
import { useFormat } from '../../format/useFormat';
import { useI18n } from '../../i18n/i18n';
import { couponDiscountText, shortMoney } from './shared';

const stateColours: Record<CustomerCoupon['state'], string | undefined> = { available: 'blue', held: 'orange', redeemed: 'green', expired: undefined };

/** A customer's coupons (客户的优惠券) on their profile: what they hold, what they used on which order, what expired. */
export function CustomerCoupons({ customerId }: { customerId: string }) {
  const { t } = useI18n();
  const format = useFormat();
  const { shopId } = useCurrentSession();
  const query = useQuery({ queryKey: [shopId, 'coupons', customerId], queryFn: () => api<{ coupons: CustomerCoupon[] }>(`/v1/coupons?customerId=${encodeURIComponent(customerId)}`) });
  return (
    <Card size="small" title={t('promotions.customerCoupons.title')} data-testid="customer-coupons">
      <QueryView query={query}>
        {({ coupons }) => (
          <Table<CustomerCoupon> size="small" rowKey="code" dataSource={coupons} pagination={{ pageSize: 10, hideOnSinglePage: true }} locale={{ emptyText: t('promotions.customerCoupons.none') }} columns={[
            { title: t('promotions.coupons.col.name'), dataIndex: 'name' },
            { title: t('promotions.coupons.col.discount'), key: 'discount', render: (_: unknown, c) => couponDiscountText(c.discount, t, format) },
            { title: t('promotions.coupons.col.minSpend'), dataIndex: 'minSpend', render: (v: number) => (v > 0 ? shortMoney(format, v) : t('promotions.coupons.noMinSpend')) },
            { title: t('promotions.customerCoupons.state'), dataIndex: 'state', render: (s: CustomerCoupon['state']) => <Tag color={stateColours[s]}>{t(`promotions.couponState.${s}`)}</Tag> },
            { title: t('promotions.customerCoupons.expiresAt'), dataIndex: 'expiresAt', render: (v: string) => format.timestamp(v) },
            { title: t('promotions.customerCoupons.order'), dataIndex: 'orderId', render: (v: string | null) => v ?? '—' },
          ]} />
        )}
      </QueryView>
    </Card>
  );
}
