import { useState } from 'react';
import { Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { Button, Flex, Layout, Menu, Spin, Tag, Typography, type MenuProps } from 'antd';
import { useCurrentSession, useSession, useShop } from '../api/session';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { ShopSettingsProvider } from '../format/useFormat';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { LanguageSwitch } from './LanguageSwitch';
import { PeriodProvider } from './PeriodContext';
import { ShopSwitcher } from './ShopSwitcher';

interface NavEntry { path: string; label: MessageKey; children?: NavEntry[] }

/** The console's map: measure, plan, review, data and settings. */
const navigation: NavEntry[] = [
  { path: '/overview', label: 'nav.overview' },
  { path: '/live', label: 'nav.live' },
  {
    path: '/analyse', label: 'nav.analyse', children: [
      { path: '/analyse/metrics', label: 'nav.metrics' },
      { path: '/analyse/funnels', label: 'nav.funnels' },
      { path: '/analyse/cohorts', label: 'nav.cohorts' },
      { path: '/analyse/attribution', label: 'nav.attribution' },
      { path: '/analyse/products', label: 'nav.products' },
    ],
  },
  {
    path: '/customers', label: 'customers.nav', children: [
      { path: '/customers', label: 'customers.nav.list' },
      { path: '/customers/layers', label: 'customers.nav.layers' },
      { path: '/customers/segments', label: 'customers.nav.segments' },
    ],
  },
  { path: '/promotions', label: 'promotions.nav', children: [{ path: '/promotions', label: 'promotions.nav.list' }, { path: '/promotions/coupons', label: 'promotions.nav.coupons' }, { path: '/promotions/simulator', label: 'promotions.nav.simulator' }, { path: '/promotions/flash-sales', label: 'promotions.nav.flashSales' }] },
  { path: '/loyalty', label: 'loyalty.nav' },
  { path: '/plan', label: 'nav.plan' },
  { path: '/review', label: 'nav.review' },
  {
    path: '/data', label: 'nav.data', children: [
      { path: '/data/import', label: 'nav.import' },
      { path: '/data/api-keys', label: 'nav.apiKeys' },
      { path: '/data/tracking', label: 'nav.tracking' },
      { path: '/data/events', label: 'nav.events' },
    ],
  },
  {
    path: '/settings', label: 'nav.settings', children: [
      { path: '/settings/shop', label: 'nav.shop' },
      { path: '/settings/channels', label: 'nav.channels' },
      { path: '/settings/operators', label: 'nav.operators' },
    ],
  },
];

function ShopArea() {
  const shop = useShop();
  if (shop.isPending) return <Spin style={{ display: 'block', margin: '80px auto' }} />;
  if (shop.isError) return <ApiErrorAlert error={shop.error} onRetry={() => shop.refetch()} />;
  return (
    <ShopSettingsProvider shop={shop.data}>
      <PeriodProvider>
        <Outlet />
      </PeriodProvider>
    </ShopSettingsProvider>
  );
}

export function AppShell() {
  const { session, logout } = useSession();
  const location = useLocation();
  if (!session) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  return <SignedInShell onLogout={logout} />;
}

function SignedInShell({ onLogout }: { onLogout: () => Promise<void> }) {
  const { t, label } = useI18n();
  const session = useCurrentSession();
  const location = useLocation();
  const navigate = useNavigate();
  const [openKeys, setOpenKeys] = useState(() => navigation.filter((n) => n.children && location.pathname.startsWith(n.path)).map((n) => n.path));

  const items: MenuProps['items'] = navigation.map((entry) => ({
    key: entry.path,
    label: t(entry.label),
    children: entry.children?.map((child) => ({ key: child.path, label: t(child.label) })),
  }));

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider width={208} theme="light" style={{ borderRight: '1px solid #f0f0f0' }}>
        <Typography.Title level={5} style={{ padding: '16px 24px', margin: 0 }}>{t('app.name')}</Typography.Title>
        <Menu
          mode="inline"
          data-testid="navigation"
          selectedKeys={[location.pathname]}
          openKeys={openKeys}
          onOpenChange={setOpenKeys}
          items={items}
          onClick={({ key }) => navigate(key)}
          style={{ borderInlineEnd: 'none' }}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: '#fff', padding: '0 24px', borderBottom: '1px solid #f0f0f0' }}>
          <Flex justify="flex-end" align="center" gap={12} style={{ height: '100%' }}>
            <ShopSwitcher />
            <Tag color={session.role === 'viewer' ? 'default' : 'blue'} data-testid="role">{label('role', session.role)}</Tag>
            <Typography.Text type="secondary" data-testid="operator-name" title={session.operator.email}>{session.operator.name.trim() || session.operator.email}</Typography.Text>
            <LanguageSwitch />
            <Button size="small" onClick={() => void onLogout()}>{t('shell.logout')}</Button>
          </Flex>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          <ShopArea />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
