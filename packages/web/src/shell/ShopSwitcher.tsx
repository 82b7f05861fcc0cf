import { useState } from 'react';
import { Form, Input, Modal, Select } from 'antd';
import { useNavigate } from 'react-router';
import { useCurrentSession, useSession } from '../api/session';
import { ApiErrorAlert } from '../components/ApiErrorAlert';
import { useI18n } from '../i18n/i18n';

/** A session belongs to one shop: switching logs in again with the chosen shopId (the password is asked, never kept). */
export function ShopSwitcher() {
  const { t, label } = useI18n();
  const session = useCurrentSession();
  const { login } = useSession();
  const navigate = useNavigate();
  const [target, setTarget] = useState<string | null>(null);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const targetShop = session.shops.find((s) => s.id === target);

  const close = () => { setTarget(null); setPassword(''); setError(null); };
  const confirm = async () => {
    if (!target) return;
    setBusy(true);
    try {
      await login(session.operator.email, password, target);
      close();
      navigate('/overview');
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Select
        data-testid="shop-switcher"
        aria-label={t('shell.switchShop')}
        style={{ minWidth: 200 }}
        value={session.shopId}
        onChange={(shopId) => { if (shopId !== session.shopId) setTarget(shopId); }}
        options={session.shops.map((s) => ({ value: s.id, label: `${s.name} · ${label('role', s.role)}` }))}
        // The chosen shop by its name: the header's tag beside it already says the role.
        labelRender={({ value }) => session.shops.find((s) => s.id === value)?.name ?? String(value)}
      />
      <Modal open={target !== null} title={t('shell.switchShop')} onCancel={close} onOk={confirm} confirmLoading={busy} okText={t('login.submit')} cancelText={t('app.cancel')} destroyOnHidden>
        <p>{t('shell.switchShopHint', { email: session.operator.email, shop: targetShop?.name ?? '' })}</p>
        <Form layout="vertical" onFinish={confirm}>
          <Form.Item label={t('login.password')}>
            <Input.Password autoFocus value={password} onChange={(e) => setPassword(e.target.value)} onPressEnter={confirm} />
          </Form.Item>
        </Form>
        {error !== null && <ApiErrorAlert error={error} />}
      </Modal>
    </>
  );
}
