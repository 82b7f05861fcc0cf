import { lazy, Suspense, type ComponentType } from 'react';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, Spin } from 'antd';
import antdZhCN from 'antd/locale/zh_CN';
import antdEnUS from 'antd/locale/en_US';
import { ApiError } from './api/client';
import { SessionProvider } from './api/session';
import { I18nProvider, useI18n } from './i18n/i18n';
import { AppShell } from './shell/AppShell';
import { AcceptInvitationPage } from './shell/AcceptInvitationPage';
import { LoginPage } from './shell/LoginPage';
import { NotFoundPage } from './shell/NotFoundPage';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 60_000,
      refetchOnWindowFocus: false,
      // A 4xx will not get better by asking again.
      retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
    },
  },
});

/** Each page is its own chunk, loaded when first visited. */
function page<M>(load: () => Promise<M>, name: keyof M) {
  const Page = lazy(async () => ({ default: (await load())[name] as ComponentType }));
  return (
    <Suspense fallback={<Spin style={{ display: 'block', margin: '80px auto' }} />}>
      <Page />
    </Suspense>
  );
}

const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  { path: '/accept-invitation', element: <AcceptInvitationPage /> },
  {
    path: '/',
    element: <AppShell />,
    children: [
      { index: true, element: <Navigate to="/overview" replace /> },
      { path: 'overview', element: page(() => import('./pages/overview/OverviewPage'), 'OverviewPage') },
      { path: 'live', element: page(() => import('./pages/live/LivePage'), 'LivePage') },
      { path: 'analyse/metrics', element: page(() => import('./pages/analyse/MetricExplorerPage'), 'MetricExplorerPage') },
      { path: 'analyse/funnels', element: page(() => import('./pages/analyse/FunnelPage'), 'FunnelPage') },
      { path: 'analyse/cohorts', element: page(() => import('./pages/analyse/CohortPage'), 'CohortPage') },
      { path: 'analyse/attribution', element: page(() => import('./pages/analyse/AttributionPage'), 'AttributionPage') },
      { path: 'analyse/products', element: page(() => import('./pages/analyse/ProductAnalyticsPage'), 'ProductAnalyticsPage') },
      { path: 'customers', element: page(() => import('./pages/customers/CustomersPage'), 'CustomersPage') },
      { path: 'customers/layers', element: page(() => import('./pages/customers/CustomerLayersPage'), 'CustomerLayersPage') },
      { path: 'customers/segments', element: page(() => import('./pages/customers/SegmentsPage'), 'SegmentsPage') },
      { path: 'customers/:externalId', element: page(() => import('./pages/customers/CustomerProfilePage'), 'CustomerProfilePage') },
      { path: 'promotions', element: page(() => import('./pages/promotions/PromotionsPage'), 'PromotionsPage') },
      { path: 'promotions/coupons', element: page(() => import('./pages/promotions/CouponTemplatesPage'), 'CouponTemplatesPage') },
      { path: 'promotions/simulator', element: page(() => import('./pages/promotions/QuoteSimulatorPage'), 'QuoteSimulatorPage') },
      { path: 'promotions/flash-sales', element: page(() => import('./pages/campaigns/FlashSalesPage'), 'FlashSalesPage') },
      { path: 'loyalty', element: page(() => import('./pages/loyalty/LoyaltyPage'), 'LoyaltyPage') },
      { path: 'plan', element: page(() => import('./pages/plan/PlanPage'), 'PlanPage') },
      { path: 'review', element: page(() => import('./pages/review/ReviewPage'), 'ReviewPage') },
      { path: 'data/import', element: page(() => import('./pages/data/ImportPage'), 'ImportPage') },
      { path: 'data/api-keys', element: page(() => import('./pages/data/ApiKeysPage'), 'ApiKeysPage') },
      { path: 'data/tracking', element: page(() => import('./pages/data/TrackingSnippetPage'), 'TrackingSnippetPage') },
      { path: 'data/events', element: page(() => import('./pages/data/EventDebuggerPage'), 'EventDebuggerPage') },
      { path: 'settings/shop', element: page(() => import('./pages/settings/ShopSettingsPage'), 'ShopSettingsPage') },
      { path: 'settings/channels', element: page(() => import('./pages/settings/ChannelMappingPage'), 'ChannelMappingPage') },
      { path: 'settings/operators', element: page(() => import('./pages/settings/OperatorsPage'), 'OperatorsPage') },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);

function LocalisedApp() {
  const { lang } = useI18n();
  return (
    <ConfigProvider locale={lang === 'zh-CN' ? antdZhCN : antdEnUS} theme={{ token: { colorPrimary: '#1677ff', borderRadius: 6 } }}>
      <AntApp>
        <SessionProvider>
          <RouterProvider router={router} />
        </SessionProvider>
      </AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <LocalisedApp />
      </I18nProvider>
    </QueryClientProvider>
  );
}
