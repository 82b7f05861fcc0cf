import { useEffect, useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { Button, Card, Flex, Form, Input, Typography } from 'antd';
import { useSession } from '../api/session';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { useI18n } from '../i18n/i18n';
import { LanguageSwitch } from './LanguageSwitch';

interface LoginForm { email: string; password: string }

export function LoginPage() {
  const { t } = useI18n();
  const { session, login } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const back = (location.state as { from?: string } | null)?.from ?? '/overview';

  // Fetch the overview's code while the user types: it is the first page after logging in.
  useEffect(() => { void import('../pages/overview/OverviewPage'); }, []);

  if (session) return <Navigate to={back} replace />;

  const submit = async (form: LoginForm) => {
    setBusy(true);
    setError(null);
    try {
      await login(form.email, form.password);
      navigate(back, { replace: true });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Flex justify="center" align="center" style={{ minHeight: '100vh', background: '#f0f2f5' }}>
      <Card style={{ width: 380 }}>
        <Flex justify="space-between" align="start">
          <div>
            <Typography.Title level={3} style={{ marginTop: 0, marginBottom: 4 }}>{t('login.title')}</Typography.Title>
            <Typography.Text type="secondary">{t('login.subtitle')}</Typography.Text>
          </div>
          <LanguageSwitch />
        </Flex>
        <Form<LoginForm> layout="vertical" style={{ marginTop: 24 }} onFinish={submit} requiredMark={false}>
          <Form.Item name="email" label={t('login.email')} rules={[{ required: true, message: t('login.required', { field: t('login.email') }) }]}>
            <Input type="email" autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('login.required', { field: t('login.password') }) }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          {error !== null && <div style={{ marginBottom: 16 }}><ApiErrorAlert error={error} /></div>}
          <Button type="primary" htmlType="submit" block loading={busy}>{t('login.submit')}</Button>
        </Form>
      </Card>
    </Flex>
  );
}
