import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { Button, Card, Flex, Form, Input, Typography } from 'antd';
import { useSession } from '../api/session';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { useI18n } from '../i18n/i18n';
import { LanguageSwitch } from './LanguageSwitch';

interface AcceptForm { password: string; name?: string }

/** The page an invitation link opens: the person accepts with their own password (or chooses one for a new account). */
export function AcceptInvitationPage() {
  const { t } = useI18n();
  const { acceptInvitation } = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const token = params.get('token') ?? '';

  const submit = async (form: AcceptForm) => {
    setBusy(true);
    setError(null);
    try {
      await acceptInvitation(token, form.password, form.name?.trim() || undefined);
      navigate('/overview', { replace: true });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Flex justify="center" align="center" style={{ minHeight: '100vh', background: '#f0f2f5' }}>
      <Card style={{ width: 420 }} data-testid="accept-invitation">
        <Flex justify="space-between" align="start">
          <div>
            <Typography.Title level={3} style={{ marginTop: 0, marginBottom: 4 }}>{t('invite.title')}</Typography.Title>
            <Typography.Text type="secondary">{t('invite.subtitle')}</Typography.Text>
          </div>
          <LanguageSwitch />
        </Flex>
        <Form<AcceptForm> layout="vertical" style={{ marginTop: 24 }} onFinish={submit} requiredMark={false}>
          <Form.Item name="name" label={t('invite.name')}><Input autoComplete="name" /></Form.Item>
          <Form.Item name="password" label={t('invite.password')} rules={[{ required: true, message: t('login.required', { field: t('login.password') }) }]}>
            <Input.Password autoComplete="current-password" autoFocus />
          </Form.Item>
          {error !== null && <div style={{ marginBottom: 16 }}><ApiErrorAlert error={error} /></div>}
          <Button type="primary" htmlType="submit" block loading={busy} disabled={!token}>{t('invite.submit')}</Button>
        </Form>
      </Card>
    </Flex>
  );
}
